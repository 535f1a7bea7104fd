/**
 * Every Redis key of the baseline, built here and nowhere else (as BullMQ does), so the layout is
 * documented in one place and a change cannot leave a reader behind.
 *
 * Per owner (a workload `ns/Kind/name`: the destination of its edges, or the source of its edges
 * to the outside, see `edgeOwner`) the keys share
 * the hash tag `{owner}`: Redis Cluster puts them in one slot, so the upsert script may touch them
 * all atomically. Keys that span owners (the owner index, locks, partition offsets, refresh state)
 * are only ever used by single-key commands.
 *
 * | key | type | holds |
 * |---|---|---|
 * | `P{owner}:edges` | hash | edge field → `first|last|flows|denied|verdict` (the allowed baseline) |
 * | `P{owner}:obs` | hash | workload id → `first|last|flows|labels-json` (observations this owner's flows carried) |
 * | `P{owner}:meta` | hash | `window` (observation window start), `off:<topic>:<partition>` (last applied offset) |
 * | `P{owner}:anomalies` | hash | edges first seen under a lock, same value format as edges |
 * | `P{owner}:refreshed` | set | edge fields present at the last refresh |
 * | `Powners` | set | every owner that has keys |
 * | `Plocks` | hash | `ns:<namespace>` / `wl:<ns/Kind/name>` → lock time |
 * | `Poffsets:<topic>` | hash | partition → next offset to read |
 * | `Poffset-topics` | set | topics with a partition-offsets hash |
 * | `Prefresh` | hash | `at`: time of the last refresh |
 */
export interface OwnerKeys {
  readonly edges: string;
  readonly observations: string;
  readonly meta: string;
  readonly anomalies: string;
  readonly refreshed: string;
}

/** Key builder for one key prefix (one baseline). */
export class BaselineKeys {
  /** @param prefix prepended to every key, e.g. `palisade:` (tests use a random one). */
  constructor(readonly prefix: string) {}

  /** The keys of one owner, all with the hash tag `{owner}`. */
  owner(owner: string): OwnerKeys {
    const tag = `${this.prefix}{${owner}}`;
    return {
      edges: `${tag}:edges`,
      observations: `${tag}:obs`,
      meta: `${tag}:meta`,
      anomalies: `${tag}:anomalies`,
      refreshed: `${tag}:refreshed`,
    };
  }

  /** Set of every owner with keys. */
  get owners(): string {
    return `${this.prefix}owners`;
  }

  /** Hash of locks. */
  get locks(): string {
    return `${this.prefix}locks`;
  }

  /** Hash of the next offset to read per partition of a topic. */
  partitionOffsets(topic: string): string {
    return `${this.prefix}offsets:${topic}`;
  }

  /** Set of the topics that have a partition-offsets hash (so `clear` finds them). */
  get offsetTopics(): string {
    return `${this.prefix}offset-topics`;
  }

  /** Hash with the time of the last refresh. */
  get refresh(): string {
    return `${this.prefix}refresh`;
  }

  /** The field in an owner's meta hash holding the last offset applied from one partition. */
  static offsetField(topic: string, partition: number): string {
    return `off:${topic}:${partition}`;
  }
}

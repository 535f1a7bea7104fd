import type { Baseline, WorkloadObservation } from '../model/baseline.js';
import type { Edge } from '../model/edge.js';
import type { LockTable, LockTarget } from '../model/lock.js';

/**
 * Where the baseline lives: in memory for the embedded `palisade generate --flows`, in Redis for
 * the distributed pipeline. Both implementations pass one shared contract suite
 * (`baseliner/src/testing/baseline-store-contract.ts`), so the embedded path never drifts.
 *
 * The baseline is kept per owner (a workload: the destination of its edges, or the source of its
 * edges to the outside; see `edgeOwner`): each owner
 * has its allowed edges, the workload observations its flows carried, the last Kafka offset
 * applied per partition, its anomalies and its observation window. {@link BaselineStore.read}
 * merges all owners into one sorted baseline.
 */
export interface BaselineStore {
  /** Merges a partial baseline (a folded batch) into the stored one: no offsets, no locks. */
  merge(delta: Baseline): Promise<void>;
  /**
   * Applies pre-aggregated updates, one outcome per update in the same order. An update with a
   * `source` is applied only if its offsets are newer than the owner's stored offset for that
   * partition, and its offset is stored in the same atomic step, so redelivery changes nothing.
   */
  apply(updates: readonly OwnerUpdate[]): Promise<OwnerOutcome[]>;
  /** The whole allowed baseline (anomalies excluded), sorted. */
  read(): Promise<Baseline>;
  /** Removes everything this store holds. */
  clear(): Promise<void>;

  /** Next offset to read per partition, as recorded by {@link recordPartitionOffsets}. */
  partitionOffsets(topic: string): Promise<ReadonlyMap<number, number>>;
  /** Records the next offset to read per partition; an offset never moves backwards. */
  recordPartitionOffsets(topic: string, offsets: ReadonlyMap<number, number>): Promise<void>;

  /** The current locks. */
  locks(): Promise<LockTable>;
  /** Locks a namespace or workload at `at` (epoch ms); locking again keeps the first time. */
  lock(target: LockTarget, at: number): Promise<void>;
  /** Removes a lock; true when there was one. */
  unlock(target: LockTarget): Promise<boolean>;

  /** Edges first seen under a lock, waiting for approval, sorted by owner then edge. */
  anomalies(): Promise<Anomaly[]>;
  /**
   * Moves anomalies into the allowed baseline: those of the given owners, or all. Returns what
   * was approved.
   */
  approve(owners?: readonly string[]): Promise<Anomaly[]>;

  /**
   * Expires edges (and observations) last seen before `cutoff` and reports what changed since
   * the previous refresh: edges added, edges expired. Remembers `at` as the refresh time.
   */
  refresh(cutoff: number, at: number): Promise<RefreshReport>;
  /** Per owner: the observation window start and edge and anomaly counts, sorted by owner. */
  owners(): Promise<OwnerSummary[]>;
}

/** Where a pre-aggregated update came from: a contiguous range of one Kafka partition. */
export interface UpdateSource {
  readonly topic: string;
  readonly partition: number;
  /** Lowest offset of the owner's messages in the update. */
  readonly firstOffset: number;
  /** Highest offset of the owner's messages in the update. */
  readonly lastOffset: number;
}

/** One edge of an update, and whether a lock covers it (decided by the caller, `isEdgeUnderLock`). */
export interface UpdateEdge {
  readonly edge: Edge;
  readonly underLock: boolean;
}

/** Everything one batch learned about one owner. */
export interface OwnerUpdate {
  /** Owner id: `edgeOwner` of every edge in the update. */
  readonly owner: string;
  readonly source?: UpdateSource;
  readonly edges: readonly UpdateEdge[];
  readonly observations: readonly WorkloadObservation[];
}

/** What became of an update. */
export type OwnerOutcome =
  /** Applied; `anomalies` are the edges that became anomalies for the first time. */
  | { readonly status: 'applied'; readonly anomalies: readonly Edge[] }
  /** Already applied before (every offset ≤ the stored one): nothing changed. */
  | { readonly status: 'skipped' }
  /** Offsets up to `appliedThrough` were applied before: nothing changed, re-send the rest. */
  | { readonly status: 'partial'; readonly appliedThrough: number };

/** An edge waiting for approval. */
export interface Anomaly {
  readonly owner: string;
  readonly edge: Edge;
}

/** What a refresh changed. */
export interface RefreshReport {
  /** Time of the refresh before this one; undefined on the first. */
  readonly previousAt: number | undefined;
  readonly at: number;
  /** Edges present now that were not at the previous refresh, sorted. */
  readonly added: readonly Edge[];
  /** Edges removed because they were last seen before the cutoff, sorted. */
  readonly expired: readonly Edge[];
}

/** One owner at a glance. */
export interface OwnerSummary {
  readonly owner: string;
  /** Earliest evidence time ever stored for the owner (its observation window start). */
  readonly windowStart: number | undefined;
  readonly edges: number;
  readonly anomalies: number;
}

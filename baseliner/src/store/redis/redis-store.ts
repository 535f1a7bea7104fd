import { isRetriable } from '@palisade/collector';
import type { Baseline } from '../../model/baseline.js';
import { BaselineAccumulator, compareStrings, observationId } from '../../model/baseline.js';
import type { Edge } from '../../model/edge.js';
import { edgeKey } from '../../model/edge.js';
import { decodeEdge, decodeObservation, edgeValueParts, observationValueParts } from '../../model/edge-codec.js';
import type { LockTable, LockTarget } from '../../model/lock.js';
import { lockField, lockTableFromFields } from '../../model/lock.js';
import { BaselineStoreError } from '../../errors.js';
import type { Anomaly, BaselineStore, OwnerOutcome, OwnerSummary, OwnerUpdate, RefreshReport } from '../baseline-store.js';
import { updatesFromBaseline } from '../owner-updates.js';
import { sortAnomalies, sortEdges } from '../result-order.js';
import type { BaselineRedis, RedisCall } from './redis-client.js';
import { BaselineKeys } from './redis-keys.js';
import { hashReply, integerReply, pairsReply, stringsReply, tablesReply, UnexpectedReplyError } from './redis-replies.js';
import { APPROVE_OWNER, RAISE_OFFSETS, REFRESH_OWNER, UPSERT_OWNER } from './scripts.js';

/** Options of {@link RedisBaselineStore}. */
export interface RedisBaselineStoreOptions {
  /** The narrow client (see `createBaselineRedis`). */
  readonly redis: BaselineRedis;
  /**
   * Prefix of every key: one baseline per prefix.
   * @default 'palisade:'
   */
  readonly prefix?: string;
}

/**
 * The baseline in Redis, shared by every baseliner replica and read by `generate --redis`. Each
 * update of an owner is one Lua script (atomic, idempotent through the owner's stored offsets);
 * all updates of a flush travel in one pipeline, so a flush costs one round trip. Every reply is
 * read by the typed reader of its command (`redis-replies.ts`).
 */
export class RedisBaselineStore implements BaselineStore {
  private readonly redis: BaselineRedis;
  private readonly keys: BaselineKeys;
  /** Owners known to be in the owner index: saves an SADD per owner per flush. */
  private readonly indexed = new Set<string>();

  constructor(options: RedisBaselineStoreOptions) {
    this.redis = options.redis;
    this.keys = new BaselineKeys(options.prefix ?? 'palisade:');
  }

  async merge(delta: Baseline): Promise<void> {
    await this.apply(updatesFromBaseline(delta));
  }

  async apply(updates: readonly OwnerUpdate[]): Promise<OwnerOutcome[]> {
    if (updates.length === 0) return [];
    const newOwners = [...new Set(updates.map((update) => update.owner))].filter((owner) => !this.indexed.has(owner));
    const calls: RedisCall[] = updates.map((update) => this.upsertCall(update));
    // The index entry goes first: a reader that finds edges always finds their owner listed.
    const indexCalls = newOwners.length > 0 ? 1 : 0;
    if (indexCalls > 0) calls.unshift({ command: 'sadd', args: [this.keys.owners, ...newOwners] });
    const replies = await this.round('apply', calls, (reply, index) => {
      if (index >= indexCalls) return outcomeOf(stringsReply(reply), updates[index - indexCalls] as OwnerUpdate);
      integerReply(reply); // the SADD's count of new members tells nothing; only its shape is checked
      return undefined;
    });
    for (const owner of newOwners) this.indexed.add(owner);
    return replies.filter((outcome) => outcome !== undefined);
  }

  private upsertCall(update: OwnerUpdate): RedisCall {
    const keys = this.keys.owner(update.owner);
    const args: (string | number)[] = update.source
      ? [BaselineKeys.offsetField(update.source.topic, update.source.partition), update.source.firstOffset, update.source.lastOffset]
      : ['', 0, 0];
    args.push(update.edges.length);
    for (const { edge, underLock } of update.edges) args.push(edgeKey(edge), ...edgeValueParts(edge), underLock ? '1' : '0');
    args.push(update.observations.length);
    for (const observation of update.observations) args.push(observationId(observation), ...observationValueParts(observation));
    return { script: UPSERT_OWNER, keys: [keys.edges, keys.observations, keys.meta, keys.anomalies], args };
  }

  async read(): Promise<Baseline> {
    const owners = await this.ownerIds('read');
    const hashes = await this.round(
      'read',
      owners.flatMap((owner) => [this.hgetall(this.keys.owner(owner).edges), this.hgetall(this.keys.owner(owner).observations)]),
      hashReply,
    );
    const accumulator = new BaselineAccumulator();
    for (let index = 0; index < hashes.length; index += 2) {
      for (const [field, value] of Object.entries(hashes[index] ?? {})) {
        const edge = decodeEdge(field, value);
        if (edge) accumulator.addEdge(edge, field);
      }
      for (const [id, value] of Object.entries(hashes[index + 1] ?? {})) {
        const observation = decodeObservation(id, value);
        if (observation) accumulator.addObservation(observation, id);
      }
    }
    return accumulator.toBaseline();
  }

  async clear(): Promise<void> {
    const owners = await this.ownerIds('clear');
    const offsetTopics = await this.one('clear', { command: 'smembers', args: [this.keys.offsetTopics] }, stringsReply);
    const all = [
      ...owners.flatMap((owner) => Object.values(this.keys.owner(owner))),
      this.keys.owners,
      this.keys.locks,
      this.keys.refresh,
      ...offsetTopics.map((topic) => this.keys.partitionOffsets(topic)),
      this.keys.offsetTopics,
    ];
    const calls: RedisCall[] = [];
    for (let index = 0; index < all.length; index += 500) calls.push({ command: 'unlink', args: all.slice(index, index + 500) });
    await this.round('clear', calls, integerReply);
    this.indexed.clear();
  }

  async partitionOffsets(topic: string): Promise<ReadonlyMap<number, number>> {
    const fields = await this.one('partitionOffsets', this.hgetall(this.keys.partitionOffsets(topic)), hashReply);
    return new Map(Object.entries(fields).map(([partition, offset]) => [Number(partition), Number(offset)]));
  }

  async recordPartitionOffsets(topic: string, offsets: ReadonlyMap<number, number>): Promise<void> {
    if (offsets.size === 0) return;
    await this.round(
      'recordPartitionOffsets',
      [
        { command: 'sadd', args: [this.keys.offsetTopics, topic] },
        { script: RAISE_OFFSETS, keys: [this.keys.partitionOffsets(topic)], args: [...offsets].flat() },
      ],
      integerReply,
    );
  }

  async locks(): Promise<LockTable> {
    return lockTableFromFields(await this.one('locks', this.hgetall(this.keys.locks), hashReply));
  }

  async lock(target: LockTarget, at: number): Promise<void> {
    await this.one('lock', { command: 'hsetnx', args: [this.keys.locks, lockField(target), at] }, integerReply);
  }

  async unlock(target: LockTarget): Promise<boolean> {
    return (await this.one('unlock', { command: 'hdel', args: [this.keys.locks, lockField(target)] }, integerReply)) === 1;
  }

  async anomalies(): Promise<Anomaly[]> {
    const owners = await this.ownerIds('anomalies');
    const hashes = await this.round('anomalies', owners.map((owner) => this.hgetall(this.keys.owner(owner).anomalies)), hashReply);
    return sortAnomalies(owners.flatMap((owner, index) => decodeEdges(hashes[index] ?? {}).map((edge) => ({ owner, edge }))));
  }

  async approve(owners?: readonly string[]): Promise<Anomaly[]> {
    const targets = owners ?? (await this.ownerIds('approve'));
    const approved = await this.round(
      'approve',
      targets.map((owner) => ({ script: APPROVE_OWNER, keys: [this.keys.owner(owner).edges, this.keys.owner(owner).anomalies], args: [] })),
      pairsReply,
    );
    return sortAnomalies(targets.flatMap((owner, index) => decodeEdges(approved[index] ?? {}).map((edge) => ({ owner, edge }))));
  }

  async refresh(cutoff: number, at: number): Promise<RefreshReport> {
    const owners = await this.ownerIds('refresh');
    const previous = await this.one('refresh', this.hgetall(this.keys.refresh), hashReply);
    const reports = await this.round(
      'refresh',
      owners.map((owner) => {
        const keys = this.keys.owner(owner);
        return { script: REFRESH_OWNER, keys: [keys.edges, keys.observations, keys.refreshed], args: [cutoff] };
      }),
      refreshReply,
    );
    const added: string[] = [];
    const expired: Edge[] = [];
    for (const report of reports) {
      expired.push(...decodeEdges(report.expired));
      // added edges are still stored: their evidence comes from the read below
      added.push(...report.added);
    }
    await this.one('refresh', { command: 'hset', args: [this.keys.refresh, 'at', at] }, integerReply);
    const previousAt = previous['at'];
    const current = new Map((await this.read()).edges.map((edge) => [edgeKey(edge), edge]));
    return {
      previousAt: previousAt === undefined ? undefined : Number(previousAt),
      at,
      added: sortEdges(added.flatMap((field) => current.get(field) ?? [])),
      expired: sortEdges(expired),
    };
  }

  async owners(): Promise<OwnerSummary[]> {
    const owners = await this.ownerIds('owners');
    const hashes = await this.round(
      'owners',
      owners.flatMap((owner) => {
        const keys = this.keys.owner(owner);
        return [this.hgetall(keys.meta), this.hgetall(keys.edges), this.hgetall(keys.anomalies)];
      }),
      hashReply,
    );
    return owners
      .map((owner, index) => {
        const window = hashes[index * 3]?.['window'];
        return {
          owner,
          windowStart: window === undefined ? undefined : Number(window),
          edges: Object.keys(hashes[index * 3 + 1] ?? {}).length,
          anomalies: Object.keys(hashes[index * 3 + 2] ?? {}).length,
        };
      })
      .sort((a, b) => compareStrings(a.owner, b.owner));
  }

  private hgetall(key: string): RedisCall {
    return { command: 'hgetall', args: [key] };
  }

  private async ownerIds(operation: string): Promise<string[]> {
    const owners = await this.one(operation, { command: 'smembers', args: [this.keys.owners] }, stringsReply);
    return owners.sort(compareStrings);
  }

  private async one<T>(operation: string, call: RedisCall, read: (reply: unknown) => T): Promise<T> {
    const [reply] = await this.round(operation, [call], read);
    return reply as T;
  }

  /** One round trip, each reply read by `read`; failures become a {@link BaselineStoreError}. */
  private async round<T>(operation: string, calls: readonly RedisCall[], read: (reply: unknown, index: number) => T): Promise<T[]> {
    let replies: unknown[];
    try {
      replies = await this.redis.round(calls);
    } catch (error) {
      throw new BaselineStoreError(operation, (error as Error).message, { cause: error, retriable: isRetriable(error) });
    }
    try {
      return replies.map((reply, index) => read(reply, index));
    } catch (error) {
      // A reply of the wrong shape will not change by asking again.
      if (error instanceof UnexpectedReplyError) throw new BaselineStoreError(operation, error.message, { cause: error, retriable: false });
      throw error;
    }
  }
}

/** What the upsert script says it did with one update (see `scripts/upsert-owner.lua`). */
function outcomeOf(reply: readonly string[], update: OwnerUpdate): OwnerOutcome {
  const [status, ...rest] = reply;
  if (status === 'skipped') return { status: 'skipped' };
  if (status === 'partial') return { status: 'partial', appliedThrough: Number(rest[0]) };
  if (status !== 'applied') throw new UnexpectedReplyError("'applied', 'partial' or 'skipped'", status);
  const byField = new Map(update.edges.map(({ edge }) => [edgeKey(edge), edge]));
  return { status: 'applied', anomalies: rest.flatMap((field) => byField.get(field) ?? []) };
}

/** The refresh script's `{ {field, value, ...expired}, {field...added} }`. */
function refreshReply(reply: unknown): { readonly expired: Record<string, string>; readonly added: string[] } {
  const [expired, added, ...rest] = tablesReply(reply);
  if (rest.length > 0) throw new UnexpectedReplyError('two tables', reply);
  return { expired: pairsReply(expired), added: stringsReply(added) };
}

function decodeEdges(fields: Readonly<Record<string, string>>): Edge[] {
  return Object.entries(fields).flatMap(([field, value]) => decodeEdge(field, value) ?? []);
}

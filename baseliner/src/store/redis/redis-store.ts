import type { Baseline } from '../../model/baseline.js';
import { BaselineAccumulator, compareStrings } from '../../model/baseline.js';
import type { Anomaly, BaselineStore, OwnerOutcome, OwnerSummary, OwnerUpdate, RefreshReport } from '../baseline-store.js';
import type { Edge } from '../../model/edge.js';
import { edgeKey } from '../../model/edge.js';
import { decodeEdge, decodeObservation, encodeObservationValue } from '../../model/edge-codec.js';
import { isRetriable } from '@palisade/collector';
import { BaselineStoreError } from '../../errors.js';
import type { LockTable, LockTarget } from '../../model/lock.js';
import { lockField, lockTableFromFields } from '../../model/lock.js';
import { observationId } from '../../model/baseline.js';
import { sortAnomalies, sortEdges, updatesFromBaseline } from '../memory-store.js';
import type { BaselineRedis, RedisCall } from './redis-client.js';
import { BaselineKeys } from './redis-keys.js';
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
 * all updates of a flush travel in one pipeline, so a flush costs one round trip.
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
    if (newOwners.length > 0) calls.unshift({ command: 'sadd', args: [this.keys.owners, ...newOwners] });
    const replies = await this.round('apply', calls);
    for (const owner of newOwners) this.indexed.add(owner);
    return replies.slice(newOwners.length > 0 ? 1 : 0).map((reply, index) => outcomeOf(reply, updates[index] as OwnerUpdate));
  }

  private upsertCall(update: OwnerUpdate): RedisCall {
    const keys = this.keys.owner(update.owner);
    const args: (string | number)[] = update.source
      ? [BaselineKeys.offsetField(update.source.topic, update.source.partition), update.source.firstOffset, update.source.lastOffset]
      : ['', 0, 0];
    args.push(update.edges.length);
    for (const { edge, underLock } of update.edges) {
      args.push(edgeKey(edge), edge.firstSeen, edge.lastSeen, edge.flows, edge.deniedFlows, edge.lastVerdict, underLock ? '1' : '0');
    }
    args.push(update.observations.length);
    for (const observation of update.observations) {
      const [first, last, flows, labels] = splitObservation(encodeObservationValue(observation));
      args.push(observationId(observation), first, last, flows, labels);
    }
    return { script: UPSERT_OWNER, keys: [keys.edges, keys.observations, keys.meta, keys.anomalies], args };
  }

  async read(): Promise<Baseline> {
    const owners = await this.ownerIds('read');
    const replies = await this.round(
      'read',
      owners.flatMap((owner) => [
        { command: 'hgetall', args: [this.keys.owner(owner).edges] } as const,
        { command: 'hgetall', args: [this.keys.owner(owner).observations] } as const,
      ]),
    );
    const accumulator = new BaselineAccumulator();
    for (let index = 0; index < replies.length; index += 2) {
      for (const [field, value] of Object.entries(replies[index] as Record<string, string>)) {
        const edge = decodeEdge(field, value);
        if (edge) accumulator.addEdge(edge, field);
      }
      for (const [id, value] of Object.entries(replies[index + 1] as Record<string, string>)) {
        const observation = decodeObservation(id, value);
        if (observation) accumulator.addObservation(observation, id);
      }
    }
    return accumulator.toBaseline();
  }

  async clear(): Promise<void> {
    const owners = await this.ownerIds('clear');
    const keys = owners.flatMap((owner) => Object.values(this.keys.owner(owner)));
    const [offsetKeys] = [await this.offsetTopics()];
    const all = [...keys, this.keys.owners, this.keys.locks, this.keys.refresh, ...offsetKeys];
    const calls: RedisCall[] = [];
    for (let index = 0; index < all.length; index += 500) calls.push({ command: 'unlink', args: all.slice(index, index + 500) });
    await this.round('clear', calls);
    this.indexed.clear();
  }

  async partitionOffsets(topic: string): Promise<ReadonlyMap<number, number>> {
    const [fields] = await this.round('partitionOffsets', [{ command: 'hgetall', args: [this.keys.partitionOffsets(topic)] }]);
    return new Map(Object.entries(fields as Record<string, string>).map(([partition, offset]) => [Number(partition), Number(offset)]));
  }

  async recordPartitionOffsets(topic: string, offsets: ReadonlyMap<number, number>): Promise<void> {
    if (offsets.size === 0) return;
    await this.round('recordPartitionOffsets', [
      { command: 'sadd', args: [this.topicsKey, topic] },
      { script: RAISE_OFFSETS, keys: [this.keys.partitionOffsets(topic)], args: [...offsets].flat() },
    ]);
  }

  async locks(): Promise<LockTable> {
    const [fields] = await this.round('locks', [{ command: 'hgetall', args: [this.keys.locks] }]);
    return lockTableFromFields(fields as Record<string, string>);
  }

  async lock(target: LockTarget, at: number): Promise<void> {
    await this.round('lock', [{ command: 'hsetnx', args: [this.keys.locks, lockField(target), at] }]);
  }

  async unlock(target: LockTarget): Promise<boolean> {
    const [removed] = await this.round('unlock', [{ command: 'hdel', args: [this.keys.locks, lockField(target)] }]);
    return removed === 1;
  }

  async anomalies(): Promise<Anomaly[]> {
    const owners = await this.ownerIds('anomalies');
    const replies = await this.round('anomalies', owners.map((owner) => ({ command: 'hgetall', args: [this.keys.owner(owner).anomalies] }) as const));
    return sortAnomalies(owners.flatMap((owner, index) => decodeEdges(replies[index] as Record<string, string>).map((edge) => ({ owner, edge }))));
  }

  async approve(owners?: readonly string[]): Promise<Anomaly[]> {
    const targets = owners ?? (await this.ownerIds('approve'));
    const replies = await this.round(
      'approve',
      targets.map((owner) => ({ script: APPROVE_OWNER, keys: [this.keys.owner(owner).edges, this.keys.owner(owner).anomalies], args: [] })),
    );
    return sortAnomalies(targets.flatMap((owner, index) => decodeEdges(pairs(replies[index] as string[])).map((edge) => ({ owner, edge }))));
  }

  async refresh(cutoff: number, at: number): Promise<RefreshReport> {
    const owners = await this.ownerIds('refresh');
    const [previous] = await this.round('refresh', [{ command: 'hgetall', args: [this.keys.refresh] }]);
    const replies = await this.round(
      'refresh',
      owners.map((owner) => {
        const keys = this.keys.owner(owner);
        return { script: REFRESH_OWNER, keys: [keys.edges, keys.observations, keys.refreshed], args: [cutoff] };
      }),
    );
    const added: string[] = [];
    const expired: Edge[] = [];
    for (const reply of replies) {
      const [expiredPairs, addedFields] = reply as [string[], string[]];
      expired.push(...decodeEdges(pairs(expiredPairs)));
      // added edges are still stored: their evidence comes from the read below
      added.push(...addedFields);
    }
    await this.round('refresh', [{ command: 'hset', args: [this.keys.refresh, 'at', at] }]);
    const previousAt = (previous as Record<string, string>)['at'];
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
    const replies = await this.round(
      'owners',
      owners.flatMap((owner) => {
        const keys = this.keys.owner(owner);
        return [
          { command: 'hgetall', args: [keys.meta] } as const,
          { command: 'hgetall', args: [keys.edges] } as const,
          { command: 'hgetall', args: [keys.anomalies] } as const,
        ];
      }),
    );
    return owners
      .map((owner, index) => {
        const window = (replies[index * 3] as Record<string, string>)['window'];
        return {
          owner,
          windowStart: window === undefined ? undefined : Number(window),
          edges: Object.keys(replies[index * 3 + 1] as Record<string, string>).length,
          anomalies: Object.keys(replies[index * 3 + 2] as Record<string, string>).length,
        };
      })
      .sort((a, b) => compareStrings(a.owner, b.owner));
  }

  private get topicsKey(): string {
    return this.keys.offsetTopics;
  }

  private async offsetTopics(): Promise<string[]> {
    const [topics] = await this.round('clear', [{ command: 'smembers', args: [this.topicsKey] }]);
    return [...(topics as string[]).map((topic) => this.keys.partitionOffsets(topic)), this.topicsKey];
  }

  private async ownerIds(operation: string): Promise<string[]> {
    const [owners] = await this.round(operation, [{ command: 'smembers', args: [this.keys.owners] }]);
    return (owners as string[]).sort(compareStrings);
  }

  private async round(operation: string, calls: readonly RedisCall[]): Promise<unknown[]> {
    try {
      return await this.redis.round(calls);
    } catch (error) {
      throw new BaselineStoreError(operation, (error as Error).message, { cause: error, retriable: isRetriable(error) });
    }
  }
}

function outcomeOf(reply: unknown, update: OwnerUpdate): OwnerOutcome {
  const [status, ...rest] = reply as string[];
  if (status === 'skipped') return { status: 'skipped' };
  if (status === 'partial') return { status: 'partial', appliedThrough: Number(rest[0]) };
  const byField = new Map(update.edges.map(({ edge }) => [edgeKey(edge), edge]));
  return { status: 'applied', anomalies: rest.flatMap((field) => byField.get(field) ?? []) };
}

function splitObservation(value: string): [string, string, string, string] {
  const match = /^([^|]*)\|([^|]*)\|([^|]*)\|(.*)$/s.exec(value) as RegExpExecArray;
  return [match[1] as string, match[2] as string, match[3] as string, match[4] as string];
}

function pairs(flat: readonly string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let index = 0; index + 1 < flat.length; index += 2) record[flat[index] as string] = flat[index + 1] as string;
  return record;
}

function decodeEdges(fields: Readonly<Record<string, string>>): Edge[] {
  return Object.entries(fields).flatMap(([field, value]) => decodeEdge(field, value) ?? []);
}

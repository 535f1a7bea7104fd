import type { Baseline, WorkloadObservation } from '../model/baseline.js';
import { BaselineAccumulator, compareStrings, mergeObservations, observationId } from '../model/baseline.js';
import type { Anomaly, BaselineStore, OwnerOutcome, OwnerSummary, OwnerUpdate, RefreshReport } from './baseline-store.js';
import type { Edge } from '../model/edge.js';
import { edgeKey, mergeEdges } from '../model/edge.js';
import type { LockTable, LockTarget } from '../model/lock.js';
import { lockField, lockTableFromFields } from '../model/lock.js';
import { updatesFromBaseline } from './owner-updates.js';
import { sortAnomalies, sortEdges } from './result-order.js';

interface OwnerState {
  readonly edges: Map<string, Edge>;
  readonly observations: Map<string, WorkloadObservation>;
  readonly offsets: Map<string, number>;
  readonly anomalies: Map<string, Edge>;
  refreshed: Set<string>;
  windowStart: number | undefined;
}

/**
 * The in-memory baseline store of the embedded default: one process, no Redis. It keeps the same
 * per-owner model as the Redis store and makes the same decisions, so both pass one contract.
 */
export class MemoryBaselineStore implements BaselineStore {
  private owners_ = new Map<string, OwnerState>();
  private locks_ = new Map<string, string>();
  private offsets_ = new Map<string, Map<number, number>>();
  private lastRefresh: number | undefined;

  async merge(delta: Baseline): Promise<void> {
    await this.apply(updatesFromBaseline(delta));
  }

  async apply(updates: readonly OwnerUpdate[]): Promise<OwnerOutcome[]> {
    return updates.map((update) => this.applyOne(update));
  }

  private applyOne(update: OwnerUpdate): OwnerOutcome {
    const state = this.state(update.owner);
    const offsetField = update.source ? `${update.source.topic}:${update.source.partition}` : undefined;
    if (update.source && offsetField !== undefined) {
      const stored = state.offsets.get(offsetField);
      if (stored !== undefined && stored >= update.source.lastOffset) return { status: 'skipped' };
      if (stored !== undefined && stored >= update.source.firstOffset) return { status: 'partial', appliedThrough: stored };
    }
    const anomalies: Edge[] = [];
    for (const { edge, underLock } of update.edges) {
      const key = edgeKey(edge);
      const known = state.edges.get(key);
      if (known) state.edges.set(key, mergeEdges(known, edge));
      else if (!underLock) state.edges.set(key, edge);
      else {
        const pending = state.anomalies.get(key);
        if (pending === undefined) anomalies.push(edge);
        state.anomalies.set(key, pending ? mergeEdges(pending, edge) : edge);
      }
      state.windowStart = Math.min(state.windowStart ?? Infinity, edge.firstSeen);
    }
    for (const observation of update.observations) {
      const id = observationId(observation);
      const known = state.observations.get(id);
      state.observations.set(id, known ? mergeObservations(known, observation) : observation);
      state.windowStart = Math.min(state.windowStart ?? Infinity, observation.firstSeen);
    }
    if (update.source && offsetField !== undefined) state.offsets.set(offsetField, update.source.lastOffset);
    return { status: 'applied', anomalies };
  }

  async read(): Promise<Baseline> {
    const accumulator = new BaselineAccumulator();
    for (const state of this.owners_.values()) {
      for (const [key, edge] of state.edges) accumulator.addEdge(edge, key);
      for (const [id, observation] of state.observations) accumulator.addObservation(observation, id);
    }
    return accumulator.toBaseline();
  }

  async clear(): Promise<void> {
    this.owners_ = new Map();
    this.locks_ = new Map();
    this.offsets_ = new Map();
    this.lastRefresh = undefined;
  }

  async partitionOffsets(topic: string): Promise<ReadonlyMap<number, number>> {
    return new Map(this.offsets_.get(topic) ?? []);
  }

  async recordPartitionOffsets(topic: string, offsets: ReadonlyMap<number, number>): Promise<void> {
    const stored = this.offsets_.get(topic) ?? new Map<number, number>();
    for (const [partition, offset] of offsets) stored.set(partition, Math.max(stored.get(partition) ?? -Infinity, offset));
    this.offsets_.set(topic, stored);
  }

  async locks(): Promise<LockTable> {
    return lockTableFromFields(Object.fromEntries(this.locks_));
  }

  async lock(target: LockTarget, at: number): Promise<void> {
    const field = lockField(target);
    if (!this.locks_.has(field)) this.locks_.set(field, String(at));
  }

  async unlock(target: LockTarget): Promise<boolean> {
    return this.locks_.delete(lockField(target));
  }

  async anomalies(): Promise<Anomaly[]> {
    return sortAnomalies([...this.owners_].flatMap(([owner, state]) => [...state.anomalies.values()].map((edge) => ({ owner, edge }))));
  }

  async approve(owners?: readonly string[]): Promise<Anomaly[]> {
    const approved: Anomaly[] = [];
    for (const [owner, state] of this.owners_) {
      if (owners && !owners.includes(owner)) continue;
      for (const [key, edge] of state.anomalies) {
        const known = state.edges.get(key);
        state.edges.set(key, known ? mergeEdges(known, edge) : edge);
        approved.push({ owner, edge });
      }
      state.anomalies.clear();
    }
    return sortAnomalies(approved);
  }

  async refresh(cutoff: number, at: number): Promise<RefreshReport> {
    const added: Edge[] = [];
    const expired: Edge[] = [];
    for (const state of this.owners_.values()) {
      for (const [key, edge] of state.edges) {
        if (edge.lastSeen < cutoff) {
          state.edges.delete(key);
          expired.push(edge);
        } else if (!state.refreshed.has(key)) added.push(edge);
      }
      for (const [id, observation] of state.observations) if (observation.lastSeen < cutoff) state.observations.delete(id);
      state.refreshed = new Set(state.edges.keys());
    }
    const previousAt = this.lastRefresh;
    this.lastRefresh = at;
    return { previousAt, at, added: sortEdges(added), expired: sortEdges(expired) };
  }

  async owners(): Promise<OwnerSummary[]> {
    return [...this.owners_]
      .map(([owner, state]) => ({ owner, windowStart: state.windowStart, edges: state.edges.size, anomalies: state.anomalies.size }))
      .sort((a, b) => compareStrings(a.owner, b.owner));
  }

  private state(owner: string): OwnerState {
    let state = this.owners_.get(owner);
    if (!state) {
      state = { edges: new Map(), observations: new Map(), offsets: new Map(), anomalies: new Map(), refreshed: new Set(), windowStart: undefined };
      this.owners_.set(owner, state);
    }
    return state;
  }
}

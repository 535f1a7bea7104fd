import type { Flow } from '@palisade/collector';
import { BaselineAccumulator } from './baseline.js';
import type { OwnerUpdate } from './baseline-store.js';
import { ownerOfPeer } from './edge-codec.js';
import { foldFlowInto } from './edge-fold.js';
import type { LockTable } from './lock.js';
import { isEdgeUnderLock } from './lock.js';
import { peerOfEndpoint } from './peer.js';

/** Where a consumed message sits in Kafka. */
export interface MessagePosition {
  readonly topic: string;
  readonly partition: number;
  /** Kafka offset (safe as a number: below 2^53). */
  readonly offset: number;
}

interface Group {
  readonly topic: string;
  readonly partition: number;
  readonly owner: string;
  accumulator: BaselineAccumulator;
  firstOffset: number;
  lastOffset: number;
  /** Kept for {@link PendingUpdate.after}: rarely needed, but only the raw flows can split a range. */
  readonly flows: { readonly offset: number; readonly flow: Flow }[];
}

/** One owner's update, able to re-make itself without the flows another writer already applied. */
export interface PendingUpdate {
  readonly update: OwnerUpdate;
  /** The same update restricted to offsets above `offset`; undefined when nothing is left. */
  after(offset: number): PendingUpdate | undefined;
}

/**
 * Pre-aggregation between Kafka and the store: folds every message of a flush interval into one
 * update per (partition, owner), so the store sees one write per owner instead of one per flow
 * (R4, R5). Pure: no I/O and no clock.
 *
 * It remembers every offset it took since the last {@link drain}, per partition, and ignores a
 * message delivered twice (a seek back on partition assignment re-delivers what was already
 * fetched); redelivery across flushes is the store's job (stored offsets).
 */
export class BatchAggregator {
  private groups = new Map<string, Group>();
  private seen = new Map<string, Set<number>>();
  private next = new Map<string, Map<number, number>>();
  private flows_ = 0;

  /**
   * Takes one decoded flow. Returns false for a duplicate (ignored) or a flow that names no peer
   * on one side (nothing to learn, but its offset still counts as consumed).
   */
  add(flow: Flow, position: MessagePosition): boolean {
    if (!this.take(position)) return false;
    const destination = peerOfEndpoint(flow.destination);
    if (destination === undefined || peerOfEndpoint(flow.source) === undefined) return false;
    const owner = ownerOfPeer(destination);
    const key = `${position.topic}\u0000${position.partition}\u0000${owner}`;
    let group = this.groups.get(key);
    if (!group) {
      group = { topic: position.topic, partition: position.partition, owner, accumulator: new BaselineAccumulator(), firstOffset: position.offset, lastOffset: position.offset, flows: [] };
      this.groups.set(key, group);
    }
    foldFlowInto(group.accumulator, flow);
    group.firstOffset = Math.min(group.firstOffset, position.offset);
    group.lastOffset = Math.max(group.lastOffset, position.offset);
    group.flows.push({ offset: position.offset, flow });
    this.flows_++;
    return true;
  }

  /** Marks a message as consumed without folding it (dead-lettered); false for a duplicate. */
  skip(position: MessagePosition): boolean {
    return this.take(position);
  }

  /** Flows folded since the last drain. */
  get flowCount(): number {
    return this.flows_;
  }

  /** True when nothing was consumed since the last drain. */
  get isEmpty(): boolean {
    return this.next.size === 0;
  }

  /** Per topic, per partition: the offset after the highest one consumed. */
  nextOffsets(): ReadonlyMap<string, ReadonlyMap<number, number>> {
    return this.next;
  }

  /** The updates for everything consumed, with lock decisions made against `locks`. Does not reset. */
  updates(locks: LockTable): PendingUpdate[] {
    return [...this.groups.values()].map((group) => pending(group, locks));
  }

  /** Forgets everything: call after the updates were stored. */
  drain(): void {
    this.groups = new Map();
    this.seen = new Map();
    this.next = new Map();
    this.flows_ = 0;
  }

  private take(position: MessagePosition): boolean {
    const partitionKey = `${position.topic}\u0000${position.partition}`;
    let seen = this.seen.get(partitionKey);
    if (!seen) this.seen.set(partitionKey, (seen = new Set()));
    if (seen.has(position.offset)) return false;
    seen.add(position.offset);
    let next = this.next.get(position.topic);
    if (!next) this.next.set(position.topic, (next = new Map()));
    next.set(position.partition, Math.max(next.get(position.partition) ?? 0, position.offset + 1));
    return true;
  }
}

function pending(group: Group, locks: LockTable): PendingUpdate {
  const baseline = group.accumulator.toBaseline();
  return {
    update: {
      owner: group.owner,
      source: { topic: group.topic, partition: group.partition, firstOffset: group.firstOffset, lastOffset: group.lastOffset },
      edges: baseline.edges.map((edge) => ({ edge, underLock: isEdgeUnderLock(edge, locks) })),
      observations: baseline.workloads,
    },
    after(offset) {
      const rest = group.flows.filter((entry) => entry.offset > offset);
      if (rest.length === 0) return undefined;
      const accumulator = new BaselineAccumulator();
      for (const entry of rest) foldFlowInto(accumulator, entry.flow);
      const offsets = rest.map((entry) => entry.offset);
      return pending(
        { ...group, accumulator, firstOffset: Math.min(...offsets), lastOffset: Math.max(...offsets), flows: rest },
        locks,
      );
    },
  };
}

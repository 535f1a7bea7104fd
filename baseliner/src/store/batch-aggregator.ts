import type { Endpoint, Flow, Protocol } from '@palisade/collector';
import { decodeFlow } from '@palisade/collector';
import type { MutableObservationEvidence, ObservationEvidence, WorkloadObservation } from '../model/baseline.js';
import { mergeObservationEvidence } from '../model/baseline.js';
import type { OwnerUpdate } from './baseline-store.js';
import type { Edge, EdgeEvidence, MutableEdgeEvidence } from '../model/edge.js';
import { edgeKeyOfIds, mergeEdgeEvidence } from '../model/edge.js';
import { ownerSide } from '../model/edge-codec.js';
import type { LockTable } from '../model/lock.js';
import { isEdgeUnderLock } from '../model/lock.js';
import type { Peer, WorkloadPeer } from '../model/peer.js';
import { peerId, peerOfEndpoint } from '../model/peer.js';

/** An edge being accumulated; its evidence is summed in place (one object per edge per flush, not per flow). */
interface EdgeSum extends MutableEdgeEvidence {
  readonly source: Peer;
  readonly destination: Peer;
  readonly protocol: Protocol;
  readonly port: number | undefined;
}

/** An observation being accumulated; its labels shrink in place to the common ones. */
interface ObservationSum extends MutableObservationEvidence {
  readonly peer: WorkloadPeer;
}

/** The peers of a flow's two sides, and their ids, computed once per flow. */
interface FlowPeers {
  readonly source: Peer;
  readonly destination: Peer;
  readonly sourceId: string;
  readonly destinationId: string;
}

/** The peers of a flow; undefined when a side names no peer (nothing to learn from). */
function flowPeers(flow: Flow): FlowPeers | undefined {
  const source = peerOfEndpoint(flow.source);
  const destination = peerOfEndpoint(flow.destination);
  if (source === undefined || destination === undefined) return undefined;
  return { source, destination, sourceId: peerId(source), destinationId: peerId(destination) };
}

/**
 * The fold of `edge-fold.ts` (`foldFlowInto`), specialised for the hot path: the same edges and
 * observations, with in-place sums (`mergeEdgeEvidence`, `mergeObservationEvidence`) instead of a
 * new merged object per flow. The aggregator's tests hold it to `foldFlows`.
 */
class GroupFold {
  readonly edges = new Map<string, EdgeSum>();
  readonly observations = new Map<string, ObservationSum>();

  add(flow: Flow, { source, destination, sourceId, destinationId }: FlowPeers): void {
    const key = edgeKeyOfIds(sourceId, destinationId, flow.protocol, flow.port);
    const denied = flow.verdict === 'denied' ? flow.count : 0;
    const evidence: EdgeEvidence = { firstSeen: flow.time, lastSeen: flow.time, flows: flow.count, deniedFlows: denied, lastVerdict: flow.verdict };
    const edge = this.edges.get(key);
    if (edge === undefined) this.edges.set(key, { source, destination, protocol: flow.protocol, port: flow.port, ...evidence });
    else mergeEdgeEvidence(edge, evidence);
    if (source.kind === 'workload') this.observe(flow.source, source, sourceId, flow);
    if (destination.kind === 'workload') this.observe(flow.destination, destination, destinationId, flow);
  }

  private observe(endpoint: Endpoint, peer: WorkloadPeer, id: string, flow: Flow): void {
    const evidence: ObservationEvidence = { labels: endpoint.labels ?? {}, firstSeen: flow.time, lastSeen: flow.time, flows: flow.count };
    const known = this.observations.get(id);
    if (known === undefined) this.observations.set(id, { peer, ...evidence, labels: { ...evidence.labels } });
    else mergeObservationEvidence(known, evidence);
  }

  edgeList(): Edge[] {
    return [...this.edges.values()].map((sum) => ({
      source: sum.source,
      destination: sum.destination,
      protocol: sum.protocol,
      ...(sum.port !== undefined ? { port: sum.port } : {}),
      firstSeen: sum.firstSeen,
      lastSeen: sum.lastSeen,
      flows: sum.flows,
      deniedFlows: sum.deniedFlows,
      lastVerdict: sum.lastVerdict,
    }));
  }

  observationList(): WorkloadObservation[] {
    return [...this.observations.values()].map((sum) => ({
      namespace: sum.peer.namespace,
      workload: sum.peer.workload,
      labels: { ...sum.labels },
      firstSeen: sum.firstSeen,
      lastSeen: sum.lastSeen,
      flows: sum.flows,
    }));
  }
}

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
  fold: GroupFold;
  firstOffset: number;
  lastOffset: number;
  /**
   * Kept for {@link PendingUpdate.after}: rarely needed, but only the flows can split a range.
   * The encoded message when the caller gives it: a third of the memory of the decoded flow.
   */
  readonly flows: { readonly offset: number; readonly flow: Flow | Buffer | string }[];
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
   * Takes one decoded flow, and optionally its encoded form (kept instead of the flow until the
   * flush). Returns false for a duplicate (ignored) or a flow that names no peer on one side
   * (nothing to learn, but its offset still counts as consumed).
   */
  add(flow: Flow, position: MessagePosition, encoded?: Buffer | string): boolean {
    if (!this.take(position)) return false;
    const peers = flowPeers(flow);
    if (peers === undefined) return false;
    const owner = ownerSide(peers.source, peers.destination) === 'destination' ? peers.destinationId : peers.sourceId;
    const key = `${position.topic}\u0000${position.partition}\u0000${owner}`;
    let group = this.groups.get(key);
    if (!group) {
      group = { topic: position.topic, partition: position.partition, owner, fold: new GroupFold(), firstOffset: position.offset, lastOffset: position.offset, flows: [] };
      this.groups.set(key, group);
    }
    group.fold.add(flow, peers);
    group.firstOffset = Math.min(group.firstOffset, position.offset);
    group.lastOffset = Math.max(group.lastOffset, position.offset);
    group.flows.push({ offset: position.offset, flow: encoded ?? flow });
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

function decodedFlow(kept: Flow | Buffer | string): Flow {
  if (typeof kept !== 'string' && !Buffer.isBuffer(kept)) return kept;
  const decoded = decodeFlow(kept);
  // It was decoded once already: failing now would mean the buffer changed under us.
  if (!decoded.ok) throw new Error(`a kept flow no longer decodes: ${decoded.reason}`);
  return decoded.flow;
}

function pending(group: Group, locks: LockTable): PendingUpdate {
  return {
    update: {
      owner: group.owner,
      source: { topic: group.topic, partition: group.partition, firstOffset: group.firstOffset, lastOffset: group.lastOffset },
      edges: group.fold.edgeList().map((edge) => ({ edge, underLock: isEdgeUnderLock(edge, locks) })),
      observations: group.fold.observationList(),
    },
    after(offset) {
      const rest = group.flows.filter((entry) => entry.offset > offset);
      if (rest.length === 0) return undefined;
      const fold = new GroupFold();
      for (const entry of rest) {
        const flow = decodedFlow(entry.flow);
        // It was folded once already, so both sides name a peer.
        fold.add(flow, flowPeers(flow) as FlowPeers);
      }
      // reduce, not Math.min(...): one owner may have more offsets than a call has arguments
      const firstOffset = rest.reduce((min, entry) => Math.min(min, entry.offset), Infinity);
      const lastOffset = rest.reduce((max, entry) => Math.max(max, entry.offset), -Infinity);
      return pending({ ...group, fold, firstOffset, lastOffset, flows: rest }, locks);
    },
  };
}

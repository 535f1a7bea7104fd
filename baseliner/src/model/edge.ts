import type { Protocol, Verdict } from '@palisade/collector';
import type { Peer } from './peer.js';
import { peerId } from './peer.js';

/**
 * The baseline unit: traffic from one peer to another on one protocol and listener port, with the
 * evidence for it. Merging two edges is commutative and associative (min/max of times, sums of
 * counts), so replays and out-of-order input give the same baseline.
 */
export interface Edge {
  readonly source: Peer;
  readonly destination: Peer;
  readonly protocol: Protocol;
  /** Listener port; absent for ICMP. */
  readonly port?: number;
  /** Earliest flow time (epoch ms). */
  readonly firstSeen: number;
  /** Latest flow time (epoch ms). */
  readonly lastSeen: number;
  /** Connections observed, all verdicts. */
  readonly flows: number;
  /** Of those, connections the CNI denied (rule 14: they never teach by default). */
  readonly deniedFlows: number;
  /** Verdict of the latest flow (ties: denied before unknown before allowed, for determinism). */
  readonly lastVerdict: Verdict;
}

/** Identity of an edge: `source|destination|protocol|port`. */
export function edgeKey(edge: Pick<Edge, 'source' | 'destination' | 'protocol' | 'port'>): string {
  return edgeKeyOfIds(peerId(edge.source), peerId(edge.destination), edge.protocol, edge.port);
}

/** {@link edgeKey} from peer ids already at hand (the pre-aggregation computes each id once per flow). */
export function edgeKeyOfIds(sourceId: string, destinationId: string, protocol: Protocol, port: number | undefined): string {
  return `${sourceId}|${destinationId}|${protocol}|${port ?? ''}`;
}

const VERDICT_RANK: Readonly<Record<Verdict, number>> = { allowed: 0, unknown: 1, denied: 2 };

/** The later verdict; on equal times the more severe one, so the result never depends on order. */
export function laterVerdict(a: { time: number; verdict: Verdict }, b: { time: number; verdict: Verdict }): Verdict {
  if (a.time !== b.time) return a.time > b.time ? a.verdict : b.verdict;
  return VERDICT_RANK[a.verdict] >= VERDICT_RANK[b.verdict] ? a.verdict : b.verdict;
}

/** The evidence of an edge: everything but its identity. */
export type EdgeEvidence = Pick<Edge, 'firstSeen' | 'lastSeen' | 'flows' | 'deniedFlows' | 'lastVerdict'>;

/** Evidence being summed in place (the pre-aggregation's accumulators). */
export type MutableEdgeEvidence = { -readonly [Field in keyof EdgeEvidence]: EdgeEvidence[Field] };

/**
 * The one merge rule of edge evidence: min/max of times, sums of counts, the later verdict. Adds
 * `other` into `into` in place, so the hot path sums without a new object per flow. The Lua
 * scripts' `merge_edge` (`store/redis/scripts/includes/codec.lua`) is the same rule for stored values.
 */
export function mergeEdgeEvidence(into: MutableEdgeEvidence, other: EdgeEvidence): void {
  // The verdict first: it compares against the last-seen time before that moves.
  into.lastVerdict = laterVerdict({ time: into.lastSeen, verdict: into.lastVerdict }, { time: other.lastSeen, verdict: other.lastVerdict });
  into.firstSeen = Math.min(into.firstSeen, other.firstSeen);
  into.lastSeen = Math.max(into.lastSeen, other.lastSeen);
  into.flows += other.flows;
  into.deniedFlows += other.deniedFlows;
}

/** Merges the evidence of two observations of the same edge (see {@link mergeEdgeEvidence}). */
export function mergeEdges(a: Edge, b: Edge): Edge {
  const merged: Edge & MutableEdgeEvidence = { ...a };
  mergeEdgeEvidence(merged, b);
  return merged;
}

/** Connections on this edge that teach an allow rule: all but the denied ones (rule 14). */
export function teachingFlows(edge: Edge, includeDenied = false): number {
  return includeDenied ? edge.flows : edge.flows - edge.deniedFlows;
}

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
  return `${peerId(edge.source)}|${peerId(edge.destination)}|${edge.protocol}|${edge.port ?? ''}`;
}

const VERDICT_RANK: Readonly<Record<Verdict, number>> = { allowed: 0, unknown: 1, denied: 2 };

/** The later verdict; on equal times the more severe one, so the result never depends on order. */
export function laterVerdict(a: { time: number; verdict: Verdict }, b: { time: number; verdict: Verdict }): Verdict {
  if (a.time !== b.time) return a.time > b.time ? a.verdict : b.verdict;
  return VERDICT_RANK[a.verdict] >= VERDICT_RANK[b.verdict] ? a.verdict : b.verdict;
}

/** Merges the evidence of two observations of the same edge. */
export function mergeEdges(a: Edge, b: Edge): Edge {
  return {
    ...a,
    firstSeen: Math.min(a.firstSeen, b.firstSeen),
    lastSeen: Math.max(a.lastSeen, b.lastSeen),
    flows: a.flows + b.flows,
    deniedFlows: a.deniedFlows + b.deniedFlows,
    lastVerdict: laterVerdict({ time: a.lastSeen, verdict: a.lastVerdict }, { time: b.lastSeen, verdict: b.lastVerdict }),
  };
}

/** Connections on this edge that teach an allow rule: all but the denied ones (rule 14). */
export function teachingFlows(edge: Edge, includeDenied = false): number {
  return includeDenied ? edge.flows : edge.flows - edge.deniedFlows;
}

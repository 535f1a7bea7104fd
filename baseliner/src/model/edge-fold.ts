import type { Endpoint, Flow } from '@palisade/collector';
import type { Baseline, WorkloadObservation } from './baseline.js';
import { BaselineAccumulator } from './baseline.js';
import { peerOfEndpoint } from './peer.js';

/** Result of folding flows: the baseline, and flows that name no peer on one side. */
export interface FoldResult {
  readonly baseline: Baseline;
  /** Flows with an `unknown` endpoint: nothing to learn from, counted for the report. */
  readonly unattributedFlows: number;
}

/**
 * Folds flows into a baseline: one edge per (source peer, destination peer, protocol, port) with
 * first/last seen, counts and the latest verdict; one observation per workload. Pure and
 * order-independent: the same flows in any order give the same baseline.
 */
export function foldFlows(flows: Iterable<Flow>): FoldResult {
  const accumulator = new BaselineAccumulator();
  let unattributedFlows = 0;
  for (const flow of flows) {
    if (!foldFlowInto(accumulator, flow)) unattributedFlows += flow.count;
  }
  return { baseline: accumulator.toBaseline(), unattributedFlows };
}

/** Adds one flow to an accumulator; false when an endpoint is unknown and nothing was added. */
export function foldFlowInto(accumulator: BaselineAccumulator, flow: Flow): boolean {
  const source = peerOfEndpoint(flow.source);
  const destination = peerOfEndpoint(flow.destination);
  if (source === undefined || destination === undefined) return false;
  const denied = flow.verdict === 'denied';
  accumulator.addEdge({
    source,
    destination,
    protocol: flow.protocol,
    ...(flow.port !== undefined ? { port: flow.port } : {}),
    firstSeen: flow.time,
    lastSeen: flow.time,
    flows: flow.count,
    deniedFlows: denied ? flow.count : 0,
    lastVerdict: flow.verdict,
  });
  for (const endpoint of [flow.source, flow.destination]) {
    const observation = observationOf(endpoint, flow);
    if (observation) accumulator.addObservation(observation);
  }
  return true;
}

function observationOf(endpoint: Endpoint, flow: Flow): WorkloadObservation | undefined {
  if (endpoint.kind !== 'pod' || endpoint.namespace === undefined || endpoint.workload === undefined) return undefined;
  return {
    namespace: endpoint.namespace,
    workload: endpoint.workload,
    labels: endpoint.labels ?? {},
    firstSeen: flow.time,
    lastSeen: flow.time,
    flows: flow.count,
  };
}

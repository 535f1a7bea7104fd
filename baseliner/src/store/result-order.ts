import { compareStrings } from '../model/baseline.js';
import type { Edge } from '../model/edge.js';
import { edgeKey } from '../model/edge.js';
import type { Anomaly } from './baseline-store.js';

/*
 * The order every BaselineStore reports edges and anomalies in, so the memory and the Redis store
 * give equal answers (the contract compares them as data).
 */

/** Edges sorted by edge key. */
export function sortEdges(edges: readonly Edge[]): Edge[] {
  return edges
    .map((edge) => [edgeKey(edge), edge] as const)
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([, edge]) => edge);
}

/** Anomalies sorted by owner, then edge key. */
export function sortAnomalies(anomalies: readonly Anomaly[]): Anomaly[] {
  return anomalies
    .map((anomaly) => [`${anomaly.owner}\u0000${edgeKey(anomaly.edge)}`, anomaly] as const)
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([, anomaly]) => anomaly);
}

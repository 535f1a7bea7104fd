import type { Baseline, WorkloadObservation } from '../model/baseline.js';
import { observationId } from '../model/baseline.js';
import { edgeOwner } from '../model/edge-codec.js';
import type { OwnerUpdate } from './baseline-store.js';

/**
 * The updates that merge a whole baseline: edges under their owner, each observation under its
 * own workload (a plain merge has no flow to say which owner carried it).
 */
export function updatesFromBaseline(delta: Baseline): OwnerUpdate[] {
  const byOwner = new Map<string, { edges: OwnerUpdate['edges'][number][]; observations: WorkloadObservation[] }>();
  const group = (owner: string) => {
    let entry = byOwner.get(owner);
    if (!entry) byOwner.set(owner, (entry = { edges: [], observations: [] }));
    return entry;
  };
  for (const edge of delta.edges) group(edgeOwner(edge)).edges.push({ edge, underLock: false });
  for (const observation of delta.workloads) group(observationId(observation)).observations.push(observation);
  return [...byOwner].map(([owner, entry]) => ({ owner, edges: entry.edges, observations: entry.observations }));
}

import type { ClusterState, LabelSelector, WorkloadRef } from '@palisade/collector';
import { workloadId } from '@palisade/collector';
import type { Baseline } from '@palisade/baseliner';
import { commonLabels, compareStrings } from '@palisade/baseliner';

/**
 * Everything known about one workload from the cluster state and the baseline, for choosing its
 * selector and for checking that selector against its neighbours.
 */
export interface KnownWorkload {
  readonly id: string;
  readonly namespace: string;
  readonly workload: WorkloadRef;
  /** The owner's own `spec.selector` (rule 5), when the cluster state has the owner. */
  readonly ownerSelector?: LabelSelector;
  /** Labels of each of its pods in the cluster state. */
  readonly podLabels: readonly Readonly<Record<string, string>>[];
  /** Labels common to its pods as the flows showed them. */
  readonly observedLabels?: Readonly<Record<string, string>>;
  /** Its pod template's labels, when the cluster state has the owner. */
  readonly templateLabels?: Readonly<Record<string, string>>;
}

/** Known workloads by id, and by namespace in id order. */
export interface WorkloadCatalog {
  readonly byId: ReadonlyMap<string, KnownWorkload>;
  readonly byNamespace: ReadonlyMap<string, readonly KnownWorkload[]>;
}

/**
 * Builds the catalog from the cluster state (owners, selectors, pods) and the baseline's workload
 * observations. A workload known to either is in it.
 */
export function buildWorkloadCatalog(baseline: Baseline, cluster: ClusterState | undefined): WorkloadCatalog {
  type Mutable = {
    namespace: string;
    workload: WorkloadRef;
    ownerSelector?: LabelSelector;
    podLabels: Record<string, string>[];
    observedLabels?: Record<string, string>;
    templateLabels?: Record<string, string>;
  };
  const entries = new Map<string, Mutable>();
  const entry = (namespace: string, workload: WorkloadRef): Mutable => {
    const id = workloadId(namespace, workload);
    let known = entries.get(id);
    if (known === undefined) {
      known = { namespace, workload, podLabels: [] };
      entries.set(id, known);
    }
    return known;
  };
  for (const info of cluster?.workloads ?? []) {
    const known = entry(info.namespace, { kind: info.kind, name: info.name });
    if (info.selector) known.ownerSelector = info.selector;
    known.templateLabels = { ...info.templateLabels };
  }
  for (const pod of cluster?.pods ?? []) {
    if (pod.hostNetwork) continue; // host-network pods carry the node's address; no selector reaches them
    entry(pod.namespace, pod.workload).podLabels.push({ ...pod.labels });
  }
  for (const observation of baseline.workloads) {
    const known = entry(observation.namespace, observation.workload);
    known.observedLabels = known.observedLabels ? commonLabels(known.observedLabels, observation.labels) : { ...observation.labels };
  }
  const byId = new Map<string, KnownWorkload>();
  for (const id of [...entries.keys()].sort(compareStrings)) {
    const known = entries.get(id) as Mutable;
    byId.set(id, { id, ...known });
  }
  const byNamespace = new Map<string, KnownWorkload[]>();
  for (const known of byId.values()) {
    const list = byNamespace.get(known.namespace) ?? [];
    list.push(known);
    byNamespace.set(known.namespace, list);
  }
  return { byId, byNamespace };
}

/**
 * The label sets that stand for a workload's pods: the real pods when the cluster state has them,
 * else the labels the flows showed, else the pod template's.
 */
export function podLabelSets(known: KnownWorkload): readonly Readonly<Record<string, string>>[] {
  if (known.podLabels.length > 0) return known.podLabels;
  if (known.observedLabels !== undefined) return [known.observedLabels];
  if (known.templateLabels !== undefined) return [known.templateLabels];
  return [];
}

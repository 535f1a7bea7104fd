import type { PortProtocol } from '@palisade/collector';
import { isPortProtocol, workloadId } from '@palisade/collector';
import { compiledSelectorMatches } from './compiled-selector.js';
import { ipBlockMatches } from './ip-block.js';
import type { EvaluationModel, EvaluationPod } from './policy-model.js';
import { namespaceLabels, podIps, selectingPolicies } from './policy-model.js';

/**
 * Workload-to-workload questions (which unobserved pairs do the policies deny, what does a change
 * newly allow) asked without evaluating all W² pairs: a destination whose ingress is isolated can
 * only be reached from the pods its ingress rules name, so only those sources are evaluated.
 */

/** One (protocol, port) a destination listens on. */
export interface ServicePort {
  readonly protocol: PortProtocol;
  readonly port: number;
}

/** One pod per workload (`namespace/Kind/name`), the first the model lists; host-network pods left out. */
export function workloadRepresentatives(model: EvaluationModel): Map<string, EvaluationPod> {
  const representatives = new Map<string, EvaluationPod>();
  for (const [id, pods] of model.podsByWorkload) {
    const pod = pods.find((candidate) => candidate.hostNetwork !== true);
    if (pod !== undefined) representatives.set(id, pod);
  }
  return representatives;
}

/** Workload id of a representative pod. */
export function workloadOf(pod: EvaluationPod): string | undefined {
  return pod.workload === undefined ? undefined : workloadId(pod.namespace, pod.workload);
}

const byNamespaceMemo = new WeakMap<ReadonlyMap<string, EvaluationPod>, Map<string, [string, EvaluationPod][]>>();

/** Representatives grouped by namespace (memoized per representatives map). */
function representativesByNamespace(representatives: ReadonlyMap<string, EvaluationPod>): Map<string, [string, EvaluationPod][]> {
  let grouped = byNamespaceMemo.get(representatives);
  if (grouped === undefined) {
    grouped = new Map();
    for (const entry of representatives) {
      const list = grouped.get(entry[1].namespace);
      if (list === undefined) grouped.set(entry[1].namespace, [entry]);
      else list.push(entry);
    }
    byNamespaceMemo.set(representatives, grouped);
  }
  return grouped;
}

/**
 * Source workloads that the destination's ingress rules could admit, or `all` when its ingress is
 * not isolated or a rule admits every peer. A superset: ports and egress are checked afterwards by
 * the evaluator. Selector peers only look at the namespaces they can match.
 */
export function candidateSources(model: EvaluationModel, representatives: ReadonlyMap<string, EvaluationPod>, destination: EvaluationPod): ReadonlySet<string> | 'all' {
  const policies = selectingPolicies(model, destination).ingress;
  if (policies.length === 0) return 'all';
  const grouped = representativesByNamespace(representatives);
  const candidates = new Set<string>();
  for (const policy of policies) {
    for (const rule of policy.ingress ?? []) {
      if (rule.peers === undefined) return 'all';
      for (const peer of rule.peers) {
        if (peer.kind === 'ipBlock') {
          for (const [id, pod] of representatives) if (!candidates.has(id) && podIps(model, pod).some((ip) => ipBlockMatches(peer.block, ip))) candidates.add(id);
          continue;
        }
        const namespaceSelector = peer.namespaceSelector;
        const namespaces =
          namespaceSelector === undefined
            ? [policy.namespace]
            : [...grouped.keys()].filter((namespace) => compiledSelectorMatches(namespaceSelector, namespaceLabels(model, namespace)));
        for (const namespace of namespaces)
          for (const [id, pod] of grouped.get(namespace) ?? [])
            if (!candidates.has(id) && (peer.podSelector === undefined || compiledSelectorMatches(peer.podSelector, pod.labels))) candidates.add(id);
      }
    }
  }
  return candidates;
}

/** Union of two candidate sets. */
export function unionCandidates(a: ReadonlySet<string> | 'all', b: ReadonlySet<string> | 'all'): ReadonlySet<string> | 'all' {
  if (a === 'all' || b === 'all') return 'all';
  return new Set([...a, ...b]);
}

/** Adds a (protocol, port) to a destination's list, once. */
export function addServicePort(ports: Map<string, ServicePort[]>, destination: string, protocol: string, port: number | undefined): void {
  if (port === undefined || !isPortProtocol(protocol as PortProtocol)) return;
  const list = ports.get(destination) ?? [];
  if (!list.some((known) => known.protocol === protocol && known.port === port)) list.push({ protocol: protocol as PortProtocol, port });
  ports.set(destination, list);
}

import type { V1NetworkPolicy } from '@kubernetes/client-node';
import type { ClusterState } from '@palisade/collector';
import { workloadId } from '@palisade/collector';
import type { Baseline } from '@palisade/baseliner';
import type { EvaluationModel, EvaluationPod } from './policy-model.js';
import { createEvaluationModel } from './policy-model.js';

/**
 * One stand-in pod per observed workload, carrying the labels all its pods shared: what the
 * evaluator needs when no cluster snapshot lists the real pods (a baseline read from Redis has no
 * flows either). Synthesis selected the workload by these same labels.
 */
export function podsFromBaseline(baseline: Baseline): EvaluationPod[] {
  return baseline.workloads.map((observation) => ({
    namespace: observation.namespace,
    name: observation.workload.name,
    labels: observation.labels,
    ips: [],
    workload: observation.workload,
    containerPorts: [],
  }));
}

/**
 * The evaluation model for a policy set: the cluster's live pods when a snapshot is given, plus
 * stand-in pods (from flows or the baseline) for workloads the snapshot does not list.
 */
export function buildEvaluationModel(input: {
  readonly cluster?: ClusterState;
  readonly standIns?: readonly EvaluationPod[];
  readonly policies: readonly V1NetworkPolicy[];
}): EvaluationModel {
  const livePods: EvaluationPod[] = (input.cluster?.pods ?? [])
    // A deleted pod holds no traffic any more; its IP may already belong to a new pod.
    .filter((pod) => pod.deletedAt === undefined)
    .map((pod) => ({
      namespace: pod.namespace,
      name: pod.name,
      labels: pod.labels,
      ips: pod.ips,
      ...(pod.node === undefined ? {} : { node: pod.node }),
      hostNetwork: pod.hostNetwork,
      workload: pod.workload,
      containerPorts: pod.containerPorts,
    }));
  const known = new Set(livePods.map((pod) => (pod.workload ? workloadId(pod.namespace, pod.workload) : undefined)));
  const standIns = (input.standIns ?? []).filter((pod) => pod.workload === undefined || !known.has(workloadId(pod.namespace, pod.workload)));
  return createEvaluationModel({
    namespaces: (input.cluster?.namespaces ?? []).map((namespace) => ({ name: namespace.name, labels: namespace.labels })),
    pods: [...livePods, ...standIns],
    policies: input.policies,
  });
}

/** The model of a cluster snapshot and a policy set: its live pods, no stand-ins. */
export function evaluationModelFromClusterState(state: ClusterState, policies: readonly V1NetworkPolicy[]): EvaluationModel {
  return buildEvaluationModel({ cluster: state, policies });
}

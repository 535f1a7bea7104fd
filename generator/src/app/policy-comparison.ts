import type { V1NetworkPolicy } from '@kubernetes/client-node';
import type { ClusterState, Flow } from '@palisade/collector';
import { podsFromFlows } from '../evaluator/flow-endpoint.js';
import { buildEvaluationModel } from '../evaluator/model-inputs.js';
import { withPolicies } from '../evaluator/policy-model.js';
import type { PolicyDiffReport } from '../render/diff-render.js';
import { diffPolicyObjects } from '../verify/object-diff.js';
import { semanticDiff } from '../verify/semantic-diff.js';

/** Two policy sets to compare, over the workloads the cluster state and the flows show. */
export interface PolicyComparison {
  readonly current: readonly V1NetworkPolicy[];
  readonly proposed: readonly V1NetworkPolicy[];
  readonly cluster?: ClusterState;
  /** Observed flows: their pods stand in for unknown workloads, and both sets are judged by them. */
  readonly flows: readonly Flow[];
}

/**
 * The diff `diff`, `diff --kubeconfig` and the pull-request body show. Object level: policies
 * added, removed and changed. Semantic level: connections newly allowed and newly denied, observed
 * flows denied today, and observed flows the proposal would deny.
 */
export function comparePolicies(input: PolicyComparison): PolicyDiffReport {
  const { current, proposed, flows } = input;
  const currentModel = buildEvaluationModel({ ...(input.cluster ? { cluster: input.cluster } : {}), standIns: podsFromFlows(flows), policies: current });
  return {
    objects: diffPolicyObjects(current, proposed),
    semantic: semanticDiff({ current: currentModel, proposed: withPolicies(currentModel, proposed), flows }),
  };
}

import type { V1NetworkPolicy } from '@kubernetes/client-node';
import type { ClusterState } from '@palisade/collector';
import type { Baseline } from '@palisade/baseliner';
import { buildEvaluationModel, podsFromBaseline } from '../evaluator/model-inputs.js';
import type { EdgeViolation } from '../evaluator/verify.js';
import { countUnobservedDeniedPairs, verifyEdges } from '../evaluator/verify.js';
import type { VerificationSummary } from '../report/generate-report.js';

/** What replaying the baseline through the evaluator found. */
export interface SelfVerification {
  readonly summary: VerificationSummary;
  /** Observed, allowed edges the policies would deny: must be empty (rule 19). */
  readonly violations: readonly EdgeViolation[];
}

/**
 * Rule 19: replays every baseline edge that teaches through the exact NetworkPolicy evaluator,
 * with the proposed policies in force, and counts the unobserved workload pairs they now deny.
 * Pods come from the cluster snapshot, else one stand-in per observed workload.
 */
export function verifySynthesis(input: {
  readonly baseline: Baseline;
  readonly cluster?: ClusterState;
  readonly policies: readonly V1NetworkPolicy[];
  readonly includeDenied: boolean;
}): SelfVerification {
  const model = buildEvaluationModel({
    ...(input.cluster ? { cluster: input.cluster } : {}),
    standIns: podsFromBaseline(input.baseline),
    policies: input.policies,
  });
  const edges = verifyEdges(model, input.baseline.edges, { includeDenied: input.includeDenied });
  const pairs = countUnobservedDeniedPairs(model, input.baseline.edges);
  return {
    summary: {
      edgesChecked: edges.checked,
      edgesAllowed: edges.allowed,
      violations: edges.violations.length,
      unobservedPairsDenied: pairs.unobservedDenied,
    },
    violations: edges.violations,
  };
}

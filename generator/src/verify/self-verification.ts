import type { V1NetworkPolicy } from '@kubernetes/client-node';
import type { ClusterState } from '@palisade/collector';
import type { Baseline } from '@palisade/baseliner';
import { buildEvaluationModel, podsFromBaseline } from '../evaluator/model-inputs.js';
import type { DestinationPairs, EdgeViolation } from './verify.js';
import { countUnobservedDeniedPairs, verifyEdges } from './verify.js';
import { VerificationError } from '../errors.js';
import type { SynthesisInput } from '../synthesis/policy-synthesis.js';
import { synthesizePolicies } from '../synthesis/policy-synthesis.js';
import type { SynthesisResult } from '../synthesis/synthesis-result.js';

/** Counts from replaying the baseline through the evaluator (rule 19). */
export interface VerificationSummary {
  readonly edgesChecked: number;
  readonly edgesAllowed: number;
  readonly violations: number;
  /**
   * Workload pairs never observed talking that the policies now deny: every pod of the source is
   * denied towards every pod of the destination on every port of the destination.
   */
  readonly unobservedPairsDenied: number;
  /** Unobserved workload pairs denied for some of their pod pairs only (pods of a workload differ). */
  readonly unobservedPairsPartlyDenied: number;
  /** Unobserved workload pairs still allowed for every pod pair on some port of the destination. */
  readonly unobservedPairsAllowed: number;
  /** Unobserved workload pairs not judged: the destination has no known port. */
  readonly unobservedPairsUnjudged: number;
  /**
   * The pairs themselves, per destination, so a reviewer or another tool can check them. A
   * destination's denied sources are every workload of `workloads` other than itself and the
   * sources listed as observed, allowed, partly denied or unjudged.
   */
  readonly unobservedPairs: {
    readonly workloads: readonly string[];
    readonly byDestination: readonly DestinationPairs[];
  };
}

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
      unobservedPairsPartlyDenied: pairs.unobservedPartlyDenied,
      unobservedPairsAllowed: pairs.unobservedAllowed,
      unobservedPairsUnjudged: pairs.unjudged,
      unobservedPairs: { workloads: pairs.workloadIds, byDestination: pairs.byDestination },
    },
    violations: edges.violations,
  };
}

/**
 * Synthesis followed by its proof (rule 19), as every command that proposes policies runs it.
 * @throws VerificationError listing the first observed edges the policies would deny.
 * @throws RefusedError from synthesis when the baseline holds no allowed traffic.
 */
export function synthesizeAndVerify(input: SynthesisInput): { readonly result: SynthesisResult; readonly verification: SelfVerification } {
  const result = synthesizePolicies(input);
  const verification = verifySynthesis({
    baseline: input.baseline,
    ...(input.cluster ? { cluster: input.cluster } : {}),
    policies: result.policies.map((plan) => plan.policy),
    includeDenied: input.options.includeDenied,
  });
  const { violations } = verification;
  if (violations.length > 0) {
    const shown = violations.slice(0, 5).map((v) => `${v.source} -> ${v.destination} ${v.protocol}/${v.port ?? ''} (denied by ${v.deniedBy})`);
    throw new VerificationError(
      `the generated policies would deny ${violations.length} observed edge(s), so nothing was written or applied: ${shown.join('; ')}${violations.length > 5 ? '; …' : ''}`,
    );
  }
  return { result, verification };
}

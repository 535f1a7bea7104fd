import type { ClusterReader, PolicyWriter } from '../cluster/cluster-api.js';
import type { ApplyPlan } from '../cluster/apply-plan.js';
import { planApply } from '../cluster/apply-plan.js';
import type { ApplyRunResult } from '../cluster/apply-run.js';
import { runApplyPlan } from '../cluster/apply-run.js';
import type { LiveCluster } from '../cluster/cluster-read.js';
import { RefusedError } from '../errors.js';
import type { ClusterConfig } from './live-cluster.js';
import { readLive } from './live-cluster.js';
import type { Proposal, ProposalConfig, ProposalDependencies } from './proposal.js';
import { loadProposal } from './proposal.js';

/** The validated configuration of `palisade apply`. */
export interface ApplyConfig extends ClusterConfig {
  readonly proposal: ProposalConfig;
  readonly dryRun: boolean;
  readonly maxChanges?: number;
  readonly output: 'text' | 'json';
}

/** What `apply` decided and did. */
export interface ApplyOutcome {
  readonly live: LiveCluster;
  readonly proposal: Proposal;
  readonly plan: ApplyPlan;
  readonly result: ApplyRunResult;
}

/** Dependencies of {@link applyProposal}: the cluster, and what reading a proposal needs. */
export interface ApplyDependencies extends ProposalDependencies {
  readonly cluster: ClusterReader & PolicyWriter;
}

/** A safety gate refused the plan: nothing was written. The plan says what and why. */
export class ApplyRefusedError extends RefusedError {
  constructor(readonly plan: ApplyPlan) {
    super(`nothing was applied: ${plan.refusals.map((refusal) => refusal.message).join('; ')}`);
    // Printed as every refusal is (`palisade: refused: …`): the name is what runCli shows.
    this.name = 'RefusedError';
  }
}

/** The apply plan of a proposal against the live cluster, with the gates `apply` enforces. */
export function planAgainstLive(
  proposal: Proposal,
  live: LiveCluster,
  gates: { readonly minWindowMs: number; readonly maxChanges?: number },
  excludedNamespaces: readonly string[] = [],
): ApplyPlan {
  return planApply({
    desired: proposal.policies,
    live: live.policies,
    state: live.state,
    ...(live.namespaces ? { namespaces: live.namespaces } : {}),
    excludedNamespaces,
    gates: {
      minWindowMs: gates.minWindowMs,
      ...(gates.maxChanges !== undefined ? { maxChanges: gates.maxChanges } : {}),
      ...(proposal.baselineEdges !== undefined ? { baselineEdges: proposal.baselineEdges } : {}),
    },
  });
}

/**
 * `palisade apply`: reads the live cluster in full, builds the proposal against it, decides the
 * plan (pure) and runs it: dry run of the whole set first, then the writes. A refused gate stops
 * it before any write ({@link ApplyRefusedError}, exit 4).
 */
export async function applyProposal(config: ApplyConfig, deps: ApplyDependencies): Promise<ApplyOutcome> {
  const live = await readLive(deps.cluster, config);
  const proposal = await loadProposal(config.proposal, live.state, deps);
  const plan = planAgainstLive(
    proposal,
    live,
    {
      minWindowMs: config.proposal.synthesis.minWindowMs,
      ...(config.maxChanges !== undefined ? { maxChanges: config.maxChanges } : {}),
    },
    config.proposal.synthesis.excludeNamespaces,
  );
  if (plan.refusals.length > 0) throw new ApplyRefusedError(plan);
  const result = await runApplyPlan(plan, deps.cluster, { dryRun: config.dryRun });
  return { live, proposal, plan, result };
}

import type { ClusterReader } from '../cluster/cluster-api.js';
import type { Refusal } from '../cluster/apply-plan.js';
import { policiesAfterApply } from '../cluster/apply-plan.js';
import type { PolicyDiffReport } from '../render/diff-render.js';
import { synthesisOptions } from '../synthesis/synthesis-options.js';
import { readClusterFileIfGiven } from '../io/cluster-file.js';
import type { CliIo } from '../io/cli-io.js';
import type { FlowInputConfig } from '../io/flow-input.js';
import { readFlowInput } from '../io/flow-input.js';
import { loadNetworkPolicies } from '../io/policy-load.js';
import { planAgainstLive } from './apply.js';
import type { ClusterConfig } from './live-cluster.js';
import { readLive } from './live-cluster.js';
import { comparePolicies } from './policy-comparison.js';
import type { ProposalDependencies, ProposalSource } from './proposal.js';
import { loadProposal } from './proposal.js';

/** Output formats of `diff`. */
export type DiffOutput = 'text' | 'json' | 'markdown';

/** The validated configuration of `palisade diff` over two policy sets on disk. */
export interface DiffConfig extends FlowInputConfig {
  readonly current: string;
  readonly proposed: string;
  readonly output: DiffOutput;
}

/** The validated configuration of `palisade diff --kubeconfig`: the live cluster is the current side. */
export interface LiveDiffConfig extends ClusterConfig {
  readonly source: ProposalSource;
  /** Flows to judge both sides by (with `--proposed`; with `--flows` as the source they are the same flows). */
  readonly judge: FlowInputConfig;
  readonly output: DiffOutput;
}

/** What `diff --kubeconfig` found. */
export interface LiveDiffOutcome {
  readonly report: PolicyDiffReport;
  /** Gates `apply` would refuse on. */
  readonly refusals: readonly Refusal[];
}

/**
 * `palisade diff`: a dry-run diff of two policy sets (see {@link comparePolicies}), over the
 * workloads the cluster snapshot or the flows show.
 */
export async function diffPolicyFiles(config: DiffConfig, deps: { readonly io: CliIo }): Promise<PolicyDiffReport> {
  const [current, proposed] = await Promise.all([loadNetworkPolicies(config.current), loadNetworkPolicies(config.proposed)]);
  const cluster = await readClusterFileIfGiven(config.cluster);
  const flows = config.flows.length > 0 ? (await readFlowInput(config, cluster, deps.io)).flows : [];
  return comparePolicies({
    current: current.map((loaded) => loaded.policy),
    proposed: proposed.map((loaded) => loaded.policy),
    ...(cluster ? { cluster } : {}),
    flows,
  });
}

/**
 * `palisade diff --kubeconfig`: the live policies against the cluster as `apply` would leave it.
 * Everyone else's policies stay on both sides; Palisade's are created, updated or pruned as the
 * apply plan says, so the semantic diff shows what applying would really change. Observed flows
 * that today's policies deny, and those the proposal would deny (0 for Palisade's own output),
 * come from the flows.
 */
export async function diffLive(config: LiveDiffConfig, deps: ProposalDependencies & { readonly cluster: ClusterReader }): Promise<LiveDiffOutcome> {
  const live = await readLive(deps.cluster, config);
  const synthesis = synthesisOptions();
  const proposal = await loadProposal({ source: config.source, synthesis }, live.state, deps);
  const flows = config.source.kind === 'flows' ? proposal.flows : config.judge.flows.length > 0 ? (await readFlowInput(config.judge, live.state, deps.io)).flows : [];
  const plan = planAgainstLive(proposal, live, { minWindowMs: synthesis.minWindowMs });
  const report = comparePolicies({ current: live.policies, proposed: policiesAfterApply(plan, live.policies), cluster: live.state, flows });
  return { report, refusals: plan.refusals };
}

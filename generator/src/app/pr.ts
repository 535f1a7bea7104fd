import type { ClusterState } from '@palisade/collector';
import type { ClusterReader } from '../cluster/cluster-api.js';
import { excludedReason, isWritableNamespace } from '../cluster/apply-plan.js';
import { applyConfiguration, policyKey } from '../cluster/policy-manifest.js';
import { InputError } from '../errors.js';
import type { GitRunner } from '../publish/git.js';
import type { PullRequestApi } from '../publish/github.js';
import type { PublishResult, PublishTarget } from '../publish/publish.js';
import { publishPolicies } from '../publish/publish.js';
import { policyFilePath } from '../render/generate-report.js';
import { policyToYaml } from '../render/policy-yaml.js';
import { PULL_REQUEST_TITLE, pullRequestBody } from '../render/pull-request-body.js';
import { readClusterFileIfGiven } from '../io/cluster-file.js';
import type { ClusterConfig } from './live-cluster.js';
import { readLive } from './live-cluster.js';
import { comparePolicies } from './policy-comparison.js';
import type { Proposal, ProposalConfig, ProposalDependencies } from './proposal.js';
import { loadProposal } from './proposal.js';

/** The GitHub repository the pull request is opened in. */
export interface GitHubTarget {
  readonly owner: string;
  readonly repo: string;
  readonly apiUrl: string;
  /** Longest wait for one GitHub request. @default 30 s */
  readonly requestTimeoutMs?: number;
}

/** Where and how `pr` publishes: shared with `refresh --then pr`. */
export interface PublishConfig {
  readonly gitDir: string;
  readonly target: PublishTarget;
  /** `OWNER/REPO`; absent: push the branch only. */
  readonly github?: GitHubTarget;
  /** `--cluster FILE`, when the live cluster is not read. */
  readonly clusterFile?: string;
}

/** The validated configuration of `palisade pr`. */
export interface PrConfig extends ClusterConfig, PublishConfig {
  readonly proposal: ProposalConfig;
  readonly output: 'text' | 'json';
}

/** Dependencies of {@link publishProposal}. */
export interface PrDependencies extends ProposalDependencies {
  readonly git: GitRunner;
  readonly pullRequests?: PullRequestApi;
  /** The live cluster, when `--kubeconfig` is given. */
  readonly cluster?: ClusterReader;
}

/** What `pr` did. */
export interface PrOutcome {
  readonly proposal: Proposal;
  readonly result: PublishResult;
  /** Proposed policies left out: in a system or excluded namespace (rule 17), with why. */
  readonly skipped: readonly { readonly key: string; readonly reason: string }[];
}

/**
 * `palisade pr`: the proposal (against the live cluster with `--kubeconfig`, a `--cluster` file,
 * or neither) written into the working copy and published as one pull request, whose body is the
 * diff against the policies the base holds.
 */
export async function publishProposal(config: PrConfig, deps: PrDependencies): Promise<PrOutcome> {
  const state = await clusterState(config, deps.cluster);
  const proposal = await loadProposal(config.proposal, state, deps);
  if (proposal.policies.length === 0 || proposal.baselineEdges === 0)
    throw new InputError('the proposal holds no policies (empty baseline): nothing to publish; collect flows first');
  // Rule 17 binds what is published as it binds what is applied: a --proposed directory may hold
  // a policy generate would never write (a deny-all in kube-system); it is left out, with a line.
  const { excludeNamespaces } = config.proposal.synthesis;
  const namespaceOf = (entry: Proposal['policies'][number]) => entry.policy.metadata?.namespace ?? 'default';
  const skipped = proposal.policies
    .filter((entry) => !isWritableNamespace(namespaceOf(entry), excludeNamespaces))
    .map((entry) => ({ key: policyKey(entry.policy), reason: excludedReason(namespaceOf(entry)) }));
  const policies = proposal.policies.filter((entry) => isWritableNamespace(namespaceOf(entry), excludeNamespaces)).map((entry) => applyConfiguration(entry.policy));
  if (policies.length === 0) throw new InputError('every proposed policy is in a system or excluded namespace (rule 17): nothing to publish');
  const files = policies.map((policy) => ({ path: policyFilePath(policy.metadata?.namespace ?? 'default', policy.metadata?.name ?? ''), content: policyToYaml(policy) }));
  const result = await publishPolicies({
    git: deps.git,
    ...(deps.pullRequests ? { pullRequests: deps.pullRequests } : {}),
    target: config.target,
    files,
    title: PULL_REQUEST_TITLE,
    body(current) {
      const diff = comparePolicies({ current, proposed: policies, ...(state ? { cluster: state } : {}), flows: proposal.flows });
      return pullRequestBody({ diff, ...(proposal.report ? { report: proposal.report } : {}) });
    },
  });
  return { proposal, result, skipped };
}

/** The cluster state the proposal is built against: live, from a file, or none. */
async function clusterState(config: ClusterConfig & { readonly clusterFile?: string }, cluster: ClusterReader | undefined): Promise<ClusterState | undefined> {
  if (cluster !== undefined) return (await readLive(cluster, config)).state;
  return readClusterFileIfGiven(config.clusterFile);
}

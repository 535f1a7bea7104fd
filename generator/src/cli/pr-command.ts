import { Octokit } from '@octokit/rest';
import { Command, Option } from 'commander';
import { z } from 'zod';
import type { ClusterState } from '@palisade/collector';
import type { ClusterReader } from '../cluster/cluster-api.js';
import { readLiveCluster } from '../cluster/cluster-read.js';
import { kubernetesClusterApi, loadKubeConfig } from '../cluster/kubernetes-client.js';
import { applyConfiguration } from '../cluster/policy-manifest.js';
import { InputError } from '../errors.js';
import { podsFromFlows } from '../evaluator/flow-endpoint.js';
import { buildEvaluationModel } from '../evaluator/model-inputs.js';
import { diffPolicyObjects } from '../verify/object-diff.js';
import { withPolicies } from '../evaluator/policy-model.js';
import { semanticDiff } from '../verify/semantic-diff.js';
import type { GitRunner } from '../publish/git.js';
import { gitCommandLine } from '../publish/git.js';
import type { PullRequestApi } from '../publish/github.js';
import { octokitPullRequests, parseRepository } from '../publish/github.js';
import type { PublishResult, PublishTarget } from '../publish/publish.js';
import { publishPolicies } from '../publish/publish.js';
import { PULL_REQUEST_TITLE, pullRequestBody } from '../render/pull-request-body.js';
import { policyToYaml } from '../render/policy-yaml.js';
import { policyFilePath } from '../render/generate-report.js';
import type { ClusterConfig } from './apply-command.js';
import { addClusterOptions, ClusterFlags } from './apply-command.js';
import { readClusterFile } from '../io/cluster-file.js';
import { listFromFlag } from './flags/list-flags.js';
import { flagError } from './flags/flag-error.js';
import type { CommandContext } from './command-context.js';
import type { Proposal, ProposalConfig, ProposalDependencies } from '../app/proposal-source.js';
import { loadProposal } from '../app/proposal-source.js';
import { addProposalOptions, ProposalFlags, proposalConfig, proposalFlagInput } from './flags/proposal-flags.js';

/** The validated configuration of `palisade pr`. */
export interface PrConfig extends ClusterConfig {
  readonly proposal: ProposalConfig;
  readonly gitDir: string;
  readonly target: PublishTarget;
  /** `OWNER/REPO`; absent: push the branch only. */
  readonly github?: { readonly owner: string; readonly repo: string; readonly apiUrl: string };
  /** `--cluster FILE`, when the live cluster is not read. */
  readonly clusterFile?: string;
  readonly output: 'text' | 'json';
}

const Branch = z.string().regex(/^(?!-)(?!.*\.\.)[A-Za-z0-9._/-]+$/, 'is not a branch name');

/** zod shape of the publishing flags, shared with `refresh --then pr`. */
export const PrFlags = {
  gitDir: z.string({ error: 'needs --git-dir PATH (a clone of the GitOps repository)' }).min(1),
  path: z.string({ error: 'needs --path DIR (where the policies live in the repository)' }).min(1),
  base: Branch.optional(),
  branch: Branch.default('palisade/network-policies'),
  remote: z.string().min(1).default('origin'),
  github: z.string().optional(),
  githubApiUrl: z.url({ protocol: /^https?$/, error: 'is not an http(s) URL' }).default('https://api.github.com'),
  cluster: z.string().optional(),
};

const PrFlagsSchema = z.object({ ...ProposalFlags, ...ClusterFlags, ...PrFlags, output: z.enum(['text', 'json']) });

/** The publishing part of a parsed flag set. */
export function publishConfig(f: z.infer<z.ZodObject<typeof PrFlags>>): Pick<PrConfig, 'gitDir' | 'target' | 'github' | 'clusterFile'> {
  if (f.base === undefined) throw new InputError('--base: needs --base BRANCH (the branch the pull request goes into, e.g. main)');
  if (f.base === f.branch) throw new InputError(`--branch ${f.branch}: must differ from --base`);
  return {
    gitDir: f.gitDir,
    target: { path: f.path, base: f.base, branch: f.branch, remote: f.remote },
    ...(f.github ? { github: { ...parseRepository(f.github), apiUrl: f.githubApiUrl } } : {}),
    ...(f.cluster ? { clusterFile: f.cluster } : {}),
  };
}

/** Parses `pr`'s flags once. */
export function prConfigFromFlags(flags: Record<string, unknown>): PrConfig {
  const parsed = PrFlagsSchema.safeParse({ ...proposalFlagInput(flags), namespace: listFromFlag(flags['namespace']) });
  if (!parsed.success) throw flagError(parsed.error.issues[0], flags);
  const f = parsed.data;
  return Object.freeze({
    proposal: proposalConfig(f),
    ...publishConfig(f),
    ...(f.kubeconfig ? { kubeconfig: f.kubeconfig } : {}),
    ...(f.namespace && f.namespace.length > 0 ? { namespaces: f.namespace } : {}),
    output: f.output,
  });
}

/** Dependencies of {@link runPr}. */
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
}

/**
 * `palisade pr`: the proposal (against the live cluster with `--kubeconfig`, a `--cluster` file,
 * or neither) written into the working copy and published as one pull request.
 */
export async function runPr(config: PrConfig, deps: PrDependencies): Promise<PrOutcome> {
  const state = await clusterState(config, deps.cluster);
  const proposal = await loadProposal(config.proposal, state, deps);
  if (proposal.policies.length === 0 || proposal.baselineEdges === 0)
    throw new InputError('the proposal holds no policies (empty baseline): nothing to publish; collect flows first');
  const policies = proposal.policies.map((entry) => applyConfiguration(entry.policy));
  const files = policies.map((policy) => ({ path: policyFilePath(policy.metadata?.namespace ?? 'default', policy.metadata?.name ?? ''), content: policyToYaml(policy) }));
  const result = await publishPolicies({
    git: deps.git,
    ...(deps.pullRequests ? { pullRequests: deps.pullRequests } : {}),
    target: config.target,
    files,
    title: PULL_REQUEST_TITLE,
    body(current) {
      const model = buildEvaluationModel({ ...(state ? { cluster: state } : {}), standIns: podsFromFlows(proposal.flows), policies: current });
      const diff = {
        objects: diffPolicyObjects(current, policies),
        semantic: semanticDiff({ current: model, proposed: withPolicies(model, policies), flows: proposal.flows }),
      };
      return pullRequestBody({ diff, ...(proposal.report ? { report: proposal.report } : {}) });
    },
  });
  deps.io.stdout.write(config.output === 'json' ? `${JSON.stringify(result, null, 2)}\n` : `${describePublish(result, config.target)}\n`);
  return { proposal, result };
}

/** The cluster state the proposal is built against: live, from a file, or none. */
export async function clusterState(config: ClusterConfig & { readonly clusterFile?: string }, cluster: ClusterReader | undefined): Promise<ClusterState | undefined> {
  if (cluster !== undefined) return (await readLiveCluster(cluster, config.namespaces ? { namespaces: config.namespaces } : {})).state;
  return config.clusterFile === undefined ? undefined : readClusterFile(config.clusterFile);
}

/** One line on what publishing did. */
export function describePublish(result: PublishResult, target: PublishTarget): string {
  if (!result.changed)
    return result.reason === 'same-as-base'
      ? `No change: ${target.base} already holds these policies`
      : `No change: ${target.branch} already proposes these policies${result.pullRequest ? ` (${result.pullRequest.url})` : ''}`;
  const pr = result.pullRequest ? `; pull request #${result.pullRequest.number} ${result.pullRequest.action}: ${result.pullRequest.url}` : '';
  return `Pushed ${result.commit?.slice(0, 12)} to ${target.remote}/${target.branch}${pr}`;
}

/** Builds the GitHub client from the configuration and `GITHUB_TOKEN` (the one place it is read). */
export function githubFromEnvironment(github: PrConfig['github'], env: NodeJS.ProcessEnv = process.env): PullRequestApi | undefined {
  if (github === undefined) return undefined;
  const token = env['GITHUB_TOKEN'];
  if (token === undefined || token.trim() === '') throw new InputError('--github: needs a token in GITHUB_TOKEN (contents and pull-requests write)');
  const octokit = new Octokit({ auth: token.trim(), baseUrl: github.apiUrl.replace(/\/+$/, ''), userAgent: 'palisade', log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} } });
  return octokitPullRequests(octokit, github);
}

/** Adds the publishing flags. */
export function addPublishOptions(command: Command): Command {
  return command
    .addOption(new Option('--git-dir <path>', 'a clone of the GitOps repository, used only by Palisade').env('PALISADE_GIT_DIR'))
    .addOption(new Option('--path <dir>', 'directory of the policies inside the repository').env('PALISADE_GIT_PATH'))
    .addOption(new Option('--base <branch>', 'branch the pull request goes into').env('PALISADE_GIT_BASE'))
    .addOption(new Option('--branch <branch>', 'branch Palisade pushes its proposal to').default('palisade/network-policies').env('PALISADE_GIT_BRANCH'))
    .addOption(new Option('--remote <name>', 'Git remote to fetch from and push to').default('origin').env('PALISADE_GIT_REMOTE'))
    .addOption(new Option('--github <owner/repo>', 'open or update the pull request on GitHub (token in GITHUB_TOKEN)').env('PALISADE_GITHUB_REPOSITORY'))
    .addOption(new Option('--github-api-url <url>', 'GitHub API base URL (GitHub Enterprise: https://HOST/api/v3)').default('https://api.github.com').env('PALISADE_GITHUB_API_URL'))
    .addOption(new Option('--cluster <file>', 'cluster objects as kubectl get -o yaml prints them, when --kubeconfig is not given').env('PALISADE_CLUSTER'));
}

/** `palisade pr`. */
export function prCommand(context: CommandContext): Command {
  return addPublishOptions(
    addClusterOptions(
      addProposalOptions(
        new Command('pr')
          .summary('commit the policies to a Git repository and open or update a pull request')
          .description(
            'Writes the proposed policies into --path of a Git working copy on --branch (rebuilt from --base each run),\n' +
              'commits and pushes only when they differ from what the branch already proposes, and opens one pull request\n' +
              '(or updates it) with a Markdown body: summary, semantic diff, verification, warnings. The GitHub token is\n' +
              'read from GITHUB_TOKEN and never printed. Pushing uses the working copy\'s own Git credentials.',
          ),
      ),
    ),
  )
    .addOption(new Option('-o, --output <format>', 'result format').choices(['text', 'json']).default('text').env('PALISADE_OUTPUT'))
    .addHelpText('after', '\nExample:\n  GITHUB_TOKEN=… palisade pr --flows hubble.jsonl --git-dir ./gitops --path clusters/prod/netpol --base main --github acme/gitops\n')
    .action(async (flags: Record<string, unknown>) => {
      const config = prConfigFromFlags(flags);
      const pullRequests = githubFromEnvironment(config.github);
      const cluster = config.kubeconfig !== undefined ? kubernetesClusterApi(loadKubeConfig(config.kubeconfig)) : undefined;
      await runPr(config, { io: context.io, git: gitCommandLine(config.gitDir), ...(pullRequests ? { pullRequests } : {}), ...(cluster ? { cluster } : {}) });
    });
}

import { Command, Option } from 'commander';
import { z } from 'zod';
import { kubernetesClusterApi, loadKubeConfig } from '../cluster/kubernetes-client.js';
import type { ClusterReader, PolicyWriter } from '../cluster/cluster-api.js';
import type { RedisSettings } from '@palisade/baseliner/redis';
import { expiryCutoff, parseRetention } from '@palisade/baseliner';
import { EXIT_CODES, InputError } from '../errors.js';
import { gitCommandLine } from '../publish/git.js';
import type { GitRunner } from '../publish/git.js';
import type { PullRequestApi } from '../publish/github.js';
import type { ApplyConfig } from './apply-command.js';
import { addClusterOptions, ClusterFlags, runApply } from './apply-command.js';
import { redisSettingsFromFlags } from './flags/redis-flags.js';
import { withRedisStore } from '../app/redis-store.js';
import { liveDiffConfigFromFlags, runLiveDiff } from './diff-command.js';
import { listFromFlag } from './flags/list-flags.js';
import { flagError } from './flags/flag-error.js';
import type { PrConfig } from './pr-command.js';
import { addPublishOptions, githubFromEnvironment, PrFlags, publishConfig, runPr } from './pr-command.js';
import type { CommandContext } from './command-context.js';
import type { ProposalDependencies } from '../app/proposal-source.js';
import { addProposalOptions, ProposalFlags, proposalConfig, proposalFlagInput } from './flags/proposal-flags.js';

/**
 * `palisade refresh`: the scheduled job (a CronJob). Refreshes the baseline when it lives in Redis,
 * builds the proposal, then acts on it with `--then pr|apply|diff`, only when it changed: a pull
 * request is pushed only when the policies differ from what the branch proposes, apply writes only
 * policies that differ from the live ones, diff prints only when something would change.
 * Exit 0: nothing changed; 10 ({@link EXIT_CODES.changed}): it changed and was acted on.
 */

/** What refresh does with the proposal. */
export type RefreshAction = 'pr' | 'apply' | 'diff';

/** What one refresh run found. */
export interface RefreshOutcome {
  readonly action: RefreshAction;
  readonly changed: boolean;
}

/** Dependencies of {@link runRefresh}: everything that talks to the outside, wired by the command. */
export interface RefreshDependencies extends ProposalDependencies {
  readonly cluster?: ClusterReader & PolicyWriter;
  readonly git?: GitRunner;
  readonly pullRequests?: PullRequestApi;
  /** Expires stale edges of the Redis baseline before reading it (`palisade baseline refresh`). */
  readonly refreshBaseline?: (settings: RedisSettings) => Promise<void>;
}

/** The validated configuration of `palisade refresh`. */
export type RefreshConfig = { readonly retentionMs: number } & (
  | { readonly then: 'apply'; readonly apply: ApplyConfig }
  | { readonly then: 'pr'; readonly pr: PrConfig }
  | { readonly then: 'diff'; readonly flags: Readonly<Record<string, unknown>> }
);

const RefreshFlags = z.object({
  ...ProposalFlags,
  ...ClusterFlags,
  ...PrFlags,
  gitDir: PrFlags.gitDir.optional(),
  path: PrFlags.path.optional(),
  then: z.enum(['pr', 'apply', 'diff'], { error: 'needs --then pr, apply or diff' }),
  maxChanges: z.coerce.number({ error: 'is not a number' }).int('must be a whole number').min(0, 'must be 0 or more').optional(),
  retention: z.string().refine((value) => parseRetention(value) !== undefined, { message: 'is not a duration (for example 14d, 36h)' }).default('14d'),
  output: z.enum(['text', 'json']),
});

/** Parses `refresh`'s flags once. */
export function refreshConfigFromFlags(flags: Record<string, unknown>): RefreshConfig {
  const parsed = RefreshFlags.safeParse({ ...proposalFlagInput(flags), namespace: listFromFlag(flags['namespace']) });
  if (!parsed.success) throw flagError(parsed.error.issues[0], flags);
  const f = parsed.data;
  const proposal = proposalConfig(f);
  const retentionMs = parseRetention(f.retention) as number;
  const cluster = { ...(f.kubeconfig ? { kubeconfig: f.kubeconfig } : {}), ...(f.namespace && f.namespace.length > 0 ? { namespaces: f.namespace } : {}) };
  switch (f.then) {
    case 'apply':
      return Object.freeze({ retentionMs, then: 'apply', apply: { proposal, ...cluster, dryRun: false, ...(f.maxChanges !== undefined ? { maxChanges: f.maxChanges } : {}), output: f.output } });
    case 'pr': {
      if (f.gitDir === undefined) throw new InputError('--git-dir: --then pr needs --git-dir PATH (a clone of the GitOps repository)');
      if (f.path === undefined) throw new InputError('--path: --then pr needs --path DIR (where the policies live in the repository)');
      return Object.freeze({ retentionMs, then: 'pr', pr: { proposal, ...cluster, ...publishConfig({ ...f, gitDir: f.gitDir, path: f.path }), output: f.output } });
    }
    case 'diff':
      if (f.kubeconfig === undefined) throw new InputError('--kubeconfig: --then diff compares with the live cluster and needs --kubeconfig FILE');
      return Object.freeze({ retentionMs, then: 'diff', flags: Object.freeze({ ...flags, output: f.output === 'json' ? 'json' : 'text' }) });
  }
}

/** Runs one refresh. */
export async function runRefresh(config: RefreshConfig, deps: RefreshDependencies): Promise<RefreshOutcome> {
  const redis = redisOf(config);
  if (redis !== undefined) await (deps.refreshBaseline ?? refreshRedisBaseline(config.retentionMs))(redis);
  switch (config.then) {
    case 'apply': {
      if (deps.cluster === undefined) throw new InputError('--then apply needs the cluster (--kubeconfig, or the in-cluster service account)');
      const outcome = await runApply(config.apply, { ...deps, cluster: deps.cluster });
      return { action: 'apply', changed: outcome.plan.changes > 0 };
    }
    case 'pr': {
      if (deps.git === undefined) throw new InputError('--then pr needs --git-dir');
      const outcome = await runPr(config.pr, { ...deps, git: deps.git });
      return { action: 'pr', changed: outcome.result.changed };
    }
    case 'diff': {
      if (deps.cluster === undefined) throw new InputError('--then diff needs --kubeconfig');
      const captured: string[] = [];
      const io = { ...deps.io, stdout: { write: (text: string) => captured.push(text) } as unknown as NodeJS.WritableStream };
      const report = await runLiveDiff(liveDiffConfigFromFlags({ ...config.flags }), { ...deps, io, cluster: deps.cluster });
      const { added, removed, changed } = report.objects;
      const isChanged = added.length + removed.length + changed.length > 0;
      deps.io.stdout.write(isChanged ? captured.join('') : 'No change: the live policies already match the proposal\n');
      return { action: 'diff', changed: isChanged };
    }
  }
}

function redisOf(config: RefreshConfig): RedisSettings | undefined {
  if (config.then === 'diff')
    return typeof config.flags['redis'] === 'string' ? redisSettingsFromFlags({ redisUrl: config.flags['redis'], redisPrefix: config.flags['redisPrefix'] }) : undefined;
  const source = config.then === 'apply' ? config.apply.proposal.source : config.pr.proposal.source;
  return source.kind === 'redis' ? source.settings : undefined;
}

/** `palisade baseline refresh`: edges unseen for the retention window expire before the proposal is built. */
function refreshRedisBaseline(retentionMs: number): (settings: RedisSettings) => Promise<void> {
  return async (settings) => {
    const now = Date.now();
    await withRedisStore(settings, (store) => store.refresh(expiryCutoff(now, retentionMs), now));
  };
}

/** `palisade refresh`. */
export function refreshCommand(context: CommandContext): Command {
  return addPublishOptions(
    addClusterOptions(
      addProposalOptions(
        new Command('refresh')
          .summary('the scheduled job: refresh the baseline, regenerate, then open a PR, apply or diff only when changed')
          .description(
            'Meant for a CronJob. Refreshes the baseline (with --redis), builds the proposal against the cluster, then\n' +
              '--then pr: publishes it as one pull request (see palisade pr); --then apply: applies it with every gate of\n' +
              'palisade apply; --then diff: prints the diff against the live policies. Acts only when the result changed.\n' +
              'Exit 0 when nothing changed, 10 when something changed and was acted on, other codes on failure.',
          ),
      ),
    ),
  )
    .addOption(new Option('--then <action>', 'what to do with a changed proposal').choices(['pr', 'apply', 'diff']).env('PALISADE_REFRESH_THEN'))
    .addOption(new Option('--retention <duration>', 'with --redis: edges unseen this long expire before regenerating').default('14d').env('PALISADE_RETENTION'))
    .addOption(new Option('--max-changes <n>', 'with --then apply: refuse when more policies would change').env('PALISADE_MAX_CHANGES'))
    .addOption(new Option('-o, --output <format>', 'result format').choices(['text', 'json']).default('text').env('PALISADE_OUTPUT'))
    .addHelpText(
      'after',
      '\nExamples (CronJob):\n  palisade refresh --redis redis://redis:6379 --then pr --git-dir /work/gitops --path clusters/prod/netpol --base main --github acme/gitops\n' +
        '  palisade refresh --redis redis://redis:6379 --then apply --max-changes 20\n',
    )
    .action(async (flags: Record<string, unknown>) => {
      const config = refreshConfigFromFlags(flags);
      const kubeconfig = config.then === 'apply' ? config.apply.kubeconfig : config.then === 'pr' ? config.pr.kubeconfig : (config.flags['kubeconfig'] as string);
      const needsCluster = config.then !== 'pr' || kubeconfig !== undefined;
      const cluster = needsCluster ? kubernetesClusterApi(loadKubeConfig(kubeconfig)) : undefined;
      const pullRequests = config.then === 'pr' ? githubFromEnvironment(config.pr.github) : undefined;
      const outcome = await runRefresh(config, {
        io: context.io,
        ...(cluster ? { cluster } : {}),
        ...(config.then === 'pr' ? { git: gitCommandLine(config.pr.gitDir) } : {}),
        ...(pullRequests ? { pullRequests } : {}),
      });
      context.setExitCode(outcome.changed ? EXIT_CODES.changed : EXIT_CODES.ok);
    });
}

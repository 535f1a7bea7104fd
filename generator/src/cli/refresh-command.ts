import { Command, Option } from 'commander';
import { z } from 'zod';
import { parseRetention } from '@palisade/baseliner';
import { githubFromEnvironment } from '../app/github-client.js';
import type { RefreshAction, RefreshConfig, RefreshDependencies } from '../app/refresh.js';
import { refreshProposal } from '../app/refresh.js';
import { ApplyRefusedError } from '../app/apply.js';
import { kubernetesClusterApi, loadKubeConfig } from '../cluster/kubernetes-client.js';
import { EXIT_CODES, InputError } from '../errors.js';
import { gitCommandLine } from '../publish/git.js';
import { renderApply, renderPlanText } from './apply-render.js';
import type { CommandContext } from './command-context.js';
import { refusalNotes, renderDiffAs } from './diff-output.js';
import { MaxChanges, maxChangesOption } from './flags/apply-flags.js';
import { addClusterOptions, clusterConfig, ClusterFlags } from './flags/cluster-flags.js';
import { flagError } from './flags/flag-error.js';
import { listFromFlag } from './flags/flag-values.js';
import { liveDiffConfigFromFlags } from './flags/live-diff-flags.js';
import { outputOption } from './flags/output-flag.js';
import { addProposalOptions, ProposalFlags, proposalConfig, proposalFlagInput } from './flags/proposal-flags.js';
import { addPublishOptions, publishConfig, PublishFlags } from './flags/publish-flags.js';
import { renderPr } from './pr-render.js';

const RefreshFlags = z.object({
  ...ProposalFlags,
  ...ClusterFlags,
  ...PublishFlags,
  gitDir: PublishFlags.gitDir.optional(),
  path: PublishFlags.path.optional(),
  then: z.enum(['pr', 'apply', 'diff'], { error: 'needs --then pr, apply or diff' }),
  maxChanges: MaxChanges,
  retention: z.string().refine((value) => parseRetention(value) !== undefined, { message: 'is not a duration (for example 14d, 36h)' }).default('14d'),
  output: z.enum(['text', 'json']),
});

/** Parses `refresh`'s flags once. */
export function refreshConfigFromFlags(flags: Record<string, unknown>): RefreshConfig {
  const parsed = RefreshFlags.safeParse({ ...proposalFlagInput(flags), namespace: listFromFlag(flags['namespace']) });
  if (!parsed.success) throw flagError(parsed.error.issues[0], flags);
  const f = parsed.data;
  const proposal = proposalConfig(f, flags);
  const retentionMs = parseRetention(f.retention) as number;
  const cluster = clusterConfig(f);
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
      return Object.freeze({ retentionMs, then: 'diff', diff: liveDiffConfigFromFlags({ ...flags, output: f.output === 'json' ? 'json' : 'text' }) });
  }
}

/**
 * Runs one refresh with a parsed configuration and prints what the action did; for `--then diff`
 * the diff only when something would change. Exit 0: nothing changed; 10 ({@link EXIT_CODES.changed}):
 * it changed and was acted on (set by the command from the result).
 */
export async function runRefresh(config: RefreshConfig, deps: RefreshDependencies): Promise<{ readonly action: RefreshAction; readonly changed: boolean }> {
  let outcome;
  try {
    outcome = await refreshProposal(config, deps);
  } catch (error) {
    if (error instanceof ApplyRefusedError && config.then === 'apply' && config.apply.output === 'text') deps.io.stdout.write(renderPlanText(error.plan, config.apply.dryRun));
    throw error;
  }
  switch (outcome.action) {
    case 'apply':
      if (config.then === 'apply') deps.io.stdout.write(renderApply(outcome.apply, config.apply));
      break;
    case 'pr':
      if (config.then === 'pr') deps.io.stdout.write(renderPr(outcome.pr, config.pr));
      break;
    case 'diff':
      deps.io.stderr.write(refusalNotes(outcome.diff.refusals));
      if (config.then === 'diff')
        deps.io.stdout.write(outcome.changed ? renderDiffAs(outcome.diff.report, config.diff.output) : 'No change: the live policies already match the proposal\n');
      break;
  }
  return { action: outcome.action, changed: outcome.changed };
}

/** `palisade refresh`. */
export function refreshCommand(context: CommandContext): Command {
  return addPublishOptions(
    addClusterOptions(
      addProposalOptions(
        new Command('refresh')
          .summary('the scheduled job: refresh the baseline, regenerate, then open a PR, apply or diff only when changed')
          .description(
            'Meant for a CronJob. Refreshes the baseline (with --redis-url), builds the proposal against the cluster, then\n' +
              '--then pr: publishes it as one pull request (see palisade pr); --then apply: applies it with every gate of\n' +
              'palisade apply; --then diff: prints the diff against the live policies. Acts only when the result changed.\n' +
              'Exit 0 when nothing changed, 10 when something changed and was acted on, other codes on failure.',
          ),
      ),
    ),
  )
    .addOption(new Option('--then <action>', 'what to do with a changed proposal').choices(['pr', 'apply', 'diff']).env('PALISADE_REFRESH_THEN'))
    .addOption(new Option('--retention <duration>', 'with --redis-url: edges unseen this long expire before regenerating').default('14d').env('PALISADE_RETENTION'))
    .addOption(maxChangesOption('with --then apply: refuse when more policies would change'))
    .addOption(outputOption(['text', 'json']))
    .addHelpText(
      'after',
      '\nExamples (CronJob):\n  palisade refresh --redis-url redis://redis:6379 --then pr --git-dir /work/gitops --path clusters/prod/netpol --base main --github acme/gitops\n' +
        '  palisade refresh --redis-url redis://redis:6379 --then apply --max-changes 20\n',
    )
    .action(async (flags: Record<string, unknown>) => {
      const config = refreshConfigFromFlags(flags);
      const kubeconfig = config.then === 'apply' ? config.apply.kubeconfig : config.then === 'pr' ? config.pr.kubeconfig : config.diff.kubeconfig;
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

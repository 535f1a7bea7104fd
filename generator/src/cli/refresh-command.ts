import { Command, Option } from 'commander';
import type { RefreshAction, RefreshConfig, RefreshDependencies } from '../app/refresh.js';
import type { CommandContext } from './command-context.js';
import { addClusterOptions } from './options/cluster-options.js';
import { outputOption } from './options/output-option.js';
import { addProposalOptions } from './options/proposal-options.js';
import { addPublishOptions } from './options/publish-options.js';
import { maxChangesOption } from './options/synthesis-options.js';

/**
 * Runs one refresh with a parsed configuration and prints what the action did; for `--then diff`
 * the diff only when something would change. Exit 0: nothing changed; 10 (`EXIT_CODES.changed`):
 * it changed and was acted on (set by the command from the result).
 */
export async function runRefresh(config: RefreshConfig, deps: RefreshDependencies): Promise<{ readonly action: RefreshAction; readonly changed: boolean }> {
  const [{ refreshProposal }, { renderApply, renderRefusal }, { refusalNotes, renderDiffAs }, { renderPr }] = await Promise.all([
    import('../app/refresh.js'),
    import('./apply-render.js'),
    import('./diff-output.js'),
    import('./pr-render.js'),
  ]);
  let outcome;
  try {
    outcome = await refreshProposal(config, deps);
  } catch (error) {
    if (config.then === 'apply') deps.io.stdout.write(renderRefusal(error, config.apply));
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
      const [{ refreshConfigFromFlags }, { connectCluster }, { githubFromEnvironment }, { gitCommandLine }, { EXIT_CODES }] = await Promise.all([
        import('./refresh-config.js'),
        import('../app/live-cluster.js'),
        import('../app/github-client.js'),
        import('../publish/git.js'),
        import('../errors.js'),
      ]);
      const config = await refreshConfigFromFlags(flags);
      const kubeconfig = config.then === 'apply' ? config.apply.kubeconfig : config.then === 'pr' ? config.pr.kubeconfig : config.diff.kubeconfig;
      const needsCluster = config.then !== 'pr' || kubeconfig !== undefined;
      const cluster = needsCluster ? await connectCluster(kubeconfig, config.then === 'apply' ? config.apply : config.then === 'pr' ? config.pr : config.diff) : undefined;
      const pullRequests = config.then === 'pr' ? await githubFromEnvironment(config.pr.github) : undefined;
      const outcome = await runRefresh(config, {
        io: context.io,
        ...(cluster ? { cluster } : {}),
        ...(config.then === 'pr' ? { git: gitCommandLine(config.pr.gitDir) } : {}),
        ...(pullRequests ? { pullRequests } : {}),
      });
      context.setExitCode(outcome.changed ? EXIT_CODES.changed : EXIT_CODES.ok);
    });
}

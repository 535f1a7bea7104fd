import { Command, Option } from 'commander';
import type { CommandContext } from './command-context.js';
import { addClusterOptions } from './options/cluster-options.js';
import { addFlowInputOptions } from './options/flow-input-options.js';
import { outputOption } from './options/output-option.js';
import { addRedisOptions } from './options/redis-options.js';

/** `palisade diff`: two policy sets on disk, or (with `--kubeconfig`) the live policies and a proposal. */
export function diffCommand(context: CommandContext): Command {
  const { io } = context;
  return addClusterOptions(
    addFlowInputOptions(
      addRedisOptions(
      new Command('diff')
        .summary('dry-run diff of proposed NetworkPolicies against current ones')
        .description(
          'Compares two policy sets: policies added, removed and changed (with a YAML diff each), and what each allows as\n' +
            'sets: per pair of known workloads the port ranges newly allowed and newly denied (every port of TCP, UDP and\n' +
            'SCTP), per workload the external address ranges newly allowed and newly denied; with --flows, the observed\n' +
            'flows the current policies deny today and those the proposal would deny. -o markdown is a pull-request body.',
        )
        .addOption(new Option('--current <path>', 'the policies in force: a manifest file or a directory').env('PALISADE_CURRENT'))
        .addOption(new Option('--proposed <path>', 'the policies to compare: a manifest file or a directory (e.g. palisade-out/)').env('PALISADE_PROPOSED')),
        { url: 'with --kubeconfig: propose policies from the baseline in Redis', prefix: 'key prefix of the Redis baseline' },
      ),
      'observed flows to judge both sets by (repeatable); - reads stdin; with --kubeconfig and no --proposed, also what to learn the proposal from',
    ),
  )
    .addOption(outputOption(['text', 'json', 'markdown']))
    .addHelpText(
      'after',
      '\nExamples:\n  palisade diff --current live-policies/ --proposed palisade-out/ --flows hubble.jsonl -o markdown\n' +
        '  palisade diff --kubeconfig ~/.kube/config --flows hubble.jsonl\n',
    )
    .action(async (flags: Record<string, unknown>) => {
      const { refusalNotes, renderDiffAs } = await import('./diff-output.js');
      if (flags['kubeconfig'] !== undefined) {
        const [{ liveDiffConfigFromFlags }, { diffLive }, { connectCluster }] = await Promise.all([
          import('./flags/live-diff-flags.js'),
          import('../app/diff.js'),
          import('../app/live-cluster.js'),
        ]);
        const config = await liveDiffConfigFromFlags(flags);
        const outcome = await diffLive(config, { io, cluster: await connectCluster(config.kubeconfig, config) });
        io.stderr.write(refusalNotes(outcome.refusals));
        io.stdout.write(renderDiffAs(outcome.report, config.output));
        return;
      }
      const [{ diffConfigFromFlags }, { diffPolicyFiles }] = await Promise.all([import('./diff-config.js'), import('../app/diff.js')]);
      const config = diffConfigFromFlags(flags);
      io.stdout.write(renderDiffAs(await diffPolicyFiles(config, { io }), config.output));
    });
}

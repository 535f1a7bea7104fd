import { Command, Option } from 'commander';
import { z } from 'zod';
import { diffLive, diffPolicyFiles } from '../app/diff.js';
import { kubernetesClusterApi, loadKubeConfig } from '../cluster/kubernetes-client.js';
import type { CommandContext } from './command-context.js';
import { refusalNotes, renderDiffAs } from './diff-output.js';
import { addClusterOptions } from './flags/cluster-flags.js';
import { flagError } from './flags/flag-error.js';
import { addFlowInputOptions, FlowInputFlags } from './flags/flow-input-flags.js';
import { listFromFlag } from './flags/flag-values.js';
import { liveDiffConfigFromFlags } from './flags/live-diff-flags.js';
import { outputOption } from './flags/output-flag.js';
import { addRedisOptions } from './flags/redis-flags.js';

const DiffFlags = z.object({
  ...FlowInputFlags,
  current: z.string({ error: 'needs --current DIR|FILE (the policies in force)' }).min(1),
  proposed: z.string({ error: 'needs --proposed DIR|FILE (the policies to compare)' }).min(1),
  output: z.enum(['text', 'json', 'markdown']),
});

/** `palisade diff`: two policy sets on disk, or (with `--kubeconfig`) the live policies and a proposal. */
export function diffCommand(context: CommandContext): Command {
  const { io } = context;
  return addClusterOptions(
    addFlowInputOptions(
      addRedisOptions(
      new Command('diff')
        .summary('dry-run diff of proposed NetworkPolicies against current ones')
        .description(
          'Compares two policy sets: policies added, removed and changed (with a YAML diff each), and, for every pair of\n' +
            'known workloads and observed port, connections newly allowed and newly denied; with --flows, the observed\n' +
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
      if (flags['kubeconfig'] !== undefined) {
        const config = liveDiffConfigFromFlags(flags);
        const outcome = await diffLive(config, { io, cluster: kubernetesClusterApi(loadKubeConfig(config.kubeconfig)) });
        io.stderr.write(refusalNotes(outcome.refusals));
        io.stdout.write(renderDiffAs(outcome.report, config.output));
        return;
      }
      const parsed = DiffFlags.safeParse({ ...flags, flows: listFromFlag(flags['flows']) ?? [] });
      if (!parsed.success) throw flagError(parsed.error.issues[0], flags);
      const config = Object.freeze(parsed.data);
      io.stdout.write(renderDiffAs(await diffPolicyFiles(config, { io }), config.output));
    });
}

import { Command, Option } from 'commander';
import { z } from 'zod';
import type { PolicyDiffReport } from '../evaluator/diff-render.js';
import { renderDiffJson, renderDiffMarkdown, renderDiffText } from '../evaluator/diff-render.js';
import { podsFromFlows } from '../evaluator/flow-endpoint.js';
import { buildEvaluationModel } from '../evaluator/model-inputs.js';
import { diffPolicyObjects } from '../evaluator/object-diff.js';
import { loadNetworkPolicies } from '../evaluator/policy-load.js';
import { withPolicies } from '../evaluator/policy-model.js';
import { semanticDiff } from '../evaluator/semantic-diff.js';
import { readClusterFile } from './cluster-file.js';
import type { FlowInputConfig } from './flow-input.js';
import { addFlowInputOptions, flagError, FlowInputFlags, listFromFlag, readFlowInput } from './flow-input.js';
import type { CommandContext } from './progress.js';

/** The validated configuration of `palisade diff`. */
export interface DiffConfig extends FlowInputConfig {
  readonly current: string;
  readonly proposed: string;
  readonly output: 'text' | 'json' | 'markdown';
}

const DiffFlags = z.object({
  ...FlowInputFlags,
  current: z.string({ error: 'needs --current DIR|FILE (the policies in force)' }).min(1),
  proposed: z.string({ error: 'needs --proposed DIR|FILE (the policies to compare)' }).min(1),
  output: z.enum(['text', 'json', 'markdown']),
});

/**
 * `palisade diff`: a dry-run diff of two policy sets. Object level: policies added, removed and
 * changed, with a YAML diff each. Semantic level (over the workloads the cluster snapshot or the
 * flows show): connections newly allowed and newly denied, observed flows denied today, and
 * observed flows the proposal would deny (0 for Palisade's own output).
 */
export async function runDiff(config: DiffConfig, context: CommandContext): Promise<PolicyDiffReport> {
  const [current, proposed] = await Promise.all([loadNetworkPolicies(config.current), loadNetworkPolicies(config.proposed)]);
  const cluster = config.cluster === undefined ? undefined : await readClusterFile(config.cluster);
  const flows = config.flows.length > 0 ? (await readFlowInput(config, cluster, context.io)).flows : [];
  const currentModel = buildEvaluationModel({
    ...(cluster ? { cluster } : {}),
    standIns: podsFromFlows(flows),
    policies: current.map((loaded) => loaded.policy),
  });
  const report: PolicyDiffReport = {
    objects: diffPolicyObjects(
      current.map((loaded) => loaded.policy),
      proposed.map((loaded) => loaded.policy),
    ),
    semantic: semanticDiff({
      current: currentModel,
      proposed: withPolicies(
        currentModel,
        proposed.map((loaded) => loaded.policy),
      ),
      flows,
    }),
  };
  const render = { text: renderDiffText, json: renderDiffJson, markdown: renderDiffMarkdown }[config.output];
  context.io.stdout.write(render(report));
  return report;
}

/** `palisade diff`. */
export function diffCommand(context: CommandContext): Command {
  return addFlowInputOptions(
    new Command('diff')
      .summary('dry-run diff of proposed NetworkPolicies against current ones')
      .description(
        'Compares two policy sets: policies added, removed and changed (with a YAML diff each), and, for every pair of\n' +
          'known workloads and observed port, connections newly allowed and newly denied; with --flows, the observed\n' +
          'flows the current policies deny today and those the proposal would deny. -o markdown is a pull-request body.',
      )
      .addOption(new Option('--current <path>', 'the policies in force: a manifest file or a directory').env('PALISADE_CURRENT'))
      .addOption(new Option('--proposed <path>', 'the policies to compare: a manifest file or a directory (e.g. palisade-out/)').env('PALISADE_PROPOSED')),
    'observed flows to judge both sets by (repeatable); - reads stdin',
  )
    .addOption(new Option('-o, --output <format>', 'result format').choices(['text', 'json', 'markdown']).default('text').env('PALISADE_OUTPUT'))
    .addHelpText('after', '\nExample:\n  palisade diff --current live-policies/ --proposed palisade-out/ --flows hubble.jsonl -o markdown\n')
    .action(async (flags: Record<string, unknown>) => {
      const parsed = DiffFlags.safeParse({ ...flags, flows: listFromFlag(flags['flows']) ?? [] });
      if (!parsed.success) throw flagError(parsed.error.issues[0], flags);
      await runDiff(Object.freeze(parsed.data), context);
    });
}

import { Command, Option } from 'commander';
import { z } from 'zod';
import { EXIT_CODES } from '../errors.js';
import { renderVerifyJson, renderVerifyText } from '../render/diff-render.js';
import { podsFromFlows } from '../evaluator/flow-endpoint.js';
import { buildEvaluationModel } from '../evaluator/model-inputs.js';
import { loadNetworkPolicies } from '../io/policy-load.js';
import type { VerifyResult } from '../verify/verify.js';
import { verifyFlows } from '../verify/verify.js';
import { readClusterFile } from '../io/cluster-file.js';
import type { FlowInputConfig } from '../io/flow-input.js';
import { readFlowInput } from '../io/flow-input.js';
import { addFlowInputOptions, FlowInputFlags } from './flags/flow-input-flags.js';
import { listFromFlag } from './flags/list-flags.js';
import { flagError } from './flags/flag-error.js';
import type { CommandContext } from './command-context.js';

/** The validated configuration of `palisade verify`. */
export interface VerifyConfig extends FlowInputConfig {
  readonly policies: string;
  readonly output: 'text' | 'json';
}

const VerifyFlags = z.object({
  ...FlowInputFlags,
  flows: FlowInputFlags.flows.min(1, 'needs at least one --flows PATH (or - for stdin)'),
  policies: z.string({ error: 'needs --policies DIR|FILE' }).min(1, 'needs --policies DIR|FILE'),
  output: z.enum(['text', 'json']),
});

/**
 * `palisade verify`: replays flows through the exact NetworkPolicy evaluator with the given
 * policies in force and lists the flows they would deny, grouped by edge, with the denying side.
 * The flows' own verdicts are ignored: the question is what these policies would do.
 */
export async function runVerify(config: VerifyConfig, context: CommandContext): Promise<VerifyResult> {
  const policies = (await loadNetworkPolicies(config.policies)).map((loaded) => loaded.policy);
  const cluster = config.cluster === undefined ? undefined : await readClusterFile(config.cluster);
  const { flows } = await readFlowInput(config, cluster, context.io);
  const model = buildEvaluationModel({ ...(cluster ? { cluster } : {}), standIns: podsFromFlows(flows), policies });
  const result = verifyFlows(model, flows);
  context.io.stdout.write(config.output === 'json' ? renderVerifyJson(result) : renderVerifyText(result));
  if (result.denied > 0) context.setExitCode(EXIT_CODES.denied);
  return result;
}

/** `palisade verify`. */
export function verifyCommand(context: CommandContext): Command {
  return addFlowInputOptions(
    new Command('verify')
      .summary('replay flows against NetworkPolicies: which would be denied')
      .description(
        'Replays observed flows through an exact model of Kubernetes NetworkPolicy semantics with the given policies\n' +
          'in force, and lists the flows they would deny, grouped by edge, with the side (egress or ingress) that denies.\n' +
          'Exit 0 when none would be denied, 3 when some would.',
      )
      .addOption(new Option('--policies <path>', 'NetworkPolicy manifests: a file, or a directory read recursively').env('PALISADE_POLICIES')),
    'flow log file to replay (repeatable); - reads stdin',
  )
    .addOption(new Option('-o, --output <format>', 'result format').choices(['text', 'json']).default('text').env('PALISADE_OUTPUT'))
    .addHelpText('after', '\nExample:\n  palisade verify --policies palisade-out/ --flows hubble.jsonl --cluster cluster.yaml\n')
    .action(async (flags: Record<string, unknown>) => {
      const parsed = VerifyFlags.safeParse({ ...flags, flows: listFromFlag(flags['flows']) ?? [] });
      if (!parsed.success) throw flagError(parsed.error.issues[0], flags);
      await runVerify(Object.freeze(parsed.data), context);
    });
}

import { Command, Option } from 'commander';
import { z } from 'zod';
import { verifyPolicies } from '../app/verify.js';
import { EXIT_CODES } from '../errors.js';
import { renderVerifyJson, renderVerifyText } from '../render/diff-render.js';
import type { CommandContext } from './command-context.js';
import { flagError } from './flags/flag-error.js';
import { addFlowInputOptions, FlowInputFlags } from './flags/flow-input-flags.js';
import { listFromFlag } from './flags/flag-values.js';
import { outputOption } from './flags/output-flag.js';

const VerifyFlags = z.object({
  ...FlowInputFlags,
  flows: FlowInputFlags.flows.min(1, 'needs at least one --flows PATH (or - for stdin)'),
  policies: z.string({ error: 'needs --policies DIR|FILE' }).min(1, 'needs --policies DIR|FILE'),
  output: z.enum(['text', 'json']),
});

/** `palisade verify`: flows replayed through the evaluator; exit 3 when some would be denied. */
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
    .addOption(outputOption(['text', 'json']))
    .addHelpText('after', '\nExample:\n  palisade verify --policies palisade-out/ --flows hubble.jsonl --cluster cluster.yaml\n')
    .action(async (flags: Record<string, unknown>) => {
      const parsed = VerifyFlags.safeParse({ ...flags, flows: listFromFlag(flags['flows']) ?? [] });
      if (!parsed.success) throw flagError(parsed.error.issues[0], flags);
      const config = Object.freeze(parsed.data);
      const result = await verifyPolicies(config, context);
      context.io.stdout.write(config.output === 'json' ? renderVerifyJson(result) : renderVerifyText(result));
      if (result.denied > 0) context.setExitCode(EXIT_CODES.denied);
    });
}

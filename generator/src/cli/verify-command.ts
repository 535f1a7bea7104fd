import { Command, Option } from 'commander';
import type { CommandContext } from './command-context.js';
import { addFlowInputOptions, addRecordTimeOptions } from './options/flow-input-options.js';
import { outputOption } from './options/output-option.js';

/** `palisade verify`: flows replayed through the evaluator; exit 3 when some would be denied. */
export function verifyCommand(context: CommandContext): Command {
  return addRecordTimeOptions(addFlowInputOptions(
    new Command('verify')
      .summary('replay flows against NetworkPolicies: which would be denied')
      .description(
        'Replays observed flows through an exact model of Kubernetes NetworkPolicy semantics with the given policies\n' +
          'in force, and lists the flows they would deny, grouped by edge, with the side (egress or ingress) that denies.\n' +
          'Exit 0 when none would be denied, 3 when some would.',
      )
      .addOption(new Option('--policies <path>', 'NetworkPolicy manifests: a file, or a directory read recursively').env('PALISADE_POLICIES')),
    'flow log file to replay (repeatable); - reads stdin',
  ))
    .addOption(outputOption(['text', 'json']))
    .addHelpText('after', '\nExample:\n  palisade verify --policies palisade-out/ --flows hubble.jsonl --cluster cluster.yaml\n')
    .action(async (flags: Record<string, unknown>) => {
      const [{ verifyConfigFromFlags }, { verifyPolicies }, { renderVerifyJson, renderVerifyText }, { EXIT_CODES }] = await Promise.all([
        import('./verify-config.js'),
        import('../app/verify.js'),
        import('../render/diff-render.js'),
        import('../errors.js'),
      ]);
      const config = verifyConfigFromFlags(flags);
      const result = await verifyPolicies(config, context);
      context.io.stdout.write(config.output === 'json' ? renderVerifyJson(result) : renderVerifyText(result));
      if (result.denied > 0) context.setExitCode(EXIT_CODES.denied);
    });
}

import { Command, Option } from 'commander';
import type { ApplyConfig, ApplyDependencies, ApplyOutcome } from '../app/apply.js';
import type { CommandContext } from './command-context.js';
import { addClusterOptions } from './options/cluster-options.js';
import { outputOption } from './options/output-option.js';
import { addProposalOptions } from './options/proposal-options.js';
import { maxChangesOption } from './options/synthesis-options.js';

/**
 * Runs `apply` with a parsed configuration and prints what it did. A refused plan is printed (as
 * text) before the refusal ends the command with exit 4.
 */
export async function runApply(config: ApplyConfig, deps: ApplyDependencies): Promise<ApplyOutcome> {
  const [{ applyProposal }, { renderApply, renderRefusal }] = await Promise.all([import('../app/apply.js'), import('./apply-render.js')]);
  try {
    const outcome = await applyProposal(config, deps);
    deps.io.stdout.write(renderApply(outcome, config));
    return outcome;
  } catch (error) {
    deps.io.stdout.write(renderRefusal(error, config));
    throw error;
  }
}

/** `palisade apply`. */
export function applyCommand(context: CommandContext): Command {
  return addClusterOptions(
    addProposalOptions(
      new Command('apply')
        .summary('server-side apply the proposed NetworkPolicies, with safety gates')
        .description(
          'Reads the live cluster, builds the proposal against it, and server-side applies it with field manager palisade:\n' +
            'only policies labelled app.kubernetes.io/managed-by: palisade, allow policies before default-deny, and Palisade\n' +
            'policies whose workload is gone are pruned (only those Palisade\'s field manager wrote: a copied label never\n' +
            'makes a policy Palisade\'s). The whole set runs as a server-side dry run first; if any object\n' +
            'fails, nothing is applied. Policies already as proposed are not touched. Refuses (exit 4) an empty baseline,\n' +
            'workloads observed for less than --min-window, more than --max-changes changes, a same-named policy Palisade\n' +
            'does not own, and fields owned by another field manager. Nothing is written in a system namespace or an\n' +
            '--exclude-namespace: a proposed policy there is skipped with a line, a live one left alone.',
        ),
    ),
  )
    .addOption(new Option('--dry-run', 'show what would happen; the server validates every change, nothing is written').env('PALISADE_DRY_RUN'))
    .addOption(maxChangesOption('refuse when more policies would be created, updated or pruned'))
    .addOption(outputOption(['text', 'json']))
    .addHelpText('after', '\nExamples:\n  palisade apply --kubeconfig ~/.kube/config --proposed palisade-out/ --dry-run\n  palisade apply --flows hubble.jsonl --max-changes 20\n')
    .action(async (flags: Record<string, unknown>) => {
      const [{ applyConfigFromFlags }, { connectCluster }] = await Promise.all([import('./apply-config.js'), import('../app/live-cluster.js')]);
      const config = await applyConfigFromFlags(flags);
      await runApply(config, { io: context.io, cluster: await connectCluster(config.kubeconfig, config) });
    });
}

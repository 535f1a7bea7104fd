import { Command, Option } from 'commander';
import { z } from 'zod';
import type { ClusterReader, PolicyWriter } from '../cluster/cluster-api.js';
import type { ApplyPlan } from '../cluster/apply-plan.js';
import { planApply } from '../cluster/apply-plan.js';
import type { ApplyRunResult } from '../cluster/apply-run.js';
import { runApplyPlan } from '../cluster/apply-run.js';
import type { LiveCluster } from '../cluster/cluster-read.js';
import { readLiveCluster } from '../cluster/cluster-read.js';
import { kubernetesClusterApi, loadKubeConfig } from '../cluster/kubernetes-client.js';
import { RefusedError } from '../errors.js';
import { collectList, listFromFlag } from './flags/list-flags.js';
import { flagError } from './flags/flag-error.js';
import type { CommandContext } from './command-context.js';
import type { Proposal, ProposalConfig, ProposalDependencies } from '../app/proposal-source.js';
import { loadProposal } from '../app/proposal-source.js';
import { addProposalOptions, ProposalFlags, proposalConfig, proposalFlagInput } from './flags/proposal-flags.js';

/** The live-cluster flags every cluster command shares. */
export interface ClusterConfig {
  /** Undefined: in-cluster service account, else the default kubeconfig lookup. */
  readonly kubeconfig?: string;
  /** Read and act only in these namespaces; undefined means all. */
  readonly namespaces?: readonly string[];
}

/** The validated configuration of `palisade apply`. */
export interface ApplyConfig extends ClusterConfig {
  readonly proposal: ProposalConfig;
  readonly dryRun: boolean;
  readonly maxChanges?: number;
  readonly output: 'text' | 'json';
}

const Namespace = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'is not a namespace name');

/** zod shape of the cluster flags. */
export const ClusterFlags = {
  kubeconfig: z.string().min(1).optional(),
  namespace: z.array(Namespace).optional(),
};

const ApplyFlags = z.object({
  ...ProposalFlags,
  ...ClusterFlags,
  dryRun: z.boolean().default(false),
  maxChanges: z.coerce.number({ error: 'is not a number' }).int('must be a whole number').min(0, 'must be 0 or more').optional(),
  output: z.enum(['text', 'json']),
});

/** Adds `--kubeconfig` and `--namespace` to a command. */
export function addClusterOptions(command: Command): Command {
  return command
    .addOption(new Option('--kubeconfig <file>', 'kubeconfig of the cluster (default: KUBECONFIG, ~/.kube/config, then the in-cluster service account)'))
    .addOption(new Option('--namespace <ns>', 'read and act only in this namespace (repeatable; default all)').argParser(collectList).env('PALISADE_NAMESPACES'));
}

/** Parses `apply`'s flags once into a frozen configuration. */
export function applyConfigFromFlags(flags: Record<string, unknown>): ApplyConfig {
  const parsed = ApplyFlags.safeParse({ ...proposalFlagInput(flags), namespace: listFromFlag(flags['namespace']) });
  if (!parsed.success) throw flagError(parsed.error.issues[0], flags);
  const f = parsed.data;
  return Object.freeze({
    proposal: proposalConfig(f),
    ...(f.kubeconfig ? { kubeconfig: f.kubeconfig } : {}),
    ...(f.namespace && f.namespace.length > 0 ? { namespaces: f.namespace } : {}),
    dryRun: f.dryRun,
    ...(f.maxChanges !== undefined ? { maxChanges: f.maxChanges } : {}),
    output: f.output,
  });
}

/** What `apply` decided and did. */
export interface ApplyOutcome {
  readonly live: LiveCluster;
  readonly proposal: Proposal;
  readonly plan: ApplyPlan;
  readonly result: ApplyRunResult;
}

/** Dependencies of {@link runApply}: the cluster, and what reading a proposal needs. */
export interface ApplyDependencies extends ProposalDependencies {
  readonly cluster: ClusterReader & PolicyWriter;
}

/**
 * `palisade apply`: reads the live cluster in full, builds the proposal against it, decides the
 * plan (pure), prints it, and runs it: dry run of the whole set first, then the writes. Refused
 * gates stop it before any write (exit 4).
 */
export async function runApply(config: ApplyConfig, deps: ApplyDependencies): Promise<ApplyOutcome> {
  const live = await readLiveCluster(deps.cluster, config.namespaces ? { namespaces: config.namespaces } : {});
  const proposal = await loadProposal(config.proposal, live.state, deps);
  const plan = planApply({
    desired: proposal.policies,
    live: live.policies,
    state: live.state,
    ...(live.namespaces ? { namespaces: live.namespaces } : {}),
    gates: {
      minWindowMs: config.proposal.synthesis.minWindowMs,
      ...(config.maxChanges !== undefined ? { maxChanges: config.maxChanges } : {}),
      ...(proposal.baselineEdges !== undefined ? { baselineEdges: proposal.baselineEdges } : {}),
    },
  });
  if (plan.refusals.length > 0) {
    if (config.output === 'text') deps.io.stdout.write(renderPlanText(plan, config.dryRun));
    throw new RefusedError(`nothing was applied: ${plan.refusals.map((refusal) => refusal.message).join('; ')}`);
  }
  const result = await runApplyPlan(plan, deps.cluster, { dryRun: config.dryRun });
  deps.io.stdout.write(config.output === 'json' ? renderPlanJson(plan, result) : `${renderPlanText(plan, config.dryRun)}${summaryLine(plan, result)}\n`);
  return { live, proposal, plan, result };
}

/** The plan, one policy a line: action, key, why. */
export function renderPlanText(plan: ApplyPlan, dryRun: boolean): string {
  const verb = { create: 'create', update: 'update', unchanged: 'unchanged', prune: 'prune', keep: 'keep' } as const;
  const lines = plan.steps.map((step) => `${verb[step.action].padEnd(9)} ${step.key}: ${step.reason}`);
  for (const refusal of plan.refusals) lines.push(`refused   ${refusal.key ?? ''}${refusal.key ? ': ' : ''}${refusal.message}`);
  if (dryRun) lines.unshift('Dry run (server-side, nothing is written):');
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

function count(plan: ApplyPlan, action: string): number {
  return plan.steps.filter((step) => step.action === action).length;
}

function summaryLine(plan: ApplyPlan, result: ApplyRunResult): string {
  const counts = `${count(plan, 'create')} created, ${count(plan, 'update')} updated, ${count(plan, 'prune')} pruned, ${count(plan, 'unchanged')} unchanged`;
  if (!result.applied) return `Would apply: ${counts} (the server accepted every change in a dry run)`;
  return plan.changes === 0 ? `No change: ${counts}` : `Applied: ${counts}`;
}

function renderPlanJson(plan: ApplyPlan, result: ApplyRunResult): string {
  return `${JSON.stringify(
    {
      applied: result.applied,
      changes: plan.changes,
      steps: plan.steps.map((step) => ({ action: step.action, key: step.key, phase: step.phase, reason: step.reason })),
      refusals: plan.refusals,
      results: result.results.map((entry) => ({ key: entry.step.key, action: entry.step.action, resourceVersion: entry.applied?.metadata?.resourceVersion })),
    },
    null,
    2,
  )}\n`;
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
            'policies whose workload is gone are pruned. The whole set runs as a server-side dry run first; if any object\n' +
            'fails, nothing is applied. Policies already as proposed are not touched. Refuses (exit 4) an empty baseline,\n' +
            'workloads observed for less than --min-window, more than --max-changes changes, a same-named policy Palisade\n' +
            'does not own, and fields owned by another field manager.',
        ),
    ),
  )
    .addOption(new Option('--dry-run', 'show what would happen; the server validates every change, nothing is written').env('PALISADE_DRY_RUN'))
    .addOption(new Option('--max-changes <n>', 'refuse when more policies would be created, updated or pruned').env('PALISADE_MAX_CHANGES'))
    .addOption(new Option('-o, --output <format>', 'result format').choices(['text', 'json']).default('text').env('PALISADE_OUTPUT'))
    .addHelpText('after', '\nExamples:\n  palisade apply --kubeconfig ~/.kube/config --proposed palisade-out/ --dry-run\n  palisade apply --flows hubble.jsonl --max-changes 20\n')
    .action(async (flags: Record<string, unknown>) => {
      const config = applyConfigFromFlags(flags);
      const cluster = kubernetesClusterApi(loadKubeConfig(config.kubeconfig));
      await runApply(config, { io: context.io, cluster });
    });
}

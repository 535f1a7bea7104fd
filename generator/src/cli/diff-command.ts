import { Command, Option } from 'commander';
import { z } from 'zod';
import type { PolicyDiffReport } from '../render/diff-render.js';
import { renderDiffJson, renderDiffMarkdown, renderDiffText } from '../render/diff-render.js';
import { podsFromFlows } from '../evaluator/flow-endpoint.js';
import { buildEvaluationModel } from '../evaluator/model-inputs.js';
import { diffPolicyObjects } from '../verify/object-diff.js';
import { loadNetworkPolicies } from '../io/policy-load.js';
import { withPolicies } from '../evaluator/policy-model.js';
import { semanticDiff } from '../verify/semantic-diff.js';
import type { ClusterReader } from '../cluster/cluster-api.js';
import { planApply, policiesAfterApply } from '../cluster/apply-plan.js';
import { readLiveCluster } from '../cluster/cluster-read.js';
import { kubernetesClusterApi, loadKubeConfig } from '../cluster/kubernetes-client.js';
import { InputError } from '../errors.js';
import { synthesisOptions } from '../synthesis/synthesis-options.js';
import type { ClusterConfig } from './apply-command.js';
import { addClusterOptions, ClusterFlags } from './apply-command.js';
import { redisSettingsFromFlags } from './flags/redis-flags.js';
import { readClusterFile } from '../io/cluster-file.js';
import type { FlowInputConfig } from '../io/flow-input.js';
import { readFlowInput } from '../io/flow-input.js';
import { addFlowInputOptions, FlowInputFlags } from './flags/flow-input-flags.js';
import { listFromFlag } from './flags/list-flags.js';
import { flagError } from './flags/flag-error.js';
import type { CommandContext } from './command-context.js';
import type { ProposalDependencies, ProposalSource } from '../app/proposal-source.js';
import { loadProposal } from '../app/proposal-source.js';
import { ProposalFlags } from './flags/proposal-flags.js';

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

/** The validated configuration of `palisade diff --kubeconfig`: the live cluster is the current side. */
export interface LiveDiffConfig extends ClusterConfig {
  readonly source: ProposalSource;
  /** Flows to judge both sides by (with `--proposed`; with `--flows` as the source they are the same flows). */
  readonly judge: FlowInputConfig;
  readonly output: 'text' | 'json' | 'markdown';
}

const LiveDiffFlags = z.object({
  ...FlowInputFlags,
  ...ClusterFlags,
  kubeconfig: z.string().min(1),
  current: z.undefined({ error: 'takes --current or --kubeconfig (the live policies), not both' }).optional(),
  proposed: z.string().min(1).optional(),
  redis: ProposalFlags.redis,
  redisPrefix: ProposalFlags.redisPrefix,
  output: z.enum(['text', 'json', 'markdown']),
});

/** Parses `diff --kubeconfig` flags once. */
export function liveDiffConfigFromFlags(flags: Record<string, unknown>): LiveDiffConfig {
  const parsed = LiveDiffFlags.safeParse({ ...flags, flows: listFromFlag(flags['flows']) ?? [], namespace: listFromFlag(flags['namespace']) });
  if (!parsed.success) throw flagError(parsed.error.issues[0], flags);
  const f = parsed.data;
  const judge: FlowInputConfig = { flows: f.flows, format: f.format, ...(f.deadLetter ? { deadLetter: f.deadLetter } : {}) };
  if (f.proposed && f.redis) throw new InputError('--proposed and --redis: give one source of proposed policies, not both');
  const source: ProposalSource | undefined = f.proposed
    ? { kind: 'proposed', directory: f.proposed }
    : f.redis
      ? { kind: 'redis', settings: redisSettingsFromFlags({ redisUrl: f.redis, redisPrefix: f.redisPrefix }) }
      : f.flows.length > 0
        ? { kind: 'flows', ...judge }
        : undefined;
  if (source === undefined) throw new InputError('--kubeconfig: needs what to compare with the live policies: --proposed DIR, --flows PATH or --redis URL');
  return Object.freeze({
    kubeconfig: f.kubeconfig,
    ...(f.namespace && f.namespace.length > 0 ? { namespaces: f.namespace } : {}),
    source,
    judge,
    output: f.output,
  });
}

/**
 * `palisade diff --kubeconfig`: the live policies against the cluster as `apply` would leave it.
 * Everyone else's policies stay on both sides; Palisade's are created, updated or pruned as the
 * apply plan says, so the semantic diff shows what applying would really change. Observed flows
 * that today's policies deny, and those the proposal would deny (0 for Palisade's own output),
 * come from the flows. Gates `apply` would refuse on are printed on stderr.
 */
export async function runLiveDiff(config: LiveDiffConfig, deps: ProposalDependencies & { readonly cluster: ClusterReader }): Promise<PolicyDiffReport> {
  const live = await readLiveCluster(deps.cluster, config.namespaces ? { namespaces: config.namespaces } : {});
  const synthesis = synthesisOptions();
  const proposal = await loadProposal({ source: config.source, synthesis }, live.state, deps);
  const flows = config.source.kind === 'flows' ? proposal.flows : config.judge.flows.length > 0 ? (await readFlowInput(config.judge, live.state, deps.io)).flows : [];
  const plan = planApply({
    desired: proposal.policies,
    live: live.policies,
    state: live.state,
    ...(live.namespaces ? { namespaces: live.namespaces } : {}),
    gates: { minWindowMs: synthesis.minWindowMs, ...(proposal.baselineEdges !== undefined ? { baselineEdges: proposal.baselineEdges } : {}) },
  });
  for (const refusal of plan.refusals) deps.io.stderr.write(`palisade: note: apply would refuse: ${refusal.message}\n`);
  const after = policiesAfterApply(plan, live.policies);
  const currentModel = buildEvaluationModel({ cluster: live.state, standIns: podsFromFlows(flows), policies: live.policies });
  const report: PolicyDiffReport = {
    objects: diffPolicyObjects(live.policies, after),
    semantic: semanticDiff({ current: currentModel, proposed: withPolicies(currentModel, after), flows }),
  };
  const render = { text: renderDiffText, json: renderDiffJson, markdown: renderDiffMarkdown }[config.output];
  deps.io.stdout.write(render(report));
  return report;
}

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
  return addClusterOptions(addFlowInputOptions(
    new Command('diff')
      .summary('dry-run diff of proposed NetworkPolicies against current ones')
      .description(
        'Compares two policy sets: policies added, removed and changed (with a YAML diff each), and, for every pair of\n' +
          'known workloads and observed port, connections newly allowed and newly denied; with --flows, the observed\n' +
          'flows the current policies deny today and those the proposal would deny. -o markdown is a pull-request body.',
      )
      .addOption(new Option('--current <path>', 'the policies in force: a manifest file or a directory').env('PALISADE_CURRENT'))
      .addOption(new Option('--proposed <path>', 'the policies to compare: a manifest file or a directory (e.g. palisade-out/)').env('PALISADE_PROPOSED'))
      .addOption(new Option('--redis <url>', 'with --kubeconfig: propose policies from the baseline in Redis').env('PALISADE_REDIS_URL'))
      .addOption(new Option('--redis-prefix <prefix>', 'key prefix of the Redis baseline').default('palisade:').env('PALISADE_REDIS_PREFIX')),
    'observed flows to judge both sets by (repeatable); - reads stdin; with --kubeconfig and no --proposed, also what to learn the proposal from',
  ))
    .addOption(new Option('-o, --output <format>', 'result format').choices(['text', 'json', 'markdown']).default('text').env('PALISADE_OUTPUT'))
    .addHelpText(
      'after',
      '\nExamples:\n  palisade diff --current live-policies/ --proposed palisade-out/ --flows hubble.jsonl -o markdown\n' +
        '  palisade diff --kubeconfig ~/.kube/config --flows hubble.jsonl\n',
    )
    .action(async (flags: Record<string, unknown>) => {
      if (flags['kubeconfig'] !== undefined) {
        const config = liveDiffConfigFromFlags(flags);
        await runLiveDiff(config, { io: context.io, cluster: kubernetesClusterApi(loadKubeConfig(config.kubeconfig)) });
        return;
      }
      const parsed = DiffFlags.safeParse({ ...flags, flows: listFromFlag(flags['flows']) ?? [] });
      if (!parsed.success) throw flagError(parsed.error.issues[0], flags);
      await runDiff(Object.freeze(parsed.data), context);
    });
}

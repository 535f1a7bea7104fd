import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { V1NetworkPolicy } from '@kubernetes/client-node';
import { z } from 'zod';
import type { Baseline, BaselineStore } from '@palisade/baseliner';
import type { RedisSettings } from '@palisade/baseliner/redis';
import { foldFlows, MemoryBaselineStore } from '@palisade/baseliner';
import type { ClusterState, Flow, IngestFormat } from '@palisade/collector';
import { InputError } from '../errors.js';
import { loadNetworkPolicies } from '../io/policy-load.js';
import type { DesiredPolicy } from '../cluster/apply-plan.js';
import { policyWorkload } from '../cluster/policy-manifest.js';
import type { GenerateReport, InputSummary } from '../render/generate-report.js';
import { buildGenerateReport } from '../render/generate-report.js';
import type { SynthesisOptions } from '../synthesis/synthesis-options.js';
import { synthesizeAndVerify } from '../verify/self-verification.js';
import { readFlowInput } from '../io/flow-input.js';
import type { CliIo } from '../io/cli-io.js';
import { withRedisStore } from './redis-store.js';

/**
 * Where `diff --kubeconfig`, `apply`, `pr` and `refresh` get the policies they act on: synthesised
 * from a baseline (`--flows`, or `--redis` once the Redis store exists), or read from a `generate`
 * output directory (`--proposed DIR`). The baseline source is one function ({@link readBaseline}),
 * so the Redis store plugs in there and nowhere else.
 */

/** One of the three sources, validated. */
export type ProposalSource =
  | { readonly kind: 'flows'; readonly flows: readonly string[]; readonly format: IngestFormat; readonly deadLetter?: string }
  | { readonly kind: 'redis'; readonly settings: RedisSettings }
  | { readonly kind: 'proposed'; readonly directory: string };

/** The validated proposal settings shared by the commands. */
export interface ProposalConfig {
  readonly source: ProposalSource;
  readonly synthesis: SynthesisOptions;
}

/** The policies to act on and what is known about them. */
export interface Proposal {
  /** Allow policies, then default-deny policies. */
  readonly policies: readonly DesiredPolicy[];
  /** Edges of the baseline (undefined for `--proposed`, where the baseline is not known). */
  readonly baselineEdges?: number;
  /** The generate report: synthesised now, or `report.json` beside `--proposed` policies. */
  readonly report?: GenerateReport;
  /** Observed flows (only `--flows` has them), to judge the current and proposed policies by. */
  readonly flows: readonly Flow[];
}

/** A baseline and where it came from. */
export interface BaselineRead {
  readonly baseline: Baseline;
  readonly input: InputSummary;
  readonly flows: readonly Flow[];
}

/** Dependencies of {@link loadProposal}. */
export interface ProposalDependencies {
  readonly io: CliIo;
  /** Runs an action with the Redis baseline store open. @default the baseliner's Redis store */
  readonly withBaselineStore?: <T>(settings: RedisSettings, action: (store: BaselineStore) => Promise<T>) => Promise<T>;
}

/**
 * The one place a baseline is read: flow files folded into an in-memory store, or the Redis store.
 * `cluster` resolves flow addresses to workloads (identity at the time of the flow, rule 15).
 */
export async function readBaseline(source: Exclude<ProposalSource, { kind: 'proposed' }>, cluster: ClusterState | undefined, deps: ProposalDependencies): Promise<BaselineRead> {
  if (source.kind === 'redis') {
    const baseline = await (deps.withBaselineStore ?? withRedisStore)(source.settings, (store) => store.read());
    return { baseline, input: redisInput(redactedUrl(source.settings.url), source.settings.prefix, baseline), flows: [] };
  }
  const ingested = await readFlowInput({ flows: source.flows, format: source.format, ...(source.deadLetter ? { deadLetter: source.deadLetter } : {}) }, cluster, deps.io);
  const folded = foldFlows(ingested.flows);
  const store = new MemoryBaselineStore();
  await store.merge(folded.baseline);
  const report = ingested.report;
  return {
    baseline: await store.read(),
    flows: ingested.flows,
    input: {
      sources: source.flows,
      format: source.format,
      records: report.recordsRead,
      flows: report.flowsProduced,
      deniedFlows: report.deniedFlows,
      deadLetters: report.deadLetters,
      quarantined: { count: report.quarantined.count, byReason: report.quarantined.byReason },
      skipped: report.skipped,
      unattributedFlows: folded.unattributedFlows,
    },
  };
}

/** The Redis URL without its password, for the report. */
function redactedUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '***';
  return parsed.toString();
}

/** The Redis baseline as the report's input: records were read by the baseliner, flows are counted from the edges. */
function redisInput(url: string, prefix: string, baseline: Baseline): InputSummary {
  return {
    sources: [`${url} (prefix ${prefix})`],
    format: 'redis',
    records: 0,
    flows: baseline.edges.reduce((sum, edge) => sum + edge.flows, 0),
    deniedFlows: baseline.edges.reduce((sum, edge) => sum + edge.deniedFlows, 0),
    deadLetters: { count: 0, examples: [] },
    quarantined: { count: 0, byReason: {} },
    skipped: { count: 0, byReason: {} },
    unattributedFlows: 0,
  };
}

/**
 * The proposal: read from `--proposed`, or synthesised from the baseline and the cluster state and
 * verified against the baseline (rule 19: a proposal that denies observed traffic is an error).
 */
export async function loadProposal(config: ProposalConfig, cluster: ClusterState | undefined, deps: ProposalDependencies): Promise<Proposal> {
  if (config.source.kind === 'proposed') return readProposedDirectory(config.source.directory);
  const { baseline, input, flows } = await readBaseline(config.source, cluster, deps);
  const { result, verification } = synthesizeAndVerify({ baseline, options: config.synthesis, ...(cluster ? { cluster } : {}) });
  const report = buildGenerateReport(input, { edges: baseline.edges.length, workloads: baseline.workloads.length }, result, verification.summary);
  return {
    policies: result.policies.map((plan) => ({
      policy: plan.policy,
      ...(plan.workload ? { workload: plan.workload } : {}),
      ...(plan.window ? { window: plan.window } : {}),
    })),
    baselineEdges: baseline.edges.length,
    report,
    flows,
  };
}

/** `--proposed DIR`: the policies, and the windows and warnings of `DIR/report.json` when it is there. */
async function readProposedDirectory(directory: string): Promise<Proposal> {
  const loaded = await loadNetworkPolicies(directory);
  const report = await readReport(join(directory, 'report.json'));
  const windows = new Map((report?.policies ?? []).map((entry) => [`${entry.namespace}/${entry.name}`, entry]));
  const policies: DesiredPolicy[] = loaded.map(({ policy }) => {
    const namespace = policy.metadata?.namespace ?? 'default';
    const fromReport = windows.get(`${namespace}/${policy.metadata?.name ?? ''}`);
    const workload = fromReport?.workload ?? workloadOf(policy);
    return { policy, ...(workload ? { workload } : {}), ...(fromReport?.window ? { window: fromReport.window } : {}) };
  });
  return { policies, ...(report ? { report, baselineEdges: report.baseline.edges } : {}), flows: [] };
}

function workloadOf(policy: V1NetworkPolicy): string | undefined {
  const workload = policyWorkload(policy);
  return workload === undefined ? undefined : `${policy.metadata?.namespace ?? 'default'}/${workload}`;
}

async function readReport(path: string): Promise<GenerateReport | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InputError(`--proposed: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputError(`--proposed: ${path}: not JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = ReportShape.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`--proposed: ${path}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'} (expected a palisade generate report.json)`);
  }
  return json as GenerateReport;
}

/** The parts of report.json that apply and pr rely on. */
const ReportShape = z.looseObject({
  reportVersion: z.literal(1),
  baseline: z.object({ edges: z.number().int().min(0) }),
  policies: z.array(
    z.looseObject({
      namespace: z.string(),
      name: z.string(),
      workload: z.string().optional(),
      window: z.object({ firstSeen: z.string(), lastSeen: z.string(), hours: z.number() }).optional(),
    }),
  ),
  warnings: z.array(z.looseObject({ severity: z.string(), message: z.string() })),
});

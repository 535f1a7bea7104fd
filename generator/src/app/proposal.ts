import type { Baseline, BaselineStore } from '@palisade/baseliner';
import type { RedisSettings } from '@palisade/baseliner/redis';
import { foldFlows, MemoryBaselineStore } from '@palisade/baseliner';
import type { ClusterState, Flow, IngestFormat, RecordTimeLimits } from '@palisade/collector';
import type { DesiredPolicy } from '../cluster/apply-plan.js';
import type { GenerateReport, InputSummary } from '../render/generate-report.js';
import { buildGenerateReport } from '../render/generate-report.js';
import type { SynthesisOptions } from '../synthesis/synthesis-options.js';
import type { SynthesisResult } from '../synthesis/synthesis-result.js';
import { synthesizeAndVerify } from '../verify/self-verification.js';
import { emptyInputMessage } from '../render/empty-input-message.js';
import { EmptyBaselineError, RefusedError } from '../errors.js';
import { readFlowInput } from '../io/flow-input.js';
import type { CliIo } from '../io/cli-io.js';
import { withRedisStore } from './redis-store.js';

/**
 * The proposal chain, once for every command: a baseline (flow files folded in memory, or the
 * baseliner's Redis store) → policies synthesised and verified against it (rule 19) → the generate
 * report. `generate` writes what {@link synthesiseProposal} returns; `diff --kubeconfig`, `apply`,
 * `pr` and `refresh` act on what {@link loadProposal} returns, which may instead be read from a
 * `generate` output directory (`--proposed DIR`).
 */

/** Where a baseline comes from, validated. */
export type BaselineSource =
  | { readonly kind: 'flows'; readonly flows: readonly string[]; readonly format: IngestFormat; readonly deadLetter?: string; readonly recordTimes?: RecordTimeLimits }
  | { readonly kind: 'redis'; readonly settings: RedisSettings };

/** One of the three sources of a proposal, validated. */
export type ProposalSource = BaselineSource | { readonly kind: 'proposed'; readonly directory: string };

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
  /** Records per detected format (`--flows` only), to say why an input taught nothing. */
  readonly recordsByFormat?: Readonly<Record<string, number>>;
}

/** A proposal synthesised now: the baseline it came from, the synthesis result and its report. */
export interface SynthesisedProposal extends BaselineRead {
  readonly result: SynthesisResult;
  readonly report: GenerateReport;
}

/** Dependencies of {@link loadProposal}. */
export interface ProposalDependencies {
  readonly io: CliIo;
  /** Runs an action with the Redis baseline store open. @default the baseliner's Redis store */
  readonly withBaselineStore?: <T>(settings: RedisSettings, action: (store: BaselineStore) => Promise<T>) => Promise<T>;
  /** The time of the run, which record times are checked against. @default Date.now */
  readonly clock?: () => number;
}

/**
 * The one place a baseline is read: flow files folded into an in-memory store, or the Redis store.
 * `cluster` resolves flow addresses to workloads (identity at the time of the flow, rule 15).
 */
export async function readBaseline(source: BaselineSource, cluster: ClusterState | undefined, deps: ProposalDependencies): Promise<BaselineRead> {
  if (source.kind === 'redis') {
    const baseline = await (deps.withBaselineStore ?? withRedisStore)(source.settings, (store) => store.read());
    return { baseline, input: redisInput(redactedUrl(source.settings.url), source.settings.prefix, baseline), flows: [] };
  }
  const ingested = await readFlowInput(
    { flows: source.flows, format: source.format, ...(source.deadLetter ? { deadLetter: source.deadLetter } : {}), ...(source.recordTimes ? { recordTimes: source.recordTimes } : {}) },
    cluster,
    deps.io,
    deps.clock,
  );
  const folded = foldFlows(ingested.flows);
  const store = new MemoryBaselineStore();
  await store.merge(folded.baseline);
  const report = ingested.report;
  return {
    baseline: await store.read(),
    flows: ingested.flows,
    recordsByFormat: report.recordsByFormat,
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

/** What {@link synthesiseProposal} works from. */
export interface SynthesisRequest {
  readonly source: BaselineSource;
  readonly synthesis: SynthesisOptions;
  /** Cluster objects: selectors, ports, DNS, and the identities of flow addresses. */
  readonly cluster?: ClusterState;
  /** The `--cluster FILE` the state came from, named in the report. */
  readonly clusterFile?: string;
}

/**
 * Reads the baseline, synthesises the policies against the cluster state and verifies them against
 * the baseline (rule 19: a proposal that denies observed traffic is an error), with the report.
 */
export async function synthesiseProposal(request: SynthesisRequest, deps: ProposalDependencies): Promise<SynthesisedProposal> {
  const { cluster } = request;
  const read = await readBaseline(request.source, cluster, deps);
  const { baseline } = read;
  const { result, verification } = synthesize(request, read);
  const input = { ...read.input, ...(request.clusterFile ? { cluster: request.clusterFile } : {}) };
  const report = buildGenerateReport(input, { edges: baseline.edges.length, workloads: baseline.workloads.length }, result, verification.summary);
  return { ...read, result, report };
}

/** Synthesis and verification; an empty baseline of flow files is refused with why the input came to nothing. */
function synthesize(request: SynthesisRequest, read: BaselineRead): ReturnType<typeof synthesizeAndVerify> {
  try {
    return synthesizeAndVerify({ baseline: read.baseline, options: request.synthesis, ...(request.cluster ? { cluster: request.cluster } : {}) });
  } catch (error) {
    if (!(error instanceof EmptyBaselineError) || request.source.kind !== 'flows') throw error;
    const icmpFlows = read.flows.filter((flow) => flow.protocol === 'ICMPv4' || flow.protocol === 'ICMPv6').length;
    throw new RefusedError(
      emptyInputMessage({
        input: read.input,
        ...(read.recordsByFormat ? { recordsByFormat: read.recordsByFormat } : {}),
        icmpFlows,
        clusterState: request.cluster !== undefined,
        includeDenied: request.synthesis.includeDenied,
      }),
      { cause: error },
    );
  }
}

/** The proposal: read from `--proposed`, or synthesised from the baseline and the cluster state. */
export async function loadProposal(config: ProposalConfig, cluster: ClusterState | undefined, deps: ProposalDependencies): Promise<Proposal> {
  if (config.source.kind === 'proposed') {
    // Loaded only for --proposed: reading manifests back pulls in the YAML diff machinery.
    const { readProposedDirectory } = await import('./proposed-directory.js');
    return { ...(await readProposedDirectory(config.source.directory)), flows: [] };
  }
  const { baseline, result, report, flows } = await synthesiseProposal({ source: config.source, synthesis: config.synthesis, ...(cluster ? { cluster } : {}) }, deps);
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

import { relative } from 'node:path';
import type { Baseline, BaselineStore, RedisSettings } from '@palisade/baseliner';
import { foldFlows, MemoryBaselineStore } from '@palisade/baseliner';
import { VerificationError } from '../errors.js';
import { policyToYaml } from '../render/policy-yaml.js';
import type { GenerateReport, InputSummary } from '../report/generate-report.js';
import { buildGenerateReport, policyFilePath } from '../report/generate-report.js';
import { renderReportMarkdown } from '../report/report-markdown.js';
import type { SynthesisOptions } from '../synthesis/synthesis-options.js';
import { synthesizePolicies } from '../synthesis/policy-synthesis.js';
import { verifySynthesis } from '../synthesis/self-verification.js';
import { withRedisStore } from './baseline-command.js';
import { readClusterFile } from './cluster-file.js';
import type { OutputFile } from './output-directory.js';
import { writeOutputDirectory } from './output-directory.js';
import type { FlowInputConfig } from './flow-input.js';
import { readFlowInput } from './flow-input.js';
import type { CliIo } from './progress.js';

/** The validated configuration of `palisade generate`. */
export interface GenerateConfig extends FlowInputConfig {
  readonly out: string;
  readonly output: 'text' | 'json';
  readonly synthesis: SynthesisOptions;
  /** Read the baseline from Redis (`--redis URL`) instead of folding `flows`. */
  readonly redis?: RedisSettings;
}

/**
 * `palisade generate --flows`: the embedded default. Reads the flow files, folds them into an
 * in-memory baseline store, synthesises the policies and writes them with the reports. With
 * `--redis` the baseline comes from the baseliner's Redis instead. All state
 * is gathered first (cluster file, flows), then the pure synthesis runs.
 */
export async function runGenerate(config: GenerateConfig, io: CliIo, store: BaselineStore = new MemoryBaselineStore()): Promise<GenerateReport> {
  const cluster = config.cluster === undefined ? undefined : await readClusterFile(config.cluster);
  const { baseline, input } = config.redis ? await readRedisBaseline(config, config.redis) : await foldFlowFiles(config, cluster, io, store);

  const result = synthesizePolicies({ baseline, options: config.synthesis, ...(cluster ? { cluster } : {}) });
  const verification = verifySynthesis({
    baseline,
    ...(cluster ? { cluster } : {}),
    policies: result.policies.map((plan) => plan.policy),
    includeDenied: config.synthesis.includeDenied,
  });
  if (verification.violations.length > 0) {
    const shown = verification.violations.slice(0, 5).map((v) => `${v.source} -> ${v.destination} ${v.protocol}/${v.port ?? ''} (denied by ${v.deniedBy})`);
    throw new VerificationError(
      `the generated policies would deny ${verification.violations.length} observed edge(s), nothing was written: ${shown.join('; ')}${verification.violations.length > 5 ? '; …' : ''}`,
    );
  }
  const report = buildGenerateReport(input, { edges: baseline.edges.length, workloads: baseline.workloads.length }, result, verification.summary);
  const files: OutputFile[] = [
    ...result.policies.map((plan) => ({ path: policyFilePath(plan.namespace, plan.name), content: policyToYaml(plan.policy) })),
    { path: 'report.json', content: `${JSON.stringify(report, null, 2)}\n` },
    { path: 'report.md', content: renderReportMarkdown(report) },
  ];
  const removed = await writeOutputDirectory(config.out, files);
  if (config.output === 'json') io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else io.stdout.write(textSummary(config, report, removed));
  return report;
}

/** The embedded path: flow files folded into the (in-memory) store. */
async function foldFlowFiles(config: GenerateConfig, cluster: Awaited<ReturnType<typeof readClusterFile>> | undefined, io: CliIo, store: BaselineStore): Promise<{ baseline: Baseline; input: InputSummary }> {
  const ingested = await readFlowInput(config, cluster, io);
  const folded = foldFlows(ingested.flows);
  await store.merge(folded.baseline);
  const baseline = await store.read();
  const input: InputSummary = {
    sources: config.flows,
    format: config.format,
    ...(config.cluster ? { cluster: config.cluster } : {}),
    records: ingested.report.recordsRead,
    flows: ingested.report.flowsProduced,
    deniedFlows: ingested.report.deniedFlows,
    deadLetters: ingested.report.deadLetters,
    quarantined: { count: ingested.report.quarantined.count, byReason: ingested.report.quarantined.byReason },
    skipped: ingested.report.skipped,
    unattributedFlows: folded.unattributedFlows,
  };
  return { baseline, input };
}

/**
 * `generate --redis`: the baseline the baseliner service keeps. The same synthesis runs on it, so
 * the policies are byte-identical to the embedded path's on the same flows; the input summary
 * names Redis and counts the flows the baseline holds (records were read by the baseliner).
 */
async function readRedisBaseline(config: GenerateConfig, redis: RedisSettings): Promise<{ baseline: Baseline; input: InputSummary }> {
  const baseline = await withRedisStore(redis, (redisStore) => redisStore.read());
  const url = new URL(redis.url);
  url.username = '';
  url.password = '';
  const flows = baseline.edges.reduce((sum, edge) => sum + edge.flows, 0);
  const input: InputSummary = {
    sources: [`${url.toString()} (prefix ${redis.prefix})`],
    format: 'redis',
    ...(config.cluster ? { cluster: config.cluster } : {}),
    records: 0,
    flows,
    deniedFlows: baseline.edges.reduce((sum, edge) => sum + edge.deniedFlows, 0),
    deadLetters: { count: 0, examples: [] },
    quarantined: { count: 0, byReason: {} },
    skipped: { count: 0, byReason: {} },
    unattributedFlows: 0,
  };
  return { baseline, input };
}

function textSummary(config: GenerateConfig, report: GenerateReport, removed: readonly string[]): string {
  const out = relative(process.cwd(), config.out) || '.';
  const { input, summary } = report;
  const workloads = report.policies.filter((policy) => policy.workload).length;
  const lines = [
    `Wrote ${summary.policies} NetworkPolicies (${workloads} workloads, ${summary.namespaces.length} namespaces) to ${out}/`,
    `  input:    ${input.records} records → ${input.flows} flows (${input.deniedFlows} denied), ${input.deadLetters.count} dead letters, ${input.quarantined.count} quarantined`,
    `  baseline: ${report.baseline.edges} edges between ${report.baseline.workloads} workloads`,
    `  warnings: ${summary.warnings}${summary.warnings > 0 ? ` (see ${out}/report.md)` : ''}`,
    `  report:   ${out}/report.md, ${out}/report.json`,
  ];
  if (report.verification) {
    const v = report.verification;
    lines.push(`  verified: ${v.edgesAllowed}/${v.edgesChecked} observed edges allowed; ${v.unobservedPairsDenied} unobserved workload pairs now denied`);
  }
  if (removed.length > 0) lines.push(`  removed stale: ${removed.join(', ')}`);
  if (input.deadLetters.count > 0) {
    for (const letter of input.deadLetters.examples.slice(0, 3)) lines.push(`  dead letter ${letter.source}:${letter.line}: ${letter.reason}`);
  }
  return `${lines.join('\n')}\n`;
}

import { relative } from 'node:path';
import type { RedisSettings } from '@palisade/baseliner/redis';
import { policyToYaml } from '../render/policy-yaml.js';
import type { GenerateReport } from '../render/generate-report.js';
import { buildGenerateReport, policyFilePath } from '../render/generate-report.js';
import { renderReportMarkdown } from '../render/report-markdown.js';
import type { SynthesisOptions } from '../synthesis/synthesis-options.js';
import { synthesizeAndVerify } from '../verify/self-verification.js';
import { readClusterFile } from '../io/cluster-file.js';
import type { OutputFile } from '../io/output-directory.js';
import { writeOutputDirectory } from '../io/output-directory.js';
import type { FlowInputConfig } from '../io/flow-input.js';
import type { CliIo } from '../io/cli-io.js';
import { readBaseline } from './proposal-source.js';

/** The validated configuration of `palisade generate`. */
export interface GenerateConfig extends FlowInputConfig {
  readonly out: string;
  readonly output: 'text' | 'json';
  readonly synthesis: SynthesisOptions;
  /** Read the baseline from Redis (`--redis URL`) instead of folding `flows`. */
  readonly redis?: RedisSettings;
}

/**
 * `palisade generate`: the embedded default. Reads the flow files (or, with `--redis`, the
 * baseliner's Redis baseline), synthesises the policies, proves them against the baseline
 * (rule 19) and writes them with the reports. All state is gathered first (cluster file, flows),
 * then the pure synthesis runs.
 */
export async function runGenerate(config: GenerateConfig, io: CliIo): Promise<GenerateReport> {
  const cluster = config.cluster === undefined ? undefined : await readClusterFile(config.cluster);
  const source = config.redis
    ? ({ kind: 'redis', settings: config.redis } as const)
    : ({ kind: 'flows', flows: config.flows, format: config.format, ...(config.deadLetter ? { deadLetter: config.deadLetter } : {}) } as const);
  const { baseline, input } = await readBaseline(source, cluster, { io });
  const { result, verification } = synthesizeAndVerify({ baseline, options: config.synthesis, ...(cluster ? { cluster } : {}) });
  const report = buildGenerateReport(
    { ...input, ...(config.cluster ? { cluster: config.cluster } : {}) },
    { edges: baseline.edges.length, workloads: baseline.workloads.length },
    result,
    verification.summary,
  );
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

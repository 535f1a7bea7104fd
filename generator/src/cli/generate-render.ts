import { relative } from 'node:path';
import type { GenerateOutcome } from '../app/generate.js';

/** What `generate` prints on stdout: the report as JSON, or a few lines saying what was written where. */
export function renderGenerate(outcome: GenerateOutcome, options: { readonly out: string; readonly output: 'text' | 'json' }): string {
  if (options.output === 'json') return `${JSON.stringify(outcome.report, null, 2)}\n`;
  const out = relative(process.cwd(), options.out) || '.';
  const { report, removed } = outcome;
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

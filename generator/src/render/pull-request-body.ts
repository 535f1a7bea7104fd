import type { PolicyDiffReport } from './diff-render.js';
import { renderDiffMarkdown } from './diff-render.js';
import type { GenerateReport } from './generate-report.js';

/**
 * The Markdown body of Palisade's pull request: a summary, the semantic and object diff against
 * what the base holds (the evaluator's Markdown), the self-verification counts (rule 19), and the
 * warnings a reviewer must read. Pure, so the same proposal always gives the same body.
 */

/** What the body is made of. */
export interface PullRequestBodyInput {
  readonly diff: PolicyDiffReport;
  /** The generate report of the proposal, when known (absent for `--proposed` without report.json). */
  readonly report?: GenerateReport;
  /** Most warnings listed. @default 50 */
  readonly limit?: number;
}

/** The pull request's title: stable across runs, so updates never rename it. */
export const PULL_REQUEST_TITLE = 'Palisade: least-privilege NetworkPolicies from observed traffic';

/** Renders the body. */
export function pullRequestBody(input: PullRequestBodyInput): string {
  const { diff, report } = input;
  const limit = input.limit ?? 50;
  const lines: string[] = ['## Summary', ''];
  if (report !== undefined) {
    const workloads = report.policies.filter((policy) => policy.workload !== undefined).length;
    lines.push(
      `Palisade proposes **${report.summary.policies}** NetworkPolicies (${workloads} workloads, ${report.summary.namespaces.length} namespaces${report.summary.defaultDenyPolicies > 0 ? `, ${report.summary.defaultDenyPolicies} default-deny` : ''}), learned from a baseline of ${report.baseline.edges} edges between ${report.baseline.workloads} workloads.`,
    );
  } else {
    lines.push('Palisade proposes the NetworkPolicies below (no generate report came with them).');
  }
  const { added, removed, changed } = diff.objects;
  lines.push('', `This pull request adds ${added.length}, changes ${changed.length} and removes ${removed.length} policies. Every policy is labelled \`app.kubernetes.io/managed-by: palisade\`.`, '');
  lines.push(renderDiffMarkdown(diff).trimEnd(), '');

  lines.push('## Verification', '');
  const verification = report?.verification;
  if (verification !== undefined) {
    lines.push(
      `- Observed edges replayed through the NetworkPolicy evaluator: **${verification.edgesAllowed} of ${verification.edgesChecked} allowed**, ${verification.violations} would be denied (rule 19)`,
      `- Workload pairs never observed talking that these policies now deny: ${verification.unobservedPairsDenied}`,
    );
  } else {
    lines.push('- Not verified here: run `palisade verify --policies … --flows …` before merging.');
  }

  const warnings = (report?.warnings ?? []).filter((warning) => warning.severity === 'warning');
  lines.push('', `## Warnings (${warnings.length})`, '');
  if (warnings.length === 0) lines.push('None.');
  for (const warning of warnings.slice(0, limit)) lines.push(`- **${warning.code}**${warning.workload ? ` \`${warning.workload}\`` : ''}: ${oneLine(warning.message)}`);
  if (warnings.length > limit) lines.push(`- … and ${warnings.length - limit} more (see report.json)`);
  lines.push('', '<sub>Opened by `palisade pr`; the next run updates this pull request.</sub>');
  return `${lines.join('\n')}\n`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

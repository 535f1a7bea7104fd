import type { ObjectDiff, PolicyObjectChange } from '../verify/object-diff.js';
import type { ConnectionChange, ExternalChange } from '../verify/semantic-diff.js';
import { portRangesText } from '../verify/semantic-diff.js';
import type { SemanticDiff } from '../verify/semantic-diff.js';
import type { DeniedEdge, VerifyResult } from '../verify/verify.js';

/**
 * Renderers of a policy diff (`palisade diff -o text|json|markdown`) and of a verify result. The
 * Markdown is the body of Palisade's pull requests: a summary first, then what breaks, then the
 * YAML diffs folded in `<details>`. Long lists are cut at `limit` entries with a count of the rest;
 * the JSON form is never cut.
 */

/** What `palisade diff` reports: the object diff and, when a model is known, the semantic diff. */
export interface PolicyDiffReport {
  readonly objects: ObjectDiff;
  readonly semantic?: SemanticDiff;
}

/** Rendering options. */
export interface RenderOptions {
  /** Most entries shown per list. @default 50 */
  readonly limit?: number;
}

const DEFAULT_LIMIT = 50;

function connection(change: ConnectionChange): string {
  return `${change.source} → ${change.destination} ${change.protocol}/${portRangesText(change.ports)}`;
}

function external(change: ExternalChange): string {
  const arrow = change.direction === 'egress' ? `${change.workload} → ${change.cidrs.join(', ')}` : `${change.cidrs.join(', ')} → ${change.workload}`;
  return `${arrow} ${change.protocol}/${portRangesText(change.ports)}`;
}

function deniedEdge(edge: DeniedEdge): string {
  const port = edge.port === undefined ? edge.protocol : `${edge.protocol}/${edge.port}`;
  const by = edge.isolatedBy.length > 0 ? ` (${edge.isolatedBy.join(', ')})` : '';
  return `${edge.source} → ${edge.destination} ${port}: ${edge.flows} flow${edge.flows === 1 ? '' : 's'}, denied by ${edge.deniedBy}${by}`;
}

function cut<T>(items: readonly T[], limit: number): { shown: readonly T[]; rest: number } {
  return { shown: items.slice(0, limit), rest: Math.max(0, items.length - limit) };
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** Machine-readable form: the report as JSON, two-space indented. */
export function renderDiffJson(report: PolicyDiffReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

function objectSummary(objects: ObjectDiff): string {
  return `${objects.added.length} added, ${objects.removed.length} removed, ${objects.changed.length} changed, ${objects.unchanged} unchanged`;
}

/** Plain text for a terminal. */
export function renderDiffText(report: PolicyDiffReport, options: RenderOptions = {}): string {
  const limit = options.limit ?? DEFAULT_LIMIT;
  const lines: string[] = [`Policies: ${objectSummary(report.objects)}`];
  const changes: PolicyObjectChange[] = [...report.objects.added, ...report.objects.removed, ...report.objects.changed];
  for (const change of changes) lines.push('', `${change.change.toUpperCase()} ${change.key}`, change.diff.trimEnd());
  const semantic = report.semantic;
  if (semantic !== undefined) {
    lines.push('', `Connections: ${semantic.newlyAllowed.length} newly allowed, ${semantic.newlyDenied.length} newly denied (${semantic.compared} pod-group pairs compared over ${plural(semantic.workloads, 'workload')}, every port)`);
    for (const [title, list] of [
      ['Newly denied', semantic.newlyDenied],
      ['Newly allowed', semantic.newlyAllowed],
    ] as const) {
      if (list.length === 0) continue;
      const { shown, rest } = cut(list, limit);
      lines.push('', `${title}:`);
      for (const change of shown) lines.push(`  ${connection(change)}${change.observed ? ' [observed]' : ''}: ${change.proposed}`);
      if (rest > 0) lines.push(`  … and ${rest} more`);
    }
    lines.push('', `External address ranges: ${semantic.newlyAllowedExternal.length} newly allowed, ${semantic.newlyDeniedExternal.length} newly denied`);
    for (const [title, list] of [
      ['Newly denied external ranges', semantic.newlyDeniedExternal],
      ['Newly allowed external ranges', semantic.newlyAllowedExternal],
    ] as const) {
      if (list.length === 0) continue;
      const { shown, rest } = cut(list, limit);
      lines.push('', `${title}:`);
      for (const change of shown) lines.push(`  ${external(change)}`);
      if (rest > 0) lines.push(`  … and ${rest} more`);
    }
    for (const [title, result] of [
      ['Observed flows denied by the current policies', semantic.deniedByCurrent],
      ['Observed flows the proposed policies would deny', semantic.deniedByProposed],
    ] as const) {
      lines.push('', `${title}: ${result.denied} of ${result.checked}`);
      const { shown, rest } = cut(result.deniedEdges, limit);
      for (const edge of shown) lines.push(`  ${deniedEdge(edge)}`);
      if (rest > 0) lines.push(`  … and ${rest} more edges`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function markdownConnections(list: readonly ConnectionChange[], limit: number): string[] {
  const { shown, rest } = cut(list, limit);
  const lines = ['| source | destination | ports | observed | now |', '|---|---|---|---|---|'];
  for (const change of shown)
    lines.push(`| \`${change.source}\` | \`${change.destination}\` | ${change.protocol}/${portRangesText(change.ports)} | ${change.observed ? '**yes**' : 'no'} | ${change.proposed} |`);
  if (rest > 0) lines.push('', `… and ${rest} more.`);
  return lines;
}

function markdownExternal(list: readonly ExternalChange[], limit: number): string[] {
  const { shown, rest } = cut(list, limit);
  const lines = ['| workload | direction | address ranges | ports |', '|---|---|---|---|'];
  for (const change of shown)
    lines.push(`| \`${change.workload}\` | ${change.direction} | ${change.cidrs.map((cidr) => `\`${cidr}\``).join(', ')} | ${change.protocol}/${portRangesText(change.ports)} |`);
  if (rest > 0) lines.push('', `… and ${rest} more.`);
  return lines;
}

function markdownDenied(result: VerifyResult, limit: number): string[] {
  if (result.deniedEdges.length === 0) return [];
  const { shown, rest } = cut(result.deniedEdges, limit);
  const lines = ['| source | destination | port | flows | denied by | isolating policies |', '|---|---|---|---:|---|---|'];
  for (const edge of shown)
    lines.push(
      `| \`${edge.source}\` | \`${edge.destination}\` | ${edge.port === undefined ? edge.protocol : `${edge.protocol}/${edge.port}`} | ${edge.flows} | ${edge.deniedBy} | ${edge.isolatedBy.map((name) => `\`${name}\``).join(', ')} |`,
    );
  if (rest > 0) lines.push('', `… and ${rest} more edges.`);
  return lines;
}

/** Markdown for a pull-request body. */
export function renderDiffMarkdown(report: PolicyDiffReport, options: RenderOptions = {}): string {
  const limit = options.limit ?? DEFAULT_LIMIT;
  const { objects, semantic } = report;
  const lines: string[] = ['## NetworkPolicy changes', '', `- Policies: ${objectSummary(objects)}`];
  if (semantic !== undefined) {
    const observedDenied = semantic.newlyDenied.filter((change) => change.observed).length;
    lines.push(
      `- Connections between workloads: **${semantic.newlyAllowed.length}** newly allowed, **${semantic.newlyDenied.length}** newly denied${observedDenied > 0 ? ` (**${observedDenied} observed in traffic**)` : ''}`,
      `- External address ranges: **${semantic.newlyAllowedExternal.length}** newly allowed, **${semantic.newlyDeniedExternal.length}** newly denied`,
      `- Observed flows denied today: ${semantic.deniedByCurrent.denied} of ${semantic.deniedByCurrent.checked}`,
      `- Observed flows the proposed policies would deny: **${semantic.deniedByProposed.denied}** of ${semantic.deniedByProposed.checked}`,
    );
    if (semantic.deniedByProposed.denied > 0) lines.push('', '### ⚠️ Observed traffic these policies would deny', '', ...markdownDenied(semantic.deniedByProposed, limit));
    if (semantic.newlyDenied.length > 0) lines.push('', '### Newly denied', '', ...markdownConnections(semantic.newlyDenied, limit));
    if (semantic.newlyAllowed.length > 0) lines.push('', '### Newly allowed', '', ...markdownConnections(semantic.newlyAllowed, limit));
    if (semantic.newlyDeniedExternal.length > 0) lines.push('', '### Newly denied external ranges', '', ...markdownExternal(semantic.newlyDeniedExternal, limit));
    if (semantic.newlyAllowedExternal.length > 0) lines.push('', '### Newly allowed external ranges', '', ...markdownExternal(semantic.newlyAllowedExternal, limit));
    if (semantic.deniedByCurrent.denied > 0) lines.push('', '### Observed traffic denied today', '', ...markdownDenied(semantic.deniedByCurrent, limit));
  }
  const changes: PolicyObjectChange[] = [...objects.added, ...objects.removed, ...objects.changed];
  if (changes.length > 0) {
    lines.push('', '### Policies');
    for (const change of changes)
      lines.push('', `<details><summary>${change.change} <code>${change.key}</code></summary>`, '', '```diff', change.diff.trimEnd(), '```', '', '</details>');
  }
  return `${lines.join('\n')}\n`;
}

/** Plain text of a verify result (`palisade verify -o text`). */
export function renderVerifyText(result: VerifyResult, options: RenderOptions = {}): string {
  const limit = options.limit ?? DEFAULT_LIMIT;
  const lines = [`Checked ${result.checked} flows: ${result.allowed} allowed, ${result.denied} denied.`];
  if (result.deniedEdges.length > 0) {
    const { shown, rest } = cut(result.deniedEdges, limit);
    lines.push('', `Denied, by edge (${result.deniedEdges.length}):`);
    for (const edge of shown) lines.push(`  ${deniedEdge(edge)}`);
    if (rest > 0) lines.push(`  … and ${rest} more edges`);
  }
  return `${lines.join('\n')}\n`;
}

/** JSON of a verify result (`palisade verify -o json`). */
export function renderVerifyJson(result: VerifyResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

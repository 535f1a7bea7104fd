import type { EdgeEvidence } from '../synthesis/synthesis-result.js';
import type { VerificationSummary } from '../verify/self-verification.js';
import type { GenerateReport } from './generate-report.js';

/** `report.md`: the same account as report.json, for people. */
export function renderReportMarkdown(report: GenerateReport): string {
  const lines: string[] = [];
  const { input, summary } = report;
  lines.push('# Palisade: proposed NetworkPolicies', '');
  lines.push('| | |', '|---|---|');
  lines.push(`| input | ${input.sources.map(code).join(', ')} (${input.format})${input.cluster ? `, cluster state ${code(input.cluster)}` : ''} |`);
  lines.push(`| records read | ${input.records} |`);
  lines.push(`| flows | ${input.flows} (${input.deniedFlows} denied) |`);
  lines.push(`| dead letters | ${input.deadLetters.count} |`);
  lines.push(`| quarantined | ${input.quarantined.count} |`);
  lines.push(`| baseline | ${report.baseline.edges} edges, ${report.baseline.workloads} workloads |`);
  lines.push(`| policies | ${summary.policies}${summary.defaultDenyPolicies ? ` (${summary.defaultDenyPolicies} default-deny)` : ''} in ${summary.namespaces.length} namespace(s) |`);
  lines.push(`| warnings | ${summary.warnings} |`);
  if (report.verification) {
    const v = report.verification;
    lines.push(
      `| verification | ${v.edgesAllowed}/${v.edgesChecked} observed edges allowed, ${v.violations} violation(s); ${v.unobservedPairsDenied} unobserved workload pair(s) now denied, ${v.unobservedPairsPartlyDenied} partly denied, ${v.unobservedPairsAllowed} still allowed${v.unobservedPairsUnjudged > 0 ? `, ${v.unobservedPairsUnjudged} not judged (no known port)` : ''} |`,
    );
  }
  lines.push('');

  const warnings = report.warnings.filter((warning) => warning.severity === 'warning');
  const notes = report.warnings.filter((warning) => warning.severity === 'info');
  if (warnings.length > 0) {
    lines.push('## Warnings', '');
    for (const warning of warnings) lines.push(`- **${warning.code}**: ${escape(warning.message)}${edgeSuffix(warning.edges)}`);
    lines.push('');
  }
  if (notes.length > 0) {
    lines.push('## Notes', '');
    for (const note of notes) lines.push(`- ${note.code}: ${escape(note.message)}`);
    lines.push('');
  }

  lines.push('## Policies', '');
  for (const policy of report.policies) {
    lines.push(`### ${policy.namespace}/${policy.name}`, '');
    if (policy.workload) lines.push(`Workload ${code(policy.workload)}; isolates ${policy.policyTypes.join(' and ') || 'nothing'}.`);
    else lines.push(`Default deny for namespace ${code(policy.namespace)}: apply after the allow policies.`);
    if (policy.window) lines.push(`Observed ${policy.window.firstSeen} to ${policy.window.lastSeen} (${policy.window.hours}h).`);
    lines.push(`File: ${code(policy.file)}`, '');
    if (policy.rules.length > 0) {
      lines.push('| rule | peers | ports | evidence |', '|---|---|---|---|');
      for (const rule of policy.rules) {
        const evidence = rule.edges.length === 0 ? 'cluster DNS (every egress-isolated workload)' : rule.edges.map(edgeLine).join('<br>');
        lines.push(`| ${rule.direction} ${rule.index} | ${rule.peers.map(code).join('<br>')} | ${rule.ports.join(', ')} | ${evidence} |`);
      }
      lines.push('');
    }
  }

  if (report.verification) lines.push(...unobservedPairsSection(report.verification));

  if (report.blockedAttempts.length > 0) {
    lines.push('## Blocked attempts', '', 'Connections the CNI denied. They teach no allow rule unless `--include-denied` is given.', '');
    for (const edge of report.blockedAttempts) lines.push(`- ${edgeLine(edge)}`);
    lines.push('');
  }
  if (input.deadLetters.count > 0 || input.quarantined.count > 0) {
    lines.push('## Input problems', '');
    for (const letter of input.deadLetters.examples) lines.push(`- ${code(`${letter.source}:${letter.line}`)}: ${escape(letter.reason)}`);
    if (input.deadLetters.count > input.deadLetters.examples.length) lines.push(`- … ${input.deadLetters.count - input.deadLetters.examples.length} more dead letters`);
    for (const [reason, count] of Object.entries(input.quarantined.byReason)) lines.push(`- quarantined ×${count}: ${escape(reason)}`);
    lines.push('');
  }
  lines.push(...idleWorkloadsSection(report));
  if (report.excludedWorkloads.length > 0) {
    lines.push('## Excluded', '', `No policies for workloads in system or excluded namespaces: ${report.excludedWorkloads.map(code).join(', ')}.`, '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** One row per destination workload: how its unobserved sources fare, naming all but the denied ones. */
function unobservedPairsSection(verification: VerificationSummary): string[] {
  const destinations = verification.unobservedPairs.byDestination;
  if (destinations.length === 0) return [];
  const lines = [
    '## Unobserved workload pairs',
    '',
    'A pair of workloads never observed talking is **denied** when every pod of the source is denied towards every pod of the destination on every port the destination is known to serve (observed or declared), **still allowed** when every pod pair is allowed on one of them, and **partly denied** otherwise (pods of one workload differ, e.g. during a rollout). `report.json` lists every pair under `verification.unobservedPairs`: the denied sources of a destination are all the workloads it does not name.',
    '',
    '| destination | pods | ports | observed sources | still allowed | partly denied | denied |',
    '|---|---:|---|---:|---|---|---:|',
  ];
  for (const entry of destinations) {
    const allowed = entry.allowedSources.map(code).join('<br>') || '–';
    const partly = entry.partlyDeniedSources.map((pair) => `${code(pair.source)} (${pair.podPairsDenied} of ${pair.podPairs} pod pairs denied)`).join('<br>') || '–';
    const ports = entry.ports.length === 0 ? `none known: ${entry.unjudgedSources} not judged` : entry.ports.join(', ');
    lines.push(`| ${code(entry.destination)} | ${entry.pods} | ${ports} | ${entry.observedSources.length} | ${allowed} | ${partly} | ${entry.deniedSources} |`);
  }
  lines.push('');
  return lines;
}

/** Workloads the baseline never saw talk: open to everything unless `--isolate-idle` isolated them. */
function idleWorkloadsSection(report: GenerateReport): string[] {
  const idle = report.idleWorkloads ?? [];
  if (idle.length === 0) return [];
  const open = idle.filter((entry) => entry.policy === undefined).length;
  const lines = ['## Idle workloads', '', `Workloads of the cluster state with no observed allowed traffic: ${open} of ${idle.length} get no policy and stay open to everything.`, ''];
  for (const entry of idle) lines.push(`- ${code(entry.workload)}${entry.policy ? ` → ${code(entry.policy)}` : ''}: ${escape(entry.message)}`);
  lines.push('');
  return lines;
}

function edgeLine(edge: EdgeEvidence): string {
  const port = edge.port === undefined ? edge.protocol : `${edge.protocol}/${edge.port}`;
  const denied = edge.deniedFlows > 0 ? `, ${edge.deniedFlows} denied` : '';
  return `${code(edge.source)} → ${code(edge.destination)} ${port}: ${edge.flows} flow(s)${denied}, ${edge.firstSeen} – ${edge.lastSeen}`;
}

function edgeSuffix(edges: readonly EdgeEvidence[] | undefined): string {
  if (!edges || edges.length === 0) return '';
  const shown = edges.slice(0, 5).map(edgeLine).join('; ');
  return ` (${shown}${edges.length > 5 ? `; … ${edges.length - 5} more` : ''})`;
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

/** Values from flow logs are validated, but a reason string may still carry Markdown syntax. */
function escape(text: string): string {
  return text.replace(/([\\`*_[\]<>|])/g, '\\$1');
}

import yaml from 'js-yaml';
import type { Anomaly, Edge, RefreshReport } from '@palisade/baseliner';
import { edgeKey, peerId } from '@palisade/baseliner';
import type { BaselineView } from '../app/baseline.js';

/** Output formats of the `baseline` subcommands. */
export type BaselineOutput = 'text' | 'json' | 'yaml';

const formatTime = (ms: number | undefined) => (ms === undefined ? '-' : new Date(ms).toISOString());
const edgeLine = (edge: Edge) =>
  `${peerId(edge.source)} -> ${peerId(edge.destination)} ${edge.protocol}${edge.port === undefined ? '' : `/${edge.port}`}  flows=${edge.flows} denied=${edge.deniedFlows} first=${formatTime(edge.firstSeen)} last=${formatTime(edge.lastSeen)} verdict=${edge.lastVerdict}`;

/** `baseline show`. */
export function renderView(view: BaselineView, output: BaselineOutput): string {
  if (output === 'json') return `${JSON.stringify(view, null, 2)}\n`;
  if (output === 'yaml') return yaml.dump(JSON.parse(JSON.stringify(view)), { lineWidth: -1, noRefs: true, sortKeys: false });
  const lines = [`${view.edges.length} edges, ${view.anomalies.length} anomalies, ${view.owners.length} owners`];
  const locked = [...Object.keys(view.locks.namespaces).map((ns) => `namespace ${ns}`), ...Object.keys(view.locks.workloads)];
  if (locked.length > 0) lines.push(`locked: ${locked.join(', ')}`);
  lines.push('', 'OWNER  WINDOW-START  EDGES  ANOMALIES');
  for (const owner of view.owners) lines.push(`${owner.owner}  ${formatTime(owner.windowStart)}  ${owner.edges}  ${owner.anomalies}`);
  lines.push('', 'EDGES');
  for (const edge of view.edges) lines.push(`  ${edgeLine(edge)}`);
  if (view.anomalies.length > 0) {
    lines.push('', 'ANOMALIES (first seen under a lock; palisade baseline approve)');
    for (const anomaly of view.anomalies) lines.push(`  ${edgeLine(anomaly.edge)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `baseline approve`. */
export function renderApproved(approved: readonly Anomaly[], output: BaselineOutput): string {
  if (output !== 'text') return renderData({ approved }, output);
  return `approved ${approved.length} edge(s)\n${approved.map((anomaly) => `  ${edgeLine(anomaly.edge)}\n`).join('')}`;
}

/** `baseline refresh`. */
export function renderRefreshReport(report: RefreshReport, output: BaselineOutput): string {
  if (output !== 'text')
    return renderData({ ...report, added: report.added, expired: report.expired, addedIds: report.added.map(edgeKey), expiredIds: report.expired.map(edgeKey) }, output);
  const lines = [
    `refreshed at ${formatTime(report.at)} (previous ${formatTime(report.previousAt)}): ${report.added.length} added, ${report.expired.length} expired`,
    ...report.added.map((edge) => `+ ${edgeLine(edge)}`),
    ...report.expired.map((edge) => `- ${edgeLine(edge)}`),
  ];
  return `${lines.join('\n')}\n`;
}

function renderData(data: unknown, output: 'json' | 'yaml'): string {
  return output === 'yaml' ? yaml.dump(JSON.parse(JSON.stringify(data)), { lineWidth: -1, noRefs: true }) : `${JSON.stringify(data, null, 2)}\n`;
}

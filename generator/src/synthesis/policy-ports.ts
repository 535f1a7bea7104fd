import type { V1NetworkPolicyPort } from '@kubernetes/client-node';
import type { PortProtocol } from '@palisade/collector';

/** A numeric listener port with its protocol (rule 9: never a named port, never a bare number). */
export interface PortKey {
  readonly protocol: PortProtocol;
  readonly port: number;
}

const PROTOCOL_ORDER: Readonly<Record<PortProtocol, number>> = { TCP: 0, UDP: 1, SCTP: 2 };

/** Sort order of ports: protocol, then number. */
export function comparePorts(a: PortKey, b: PortKey): number {
  return PROTOCOL_ORDER[a.protocol] - PROTOCOL_ORDER[b.protocol] || a.port - b.port;
}

/** `TCP/8080`, for keys and reports. */
export function portLabel(port: PortKey): string {
  return `${port.protocol}/${port.port}`;
}

/** Sorted, de-duplicated ports. */
export function uniquePorts(ports: Iterable<PortKey>): PortKey[] {
  const byLabel = new Map<string, PortKey>();
  for (const port of ports) byLabel.set(portLabel(port), port);
  return [...byLabel.values()].sort(comparePorts);
}

/**
 * NetworkPolicy ports: each a numeric port with an explicit protocol. With `collapseRanges`,
 * runs of consecutive ports become `port`..`endPort` (only on request: CNIs without `endPort`
 * support apply `port` alone, so a range would silently shrink to its first port).
 */
export function networkPolicyPorts(ports: readonly PortKey[], collapseRanges: boolean): V1NetworkPolicyPort[] {
  const sorted = uniquePorts(ports);
  if (!collapseRanges) return sorted.map((port) => ({ protocol: port.protocol, port: port.port }));
  const result: V1NetworkPolicyPort[] = [];
  let index = 0;
  while (index < sorted.length) {
    const start = sorted[index] as PortKey;
    let end = start;
    while (index + 1 < sorted.length) {
      const next = sorted[index + 1] as PortKey;
      if (next.protocol !== start.protocol || next.port !== end.port + 1) break;
      end = next;
      index++;
    }
    result.push(end.port === start.port ? { protocol: start.protocol, port: start.port } : { protocol: start.protocol, port: start.port, endPort: end.port });
    index++;
  }
  return result;
}

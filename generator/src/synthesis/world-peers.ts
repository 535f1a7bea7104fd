import type { Edge } from '@palisade/baseliner';
import { isPortProtocol } from '@palisade/collector';
import type { GrantSet } from './grant-set.js';
import type { PortKey } from './policy-ports.js';
import { portLabel, uniquePorts } from './policy-ports.js';
import type { SynthesisContext } from './synthesis-context.js';
import type { SynthesisWarning } from './synthesis-result.js';
import { edgeEvidence } from './synthesis-result.js';
import type { KnownWorkload } from './workload-catalog.js';
import { foldWorldAddresses, hostCidr, isIpv4, sortCidrs } from './world-cidrs.js';

/** Ingress from the internet: on the observed ports only, flagged as internet-exposed (rule 13). */
export function addWorldIngress(grants: GrantSet, edges: readonly Edge[], subject: KnownWorkload, context: SynthesisContext, warnings: SynthesisWarning[]): void {
  if (edges.length === 0) return;
  const addresses = edges.flatMap((edge) => (edge.source.kind === 'world' && edge.source.ip ? [edge.source.ip] : []));
  const ports = uniquePorts(edges.flatMap((edge) => (edge.port !== undefined && isPortProtocol(edge.protocol) ? [{ protocol: edge.protocol, port: edge.port }] : [])));
  const anyAddress = context.options.worldIngress === 'any';
  if (!anyAddress) {
    for (const edge of edges) {
      if (edge.source.kind !== 'world' || edge.source.ip === undefined || edge.port === undefined || !isPortProtocol(edge.protocol)) continue;
      const cidr = hostCidr(edge.source.ip);
      grants.add(`c:${cidr}`, { ipBlock: { cidr } }, `world:${cidr}`, [{ protocol: edge.protocol, port: edge.port }], [edge]);
    }
  } else {
    const families = new Set(addresses.map((ip) => (isIpv4(ip) ? 4 : 6)));
    if (families.size === 0) families.add(4);
    for (const family of [...families].sort()) {
      const cidr = family === 4 ? '0.0.0.0/0' : '::/0';
      const except = sortCidrs(
        [...context.options.podCidrs, ...context.options.serviceCidrs, ...context.options.nodeCidrs].filter((range) => range.includes(':') === (family === 6)),
      );
      grants.add(`c:${cidr}`, { ipBlock: { cidr, ...(except.length > 0 ? { except } : {}) } }, `world:${cidr}`, ports, edges);
    }
  }
  // Calico and Antrea match ipBlocks against pod addresses too: without the pod network to except,
  // 0.0.0.0/0 on these ports also admits every pod of the cluster.
  const podCaveat =
    anyAddress && context.options.podCidrs.length === 0
      ? '; without --pod-cidr the 0.0.0.0/0 rule also admits every pod on these ports on CNIs that match ipBlocks against pod addresses (Calico, Antrea)'
      : '';
  warnings.push({
    code: 'internet-exposed',
    severity: 'warning',
    workload: subject.id,
    message: `${subject.id} is internet-exposed on ${ports.map(portLabel).join(', ')}: ${new Set(addresses).size} external client address(es) observed${podCaveat}`,
    edges: edges.map(edgeEvidence),
  });
}

/** Egress to external addresses: single addresses, folded past a count per prefix (rule 13). */
export function addWorldEgress(grants: GrantSet, edges: readonly Edge[], context: SynthesisContext): void {
  const byPorts = new Map<string, { ports: PortKey[]; ips: string[] }>();
  const portsByIp = new Map<string, { ports: PortKey[]; edges: Edge[] }>();
  for (const edge of edges) {
    if (edge.destination.kind !== 'world' || edge.destination.ip === undefined || edge.port === undefined || !isPortProtocol(edge.protocol)) continue;
    const entry = portsByIp.get(edge.destination.ip) ?? { ports: [], edges: [] };
    entry.ports.push({ protocol: edge.protocol, port: edge.port });
    entry.edges.push(edge);
    portsByIp.set(edge.destination.ip, entry);
  }
  for (const [ip, entry] of portsByIp) {
    const ports = uniquePorts(entry.ports);
    const signature = ports.map(portLabel).join(',');
    const group = byPorts.get(signature) ?? { ports, ips: [] };
    group.ips.push(ip);
    byPorts.set(signature, group);
  }
  const { options } = context;
  for (const group of byPorts.values()) {
    const cidrs = foldWorldAddresses(group.ips, {
      minAddresses: options.worldFoldMinAddresses,
      prefixV4: options.worldFoldPrefixV4,
      prefixV6: options.worldFoldPrefixV6,
      protectedRanges: context.protectedRanges,
    });
    // The fold names the addresses inside each CIDR, so the evidence needs no range check per edge.
    for (const { cidr, addresses } of cidrs) {
      const edgesInCidr = addresses.flatMap((ip) => portsByIp.get(ip)?.edges ?? []);
      grants.add(`c:${cidr}`, { ipBlock: { cidr } }, `world:${cidr}`, group.ports, edgesInCidr);
    }
  }
}

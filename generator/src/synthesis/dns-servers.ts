import type { ClusterState } from '@palisade/collector';
import type { Baseline } from '@palisade/baseliner';
import { compareStrings, peerId } from '@palisade/baseliner';
import { selectorMatches } from '../evaluator/label-selector.js';
import type { PortKey } from './policy-ports.js';
import { uniquePorts } from './policy-ports.js';
import type { WorkloadCatalog } from './workload-catalog.js';

/** Where the cluster DNS is, for the DNS egress every egress-isolated workload gets (rule 10). */
export interface DnsServers {
  /** DNS workloads (`namespace/Kind/name`) found in the cluster state or the flows. */
  readonly workloads: readonly string[];
  /** UDP and TCP 53, plus observed DNS ports that differ (5353 on OpenShift). */
  readonly ports: readonly PortKey[];
  /** Node-local DNS cache addresses the flows show (link-local, port 53). */
  readonly nodeLocalAddresses: readonly string[];
  /** True when neither the cluster nor the flows showed DNS: `k8s-app: kube-dns` in kube-system. */
  readonly fallback: boolean;
}

/** The label selector of the fallback DNS peer. */
export const FALLBACK_DNS = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } } as const;

const DNS_SERVICE_NAMES: ReadonlySet<string> = new Set(['kube-dns', 'dns-default', 'coredns', 'rke2-coredns-rke2-coredns']);
const DNS_PORT = 53;

/**
 * Finds the cluster DNS: workloads whose pods back a DNS Service (`kube-dns`, OpenShift's
 * `dns-default`, ...) in the cluster state, and workloads the flows show answering on port 53.
 * Ports observed towards them are kept, since OpenShift's DNS pods listen on 5353 behind a
 * Service on 53 and NetworkPolicy sees the pod's port.
 */
export function findDnsServers(baseline: Baseline, cluster: ClusterState | undefined, catalog: WorkloadCatalog): DnsServers {
  const servers = new Set<string>();
  for (const service of cluster?.services ?? []) {
    if (!DNS_SERVICE_NAMES.has(service.name) || service.selector === undefined) continue;
    const selector = { matchLabels: service.selector };
    for (const known of catalog.byNamespace.get(service.namespace) ?? []) {
      if (known.podLabels.some((labels) => selectorMatches(selector, labels))) servers.add(known.id);
    }
  }
  for (const edge of baseline.edges) {
    if (edge.port === DNS_PORT && edge.destination.kind === 'workload' && edge.deniedFlows < edge.flows) servers.add(peerId(edge.destination));
  }
  const ports: PortKey[] = [
    { protocol: 'UDP', port: DNS_PORT },
    { protocol: 'TCP', port: DNS_PORT },
  ];
  const nodeLocal = new Set<string>();
  for (const edge of baseline.edges) {
    if (edge.port === undefined || (edge.protocol !== 'UDP' && edge.protocol !== 'TCP')) continue;
    if (servers.has(peerId(edge.destination))) {
      // Only pods' UDP queries show the DNS port: probes from the node hit health ports (8080, 8181).
      if (edge.protocol === 'UDP' && edge.source.kind === 'workload') ports.push({ protocol: 'UDP', port: edge.port }, { protocol: 'TCP', port: edge.port });
    } else if (edge.port === DNS_PORT && edge.destination.kind !== 'workload' && edge.destination.ip?.startsWith('169.254.')) {
      // node-local-dns listens on a link-local address on every node (169.254.20.10 by default).
      nodeLocal.add(edge.destination.ip);
    }
  }
  return {
    workloads: [...servers].sort(compareStrings),
    ports: uniquePorts(ports),
    nodeLocalAddresses: [...nodeLocal].sort(compareStrings),
    fallback: servers.size === 0,
  };
}

import type { ClusterState } from '@palisade/collector';
import type { Baseline } from '@palisade/baseliner';
import { observationId } from '@palisade/baseliner';
import type { DnsServers } from './dns-servers.js';
import { findDnsServers } from './dns-servers.js';
import type { PortKey } from './policy-ports.js';
import { uniquePorts } from './policy-ports.js';
import type { SynthesisOptions } from './synthesis-options.js';
import type { KnownWorkload, WorkloadCatalog } from './workload-catalog.js';
import { buildWorkloadCatalog } from './workload-catalog.js';
import type { WorkloadSelection } from './workload-selector.js';
import { selectWorkload } from './workload-selector.js';

/** Shared, memoised facts for one synthesis run. */
export interface SynthesisContext {
  readonly options: SynthesisOptions;
  readonly cluster: ClusterState | undefined;
  readonly baseline: Baseline;
  readonly catalog: WorkloadCatalog;
  readonly dns: DnsServers;
  /** Addresses and ports of the API server's endpoints (`default/kubernetes` EndpointSlice). */
  readonly apiserver: { readonly addresses: readonly string[]; readonly ports: readonly PortKey[] } | undefined;
  /** Ranges world CIDRs must never cover (rule 13). */
  readonly protectedRanges: readonly string[];
  /** Workload observations by id. */
  readonly observations: ReadonlyMap<string, Baseline['workloads'][number]>;
  known(id: string): KnownWorkload;
  selection(id: string): WorkloadSelection;
}

export function createContext(baseline: Baseline, cluster: ClusterState | undefined, options: SynthesisOptions): SynthesisContext {
  const catalog = buildWorkloadCatalog(baseline, cluster);
  const selections = new Map<string, WorkloadSelection>();
  const known = (id: string): KnownWorkload => {
    const entry = catalog.byId.get(id);
    if (entry !== undefined) return entry;
    const [namespace = '', kind = 'Pod', name = ''] = id.split('/');
    return { id, namespace, workload: { kind: kind as KnownWorkload['workload']['kind'], name }, podLabels: [] };
  };
  const inClusterAddresses = [
    ...(cluster?.pods.flatMap((pod) => pod.ips) ?? []),
    ...(cluster?.services.flatMap((service) => service.clusterIPs) ?? []),
    ...baseline.edges.flatMap((edge) => [edge.source, edge.destination]).flatMap((peer) =>
      peer.kind === 'node' || peer.kind === 'host' || peer.kind === 'apiserver' ? (peer.ip ? [peer.ip] : []) : [],
    ),
  ];
  return {
    options,
    cluster,
    baseline,
    catalog,
    dns: findDnsServers(baseline, cluster, catalog),
    apiserver: apiserverEndpoints(cluster),
    protectedRanges: [...new Set([...options.podCidrs, ...options.serviceCidrs, ...options.nodeCidrs, ...inClusterAddresses])],
    observations: new Map(baseline.workloads.map((observation) => [observationId(observation), observation])),
    known,
    selection(id) {
      let selection = selections.get(id);
      if (selection === undefined) {
        selection = selectWorkload(known(id), catalog);
        selections.set(id, selection);
      }
      return selection;
    },
  };
}

/** The `default/kubernetes` EndpointSlice: where the API server really listens (rule 12). */
function apiserverEndpoints(cluster: ClusterState | undefined): SynthesisContext['apiserver'] {
  const slices = (cluster?.endpointSlices ?? []).filter((slice) => slice.namespace === 'default' && slice.serviceName === 'kubernetes');
  const addresses = slices.flatMap((slice) => slice.endpoints.flatMap((endpoint) => endpoint.addresses));
  const ports = slices.flatMap((slice) => slice.ports.map((port) => ({ protocol: port.protocol, port: port.port })));
  return addresses.length > 0 && ports.length > 0 ? { addresses: [...new Set(addresses)], ports: uniquePorts(ports) } : undefined;
}

import type { PortProtocol, WorkloadRef } from '../flow/flow.js';
import { canonicalIp } from '../flow/ip-address.js';
import type { ClusterState, PodInfo, ServiceInfo } from './cluster-state.js';

/**
 * Format-neutral identity resolution over a cluster state: pod by name, IP → the pod that held it
 * at the time of a flow, and Service ClusterIP + port → the backend's port and workload. Every
 * adapter uses it for endpoints that a log names only by address. It never guesses: an address
 * that several pods could have held at that time, or a Service whose backends belong to several
 * workloads, resolves to nothing, with the reason (POLICY-RULES.md rule 15).
 */

/** What an IP address was at a given time. */
export type IpResolution =
  | { readonly kind: 'pod'; readonly pod: PodInfo }
  /** The address of a node, known because host-network pods use it. */
  | { readonly kind: 'node'; readonly node?: string }
  | { readonly kind: 'ambiguous'; readonly reason: string }
  | { readonly kind: 'unknown'; readonly reason: string };

/** A Service address translated to what NetworkPolicy sees: the backend pods' port (rule 8). */
export interface ServiceTranslation {
  readonly service: { readonly namespace: string; readonly name: string };
  /** The backends' port after translation, when one port is certain. */
  readonly targetPort?: number;
  /** A backend pod standing for the destination workload, when all backends belong to one workload. */
  readonly backend?: PodInfo;
  /** Why `targetPort` or `backend` is missing. */
  readonly reason?: string;
}

/** Identity lookups over one cluster state. */
export interface IdentityResolver {
  /** The pod with this namespace and name, if the cluster state has it. */
  podByName(namespace: string, name: string): PodInfo | undefined;
  /** The pod (or node) that held `ip` at `time` (epoch ms). */
  resolveIp(ip: string, time: number): IpResolution;
  /** Whether `ip` is a Service ClusterIP. */
  isServiceIp(ip: string): boolean;
  /**
   * Translates a connection to a Service ClusterIP and port into the backends' port and workload;
   * undefined when `ip` is no ClusterIP or the Service has no such port.
   */
  translateService(ip: string, port: number, protocol: PortProtocol, time: number): ServiceTranslation | undefined;
}

/** Options of {@link createIdentityResolver}. */
export interface IdentityResolverOptions {
  /**
   * How many pods to remember per IP address (the most recently created win).
   * @default 16
   */
  readonly ipHistory?: number;
}

/**
 * An adapter's lookups: the resolver it was given (a live one in `collect`), else one built over
 * the cluster state it was given, else none (address-only endpoints are then quarantined).
 */
export function resolverFor(options: { readonly resolver?: IdentityResolver | undefined; readonly clusterState?: ClusterState | undefined }): IdentityResolver | undefined {
  return options.resolver ?? (options.clusterState ? createIdentityResolver(options.clusterState) : undefined);
}

/** Builds the lookups for one cluster state. Pure: the state is only read. */
export function createIdentityResolver(state: ClusterState, options: IdentityResolverOptions = {}): IdentityResolver {
  const ipHistory = options.ipHistory ?? 16;
  const podsByName = new Map<string, PodInfo>();
  const podsByIp = new Map<string, PodInfo[]>();
  for (const pod of state.pods) {
    podsByName.set(`${pod.namespace}/${pod.name}`, pod);
    // Addresses are keyed and looked up canonically: a log that writes `::ffff:10.0.2.16` means the
    // pod whose status says 10.0.2.16.
    for (const ip of pod.ips) {
      const key = canonicalIp(ip);
      const holders = podsByIp.get(key) ?? [];
      holders.push(pod);
      podsByIp.set(key, holders);
    }
  }
  // Bounded history: keep the most recently created holders of each address.
  for (const [ip, holders] of podsByIp) {
    holders.sort((a, b) => (b.createdAt ?? Number.MAX_SAFE_INTEGER) - (a.createdAt ?? Number.MAX_SAFE_INTEGER));
    if (holders.length > ipHistory) podsByIp.set(ip, holders.slice(0, ipHistory));
  }
  const servicesByIp = new Map<string, ServiceInfo>();
  for (const service of state.services) for (const ip of service.clusterIPs) servicesByIp.set(canonicalIp(ip), service);

  const resolveIp = (ip: string, time: number): IpResolution => {
    const holders = podsByIp.get(canonicalIp(ip));
    if (holders === undefined) return { kind: 'unknown', reason: 'no pod in the cluster state has this IP' };
    // A pod holds its IP from creation until it is gone; `deletionTimestamp` already includes the
    // grace period, so after it the address may belong to a new pod.
    const candidates = holders.filter(
      (pod) => (pod.createdAt === undefined || pod.createdAt <= time) && (pod.deletedAt === undefined || time < pod.deletedAt),
    );
    const first = candidates[0];
    if (first === undefined) return { kind: 'unknown', reason: 'no pod held this IP at the time of the flow' };
    // Host-network pods share their node's address: the address is the node, not one of them.
    if (candidates.every((pod) => pod.hostNetwork)) {
      const nodes = new Set(candidates.map((pod) => pod.node));
      const node = first.node;
      return nodes.size === 1 && node !== undefined ? { kind: 'node', node } : { kind: 'node' };
    }
    if (candidates.length > 1) return { kind: 'ambiguous', reason: 'several pods may have held this IP at the time of the flow' };
    return { kind: 'pod', pod: first };
  };

  const translateService = (ip: string, port: number, protocol: PortProtocol, time: number): ServiceTranslation | undefined => {
    const service = servicesByIp.get(canonicalIp(ip));
    if (service === undefined) return undefined;
    const servicePort = service.ports.find((candidate) => candidate.port === port && candidate.protocol === protocol);
    if (servicePort === undefined) return undefined;
    const ref = { namespace: service.namespace, name: service.name };
    const slices = state.endpointSlices.filter((slice) => slice.namespace === service.namespace && slice.serviceName === service.name);

    const backends: PodInfo[] = [];
    let unresolved = 0;
    for (const endpoint of slices.flatMap((slice) => slice.endpoints)) {
      let pod = endpoint.podName === undefined ? undefined : podsByName.get(`${service.namespace}/${endpoint.podName}`);
      for (const address of pod === undefined ? endpoint.addresses : []) {
        const resolution = resolveIp(address, time);
        if (resolution.kind === 'pod') {
          pod = resolution.pod;
          break;
        }
      }
      if (pod === undefined) unresolved++;
      else backends.push(pod);
    }

    // The EndpointSlice port carries the Service port's name and the resolved target port, which
    // is what the dataplane uses after translation (named target ports included).
    const slicePorts = new Set(
      slices.flatMap((slice) =>
        slice.ports.filter((candidate) => (candidate.name ?? '') === (servicePort.name ?? '') && candidate.protocol === protocol).map((candidate) => candidate.port),
      ),
    );
    let targetPort: number | undefined;
    let reason: string | undefined;
    if (slicePorts.size === 1) targetPort = [...slicePorts][0];
    else if (slicePorts.size > 1) reason = 'the EndpointSlices give several target ports';
    else if (typeof servicePort.targetPort === 'number') targetPort = servicePort.targetPort;
    else if (servicePort.targetPort === undefined) targetPort = servicePort.port;
    else {
      const named = servicePort.targetPort;
      const ports = new Set(
        backends.flatMap((pod) => pod.containerPorts.filter((candidate) => candidate.name === named && candidate.protocol === protocol).map((candidate) => candidate.port)),
      );
      if (ports.size === 1) targetPort = [...ports][0];
      else reason = `named target port ${named} does not resolve to one port`;
    }

    const workloads = new Set(backends.map((pod) => workloadKey(pod.namespace, pod.workload)));
    const backend = unresolved === 0 && workloads.size === 1 ? backends[0] : undefined;
    if (backend === undefined)
      reason ??= backends.length === 0 && unresolved === 0 ? 'the Service has no known backends' : 'the Service backends do not belong to one known workload';
    return {
      service: ref,
      ...(targetPort !== undefined ? { targetPort } : {}),
      ...(backend !== undefined ? { backend } : {}),
      ...(reason !== undefined ? { reason } : {}),
    };
  };

  return {
    podByName: (namespace, name) => podsByName.get(`${namespace}/${name}`),
    resolveIp,
    isServiceIp: (ip) => servicesByIp.has(canonicalIp(ip)),
    translateService,
  };
}

function workloadKey(namespace: string, workload: WorkloadRef): string {
  return `${namespace}/${workload.kind}/${workload.name}`;
}

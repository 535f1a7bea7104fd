import type {
  V1LabelSelector,
  V1NetworkPolicy,
  V1NetworkPolicyEgressRule,
  V1NetworkPolicyIngressRule,
  V1NetworkPolicyPeer,
} from '@kubernetes/client-node';
import type { ClusterState, LabelSelector, PortProtocol } from '@palisade/collector';
import { isPortProtocol } from '@palisade/collector';
import type { Baseline, Edge, WorkloadPeer } from '@palisade/baseliner';
import { compareStrings, observationId, peerId, teachingFlows } from '@palisade/baseliner';
import { RefusedError } from '../errors.js';
import type { DnsServers } from './dns-servers.js';
import { FALLBACK_DNS, findDnsServers } from './dns-servers.js';
import { listenerPort } from './listener-port.js';
import type { PortKey } from './policy-ports.js';
import { networkPolicyPorts, portLabel, uniquePorts } from './policy-ports.js';
import { DEFAULT_DENY_POLICY_NAME, policyNamesForNamespace } from './policy-name.js';
import type { SynthesisOptions } from './synthesis-options.js';
import type { Direction, EdgeEvidence, PolicyPlan, RuleEvidence, SynthesisResult, SynthesisWarning } from './synthesis-result.js';
import { edgeEvidence } from './synthesis-result.js';
import type { KnownWorkload, WorkloadCatalog } from './workload-catalog.js';
import { buildWorkloadCatalog } from './workload-catalog.js';
import type { WorkloadSelection } from './workload-selector.js';
import { selectWorkload } from './workload-selector.js';
import { foldWorldAddresses, hostCidr, isIpv4, sortCidrs } from './world-cidrs.js';

/** Label on every object Palisade owns (rule 1). */
export const MANAGED_BY_LABEL = { 'app.kubernetes.io/managed-by': 'palisade' } as const;
/** Annotation naming the workload a policy is for. */
export const WORKLOAD_ANNOTATION = 'palisade.io/workload';
/** Annotation with a short summary of the evidence (rule 3; the full evidence is in report.json). */
export const EVIDENCE_ANNOTATION = 'palisade.io/evidence';

/** What synthesis reads: the baseline, the cluster state when known, and the options. */
export interface SynthesisInput {
  readonly baseline: Baseline;
  readonly cluster?: ClusterState;
  readonly options: SynthesisOptions;
}

/**
 * Synthesises one least-privilege NetworkPolicy per observed workload from the baseline and the
 * cluster state, obeying POLICY-RULES.md rules 1–18. Pure: the same input gives the same policies,
 * in the same order, with the same evidence.
 *
 * @throws RefusedError when the baseline holds no allowed traffic (rule 16: policies from it
 *   would deny everything).
 */
export function synthesizePolicies(input: SynthesisInput): SynthesisResult {
  const { baseline, cluster, options } = input;
  const teaching = baseline.edges.filter((edge) => teachingFlows(edge, options.includeDenied) > 0);
  if (teaching.length === 0) {
    throw new RefusedError(
      'the input holds no allowed traffic, so policies from it would deny everything; collect flows for longer or check the input (rule 16)',
    );
  }
  const context = createContext(baseline, cluster, options);
  const excluded = new Set(options.excludeNamespaces);

  const inbound = groupBy(teaching, (edge) => (edge.destination.kind === 'workload' ? peerId(edge.destination) : undefined));
  const outbound = groupBy(teaching, (edge) => (edge.source.kind === 'workload' ? peerId(edge.source) : undefined));
  const subjectIds = [...new Set([...inbound.keys(), ...outbound.keys()])].sort(compareStrings);

  const warnings: SynthesisWarning[] = [];
  const excludedWorkloads: string[] = [];
  const drafts: { subject: KnownWorkload; draft: PolicyDraft }[] = [];
  for (const id of subjectIds) {
    const subject = context.known(id);
    if (excluded.has(subject.namespace)) {
      excludedWorkloads.push(id);
      continue;
    }
    const draft = draftPolicy(subject, inbound.get(id) ?? [], outbound.get(id) ?? [], context);
    warnings.push(...draft.warnings);
    if (draft.selector !== undefined) drafts.push({ subject, draft });
  }

  const policies = nameAndBuild(drafts, context);
  warnings.push(...windowWarnings(policies, options));
  const defaultDenies = options.defaultDeny ? defaultDenyPolicies(policies, context, warnings) : [];
  const blockedAttempts = baseline.edges.filter((edge) => edge.deniedFlows > 0).map(edgeEvidence);
  if (blockedAttempts.length > 0) {
    warnings.push({
      code: 'blocked-attempts',
      severity: 'info',
      message: `${blockedAttempts.length} edge(s) carried connections the CNI denied; ${options.includeDenied ? 'they were allowed because --include-denied was given' : 'they teach no allow rule (rule 14)'}`,
      edges: blockedAttempts,
    });
  }
  return { policies: [...policies, ...defaultDenies], warnings: sortWarnings(warnings), blockedAttempts, excludedWorkloads };
}

/** Shared, memoised facts for one synthesis run. */
interface SynthesisContext {
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

function createContext(baseline: Baseline, cluster: ClusterState | undefined, options: SynthesisOptions): SynthesisContext {
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

/** Peers with the ports and edges that grant them, for one direction of one policy. */
class GrantSet {
  private readonly grants = new Map<string, { peer: V1NetworkPolicyPeer; label: string; ports: PortKey[]; edges: Edge[] }>();

  /** Allows `peer` on `ports`, because of `edges`. */
  add(key: string, peer: V1NetworkPolicyPeer, label: string, ports: readonly PortKey[], edges: readonly Edge[]): void {
    const grant = this.grants.get(key) ?? { peer, label, ports: [], edges: [] };
    grant.ports.push(...ports);
    grant.edges.push(...edges);
    this.grants.set(key, grant);
  }

  /**
   * Rules: peers that share the same set of ports share one rule. A rule admits every listed peer
   * on every listed port, so grouping by identical port sets keeps the policy exact.
   */
  rules(collapseRanges: boolean): { peers: V1NetworkPolicyPeer[]; ports: PortKey[]; labels: string[]; edges: Edge[]; policyPorts: ReturnType<typeof networkPolicyPorts> }[] {
    const bySignature = new Map<string, { keys: string[]; ports: PortKey[] }>();
    for (const [key, grant] of this.grants) {
      const ports = uniquePorts(grant.ports);
      const signature = ports.map(portLabel).join(',');
      const group = bySignature.get(signature) ?? { keys: [], ports };
      group.keys.push(key);
      bySignature.set(signature, group);
    }
    const rules = [...bySignature.values()].map((group) => {
      const keys = group.keys.sort(compareStrings);
      const grants = keys.map((key) => this.grants.get(key) as NonNullable<ReturnType<typeof this.grants.get>>);
      return {
        peers: grants.map((grant) => grant.peer),
        labels: grants.map((grant) => grant.label),
        ports: group.ports,
        policyPorts: networkPolicyPorts(group.ports, collapseRanges),
        edges: grants.flatMap((grant) => grant.edges),
        firstKey: keys[0] as string,
      };
    });
    return rules.sort((a, b) => compareStrings(a.firstKey, b.firstKey));
  }
}

/** A direction left unisolated, and why. */
interface OpenDirection {
  readonly reason: string;
  readonly code: SynthesisWarning['code'];
  readonly edges: readonly Edge[];
}

/** A policy before it has a name. */
interface PolicyDraft {
  readonly selector?: LabelSelector;
  readonly ingress?: GrantSet;
  readonly egress?: GrantSet;
  readonly warnings: SynthesisWarning[];
}

function draftPolicy(subject: KnownWorkload, inbound: readonly Edge[], outbound: readonly Edge[], context: SynthesisContext): PolicyDraft {
  const { options } = context;
  const warnings: SynthesisWarning[] = [];
  const selection = context.selection(subject.id);
  if (!selection.ok) {
    warnings.push({
      code: 'unselectable-workload',
      severity: 'warning',
      workload: subject.id,
      message: `no policy for ${subject.id}: ${selection.reason}${selection.conflicts.length ? ` (would also select ${selection.conflicts.join(', ')})` : ''}`,
    });
    return { warnings };
  }
  if (selection.narrowed) {
    warnings.push({
      code: 'unselectable-workload',
      severity: 'info',
      workload: subject.id,
      message: `the selector of ${subject.id} was narrowed with extra pod labels so it selects no other workload's pods (rule 6)`,
    });
  }

  const ingress = new GrantSet();
  const egress = new GrantSet();
  const ingressOpen: OpenDirection[] = [];
  const egressOpen: OpenDirection[] = [];
  const icmp: Edge[] = [];
  const worldIngress: Edge[] = [];
  const worldEgress: Edge[] = [];

  for (const edge of inbound) {
    if (edge.port === undefined || !isPortProtocol(edge.protocol)) {
      icmp.push(edge);
      continue;
    }
    const port = resolvePort(subject, edge.protocol, edge.port, context, warnings, edge);
    const source = edge.source;
    switch (source.kind) {
      case 'workload': {
        const peer = workloadPeer(source, subject.namespace, context);
        if (peer === undefined) ingressOpen.push(unselectablePeerOpening(source, edge));
        else ingress.add(`w:${peerId(source)}`, peer, peerId(source), [port], [edge]);
        break;
      }
      case 'world':
        worldIngress.push(edge);
        break;
      case 'host':
        // Traffic from a pod's own node (kubelet probes) is always allowed by the API: no rule.
        break;
      case 'node':
        if (options.nodeCidrs.length > 0) addNodeCidrs(ingress, options.nodeCidrs, port, edge);
        else ingressOpen.push({ code: 'node-traffic', reason: 'it receives traffic from other nodes (NodePort with externalTrafficPolicy: Cluster, health checks)', edges: [edge] });
        break;
      case 'apiserver':
        for (const cidr of apiserverCidrs(edge, context)) ingress.add(`c:${cidr}`, { ipBlock: { cidr } }, `apiserver:${cidr}`, [port], [edge]);
        break;
    }
  }
  addWorldIngress(ingress, worldIngress, subject, context, warnings);

  for (const edge of outbound) {
    if (edge.port === undefined || !isPortProtocol(edge.protocol)) {
      icmp.push(edge);
      continue;
    }
    const destination = edge.destination;
    switch (destination.kind) {
      case 'workload': {
        const peer = workloadPeer(destination, subject.namespace, context);
        const port = resolvePort(context.known(peerId(destination)), edge.protocol, edge.port, context, warnings, edge);
        if (peer === undefined) egressOpen.push(unselectablePeerOpening(destination, edge));
        else egress.add(`w:${peerId(destination)}`, peer, peerId(destination), [port], [edge]);
        break;
      }
      case 'world':
        worldEgress.push(edge);
        break;
      case 'host':
      case 'node': {
        if (destination.ip !== undefined && context.dns.nodeLocalAddresses.includes(destination.ip) && edge.port === 53) break; // the DNS rule covers it
        const port = { protocol: edge.protocol, port: edge.port };
        if (options.nodeCidrs.length > 0) addNodeCidrs(egress, options.nodeCidrs, port, edge);
        else
          egressOpen.push({
            code: destination.kind === 'host' ? 'host-traffic' : 'node-traffic',
            reason: `it sends traffic to ${destination.kind === 'host' ? 'its node or a host-network pod' : 'another node'}, which no selector can name`,
            edges: [edge],
          });
        break;
      }
      case 'apiserver': {
        const ports = context.apiserver?.ports ?? [{ protocol: edge.protocol, port: edge.port }];
        for (const cidr of apiserverCidrs(edge, context)) egress.add(`c:${cidr}`, { ipBlock: { cidr } }, `apiserver:${cidr}`, ports, [edge]);
        break;
      }
    }
  }
  addWorldEgress(egress, worldEgress, context);
  if (egressOpen.length === 0) addDns(egress, context, subject, warnings, egressOpen);

  warnings.push(...openingWarnings(subject, 'ingress', ingressOpen), ...openingWarnings(subject, 'egress', egressOpen));
  if (icmp.length > 0) {
    warnings.push({
      code: 'icmp-not-expressible',
      severity: 'warning',
      workload: subject.id,
      message: `${subject.id} exchanges ICMP, which NetworkPolicy cannot express: an isolated direction blocks it`,
      edges: icmp.map(edgeEvidence),
    });
  }
  if (inbound.some((edge) => edge.source.kind === 'apiserver') || outbound.some((edge) => edge.destination.kind === 'apiserver')) {
    warnings.push({
      code: 'apiserver-cilium',
      severity: 'info',
      workload: subject.id,
      message: `${subject.id} talks to the API server: allowed by an ipBlock of its endpoints (rule 12); Cilium cannot match the API server with a NetworkPolicy ipBlock, use a CiliumNetworkPolicy toEntities: kube-apiserver there`,
    });
  }
  if (ingressOpen.length > 0 && egressOpen.length > 0) {
    warnings.push({
      code: 'both-directions-open',
      severity: 'warning',
      workload: subject.id,
      message: `no policy for ${subject.id}: both its ingress and its egress must stay unisolated`,
    });
    return { warnings };
  }
  return {
    selector: selection.selector,
    ...(ingressOpen.length === 0 ? { ingress } : {}),
    ...(egressOpen.length === 0 ? { egress } : {}),
    warnings,
  };
}

function resolvePort(
  destination: KnownWorkload,
  protocol: PortProtocol,
  port: number,
  context: SynthesisContext,
  warnings: SynthesisWarning[],
  edge: Edge,
): PortKey {
  const resolved = listenerPort(destination, protocol, port, context.cluster);
  if (resolved.viaService !== undefined) {
    warnings.push({
      code: 'service-port-translated',
      severity: 'info',
      workload: destination.id,
      message: `${protocol}/${port} is a port of Service ${resolved.viaService}; the rule names the pods' port ${protocol}/${resolved.port} (rule 8)`,
      edges: [edgeEvidence(edge)],
    });
  }
  return { protocol, port: resolved.port };
}

/** `podSelector`, with `namespaceSelector` in the same element when in another namespace (rule 7). */
function workloadPeer(peer: WorkloadPeer, policyNamespace: string, context: SynthesisContext): V1NetworkPolicyPeer | undefined {
  const selection = context.selection(peerId(peer));
  if (!selection.ok) return undefined;
  return selectorPeer(peer.namespace, selection.selector, policyNamespace);
}

function selectorPeer(namespace: string, selector: LabelSelector, policyNamespace: string): V1NetworkPolicyPeer {
  const podSelector = toV1Selector(selector);
  if (namespace === policyNamespace) return { podSelector };
  return { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } }, podSelector };
}

function toV1Selector(selector: LabelSelector): V1LabelSelector {
  return {
    ...(selector.matchLabels && Object.keys(selector.matchLabels).length > 0 ? { matchLabels: { ...selector.matchLabels } } : {}),
    ...(selector.matchExpressions && selector.matchExpressions.length > 0
      ? {
          matchExpressions: selector.matchExpressions.map((requirement) => ({
            key: requirement.key,
            operator: requirement.operator,
            ...(requirement.values ? { values: [...requirement.values].sort(compareStrings) } : {}),
          })),
        }
      : {}),
  };
}

function unselectablePeerOpening(peer: WorkloadPeer, edge: Edge): OpenDirection {
  return {
    code: 'unselectable-peer',
    reason: `its peer ${peerId(peer)} cannot be selected without also admitting another workload (rule 6)`,
    edges: [edge],
  };
}

function addNodeCidrs(grants: GrantSet, nodeCidrs: readonly string[], port: PortKey, edge: Edge): void {
  for (const cidr of sortCidrs(nodeCidrs)) grants.add(`c:${cidr}`, { ipBlock: { cidr } }, `node:${cidr}`, [port], [edge]);
}

function apiserverCidrs(edge: Edge, context: SynthesisContext): string[] {
  const peer = edge.source.kind === 'apiserver' ? edge.source : edge.destination;
  const addresses = context.apiserver?.addresses ?? (peer.kind === 'apiserver' && peer.ip ? [peer.ip] : []);
  return sortCidrs(addresses.map(hostCidr));
}

/** Ingress from the internet: on the observed ports only, flagged as internet-exposed (rule 13). */
function addWorldIngress(grants: GrantSet, edges: readonly Edge[], subject: KnownWorkload, context: SynthesisContext, warnings: SynthesisWarning[]): void {
  if (edges.length === 0) return;
  const addresses = edges.flatMap((edge) => (edge.source.kind === 'world' && edge.source.ip ? [edge.source.ip] : []));
  if (context.options.worldIngress === 'observed') {
    for (const edge of edges) {
      if (edge.source.kind !== 'world' || edge.source.ip === undefined || edge.port === undefined || !isPortProtocol(edge.protocol)) continue;
      const cidr = hostCidr(edge.source.ip);
      grants.add(`c:${cidr}`, { ipBlock: { cidr } }, `world:${cidr}`, [{ protocol: edge.protocol, port: edge.port }], [edge]);
    }
  } else {
    const ports = edges.flatMap((edge) => (edge.port !== undefined && isPortProtocol(edge.protocol) ? [{ protocol: edge.protocol, port: edge.port }] : []));
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
  const ports = uniquePorts(edges.flatMap((edge) => (edge.port !== undefined && isPortProtocol(edge.protocol) ? [{ protocol: edge.protocol, port: edge.port }] : [])));
  warnings.push({
    code: 'internet-exposed',
    severity: 'warning',
    workload: subject.id,
    message: `${subject.id} is internet-exposed on ${ports.map(portLabel).join(', ')}: ${new Set(addresses).size} external client address(es) observed`,
    edges: edges.map(edgeEvidence),
  });
}

/** Egress to external addresses: single addresses, folded past a count per prefix (rule 13). */
function addWorldEgress(grants: GrantSet, edges: readonly Edge[], context: SynthesisContext): void {
  const byPorts = new Map<string, { ports: PortKey[]; ips: string[]; edges: Edge[] }>();
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
    const group = byPorts.get(signature) ?? { ports, ips: [], edges: [] };
    group.ips.push(ip);
    group.edges.push(...entry.edges);
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
    for (const cidr of cidrs) {
      const edgesInCidr = group.edges.filter((edge) => edge.destination.kind === 'world' && edge.destination.ip !== undefined && cidrCovers(cidr, edge.destination.ip));
      grants.add(`c:${cidr}`, { ipBlock: { cidr } }, `world:${cidr}`, group.ports, edgesInCidr);
    }
  }
}

function cidrCovers(cidr: string, ip: string): boolean {
  const [network = '', bits = '0'] = cidr.split('/');
  if (network.includes(':') !== ip.includes(':')) return false;
  return foldWorldAddresses([ip], { minAddresses: 1, prefixV4: Number(bits), prefixV6: Number(bits), protectedRanges: [] })[0] === cidr;
}

/** The cluster DNS on UDP and TCP 53 (and observed DNS ports), for every egress-isolated workload (rule 10). */
function addDns(grants: GrantSet, context: SynthesisContext, subject: KnownWorkload, warnings: SynthesisWarning[], egressOpen: OpenDirection[]): void {
  const { dns } = context;
  if (dns.fallback) {
    grants.add(
      `w:dns-fallback`,
      selectorPeer(FALLBACK_DNS.namespace, { matchLabels: FALLBACK_DNS.labels }, subject.namespace),
      `${FALLBACK_DNS.namespace}/k8s-app=kube-dns`,
      dns.ports,
      [],
    );
    warnings.push({
      code: 'dns-fallback',
      severity: 'warning',
      workload: subject.id,
      message: `neither the cluster state nor the flows showed the cluster DNS; ${subject.id} may reach pods labelled k8s-app: kube-dns in kube-system on port 53 (rule 10 fallback)`,
    });
  }
  for (const id of dns.workloads) {
    const known = context.known(id);
    const peer = workloadPeer({ kind: 'workload', namespace: known.namespace, workload: known.workload }, subject.namespace, context);
    if (peer === undefined) {
      egressOpen.push({ code: 'unselectable-peer', reason: `the DNS workload ${id} cannot be selected safely (rule 6)`, edges: [] });
      continue;
    }
    grants.add(`w:${id}`, peer, id, dns.ports, []);
  }
  for (const address of dns.nodeLocalAddresses) {
    const cidr = hostCidr(address);
    grants.add(`c:${cidr}`, { ipBlock: { cidr } }, `node-local-dns:${cidr}`, dns.ports, []);
  }
}

function openingWarnings(subject: KnownWorkload, direction: Direction, openings: readonly OpenDirection[]): SynthesisWarning[] {
  const byCode = groupBy(openings, (opening) => opening.code);
  return [...byCode.entries()].map(([code, group]) => ({
    code: code as SynthesisWarning['code'],
    severity: 'warning' as const,
    workload: subject.id,
    message: `${direction} of ${subject.id} stays unisolated: ${[...new Set(group.map((opening) => opening.reason))].join('; ')}`,
    edges: group.flatMap((opening) => opening.edges).map(edgeEvidence),
  }));
}

function nameAndBuild(drafts: readonly { subject: KnownWorkload; draft: PolicyDraft }[], context: SynthesisContext): PolicyPlan[] {
  const byNamespace = groupBy(drafts, (entry) => entry.subject.namespace);
  const plans: PolicyPlan[] = [];
  for (const [namespace, entries] of byNamespace) {
    const names = policyNamesForNamespace(entries.map((entry) => entry.subject.workload));
    for (const { subject, draft } of entries) {
      const name = names.get(`${subject.workload.kind}/${subject.workload.name}`) as string;
      plans.push(buildPlan(namespace, name, subject, draft, context));
    }
  }
  return plans.sort((a, b) => compareStrings(a.namespace, b.namespace) || compareStrings(a.name, b.name));
}

function buildPlan(namespace: string, name: string, subject: KnownWorkload, draft: PolicyDraft, context: SynthesisContext): PolicyPlan {
  const collapse = context.options.collapsePortRanges;
  const ingressRules = draft.ingress?.rules(collapse) ?? [];
  const egressRules = draft.egress?.rules(collapse) ?? [];
  const rules: RuleEvidence[] = [
    ...ingressRules.map((rule, index) => ruleEvidence('ingress', index, rule)),
    ...egressRules.map((rule, index) => ruleEvidence('egress', index, rule)),
  ];
  const policyTypes = [...(draft.ingress ? ['Ingress'] : []), ...(draft.egress ? ['Egress'] : [])];
  const ingress: V1NetworkPolicyIngressRule[] = ingressRules.map((rule) => ({ _from: rule.peers, ports: rule.policyPorts }));
  const egress: V1NetworkPolicyEgressRule[] = egressRules.map((rule) => ({ to: rule.peers, ports: rule.policyPorts }));
  const observedEdges = new Set([...ingressRules, ...egressRules].flatMap((rule) => rule.edges)).size;
  const policy: V1NetworkPolicy = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name,
      namespace,
      labels: { ...MANAGED_BY_LABEL },
      annotations: {
        [WORKLOAD_ANNOTATION]: `${subject.workload.kind}/${subject.workload.name}`,
        [EVIDENCE_ANNOTATION]: `${ingressRules.length} ingress and ${egressRules.length} egress rule(s) from ${observedEdges} observed edge(s); see report.json`,
      },
    },
    spec: {
      podSelector: toV1Selector((draft.selector ?? {}) as LabelSelector),
      policyTypes,
      ...(draft.ingress && ingress.length > 0 ? { ingress } : {}),
      ...(draft.egress && egress.length > 0 ? { egress } : {}),
    },
  };
  const observation = context.observations.get(subject.id);
  return {
    namespace,
    name,
    workload: subject.id,
    policy,
    rules,
    ...(observation
      ? {
          window: {
            firstSeen: new Date(observation.firstSeen).toISOString(),
            lastSeen: new Date(observation.lastSeen).toISOString(),
            hours: Math.round(((observation.lastSeen - observation.firstSeen) / 3_600_000) * 10) / 10,
          },
        }
      : {}),
  };
}

function ruleEvidence(direction: Direction, index: number, rule: { labels: string[]; ports: PortKey[]; edges: Edge[] }): RuleEvidence {
  const unique = [...new Set(rule.edges)];
  return {
    direction,
    index,
    peers: rule.labels,
    ports: rule.ports.map(portLabel),
    edges: unique.map(edgeEvidence).sort((a, b) => compareStrings(`${a.source}|${a.destination}|${a.port}`, `${b.source}|${b.destination}|${b.port}`)),
  };
}

function windowWarnings(policies: readonly PolicyPlan[], options: SynthesisOptions): SynthesisWarning[] {
  const minHours = options.minWindowMs / 3_600_000;
  return policies
    .filter((plan) => plan.window !== undefined && plan.window.hours < minHours)
    .map((plan) => ({
      code: 'short-observation-window' as const,
      severity: 'warning' as const,
      ...(plan.workload ? { workload: plan.workload } : {}),
      message: `${plan.workload} was observed for ${plan.window?.hours}h, less than ${minHours}h: traffic it makes rarely (nightly jobs, failover) may be missing; apply refuses it (rule 16)`,
    }));
}

/** A per-namespace default deny, only where every workload has its own policy isolating both directions (rule 18). */
function defaultDenyPolicies(plans: readonly PolicyPlan[], context: SynthesisContext, warnings: SynthesisWarning[]): PolicyPlan[] {
  const covered = new Set(plans.filter((plan) => plan.policy.spec?.policyTypes?.length === 2).map((plan) => plan.workload));
  const namespaces = [...new Set(plans.map((plan) => plan.namespace))].sort(compareStrings);
  const result: PolicyPlan[] = [];
  for (const namespace of namespaces) {
    const missing = (context.catalog.byNamespace.get(namespace) ?? []).filter((known) => !covered.has(known.id)).map((known) => known.id);
    if (missing.length > 0) {
      warnings.push({
        code: 'default-deny-skipped',
        severity: 'info',
        message: `no default-deny for namespace ${namespace}: ${missing.join(', ')} ${missing.length === 1 ? 'has' : 'have'} no policy isolating both directions`,
      });
      continue;
    }
    result.push({
      namespace,
      name: DEFAULT_DENY_POLICY_NAME,
      policy: {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: {
          name: DEFAULT_DENY_POLICY_NAME,
          namespace,
          labels: { ...MANAGED_BY_LABEL },
          annotations: { [EVIDENCE_ANNOTATION]: 'every workload in this namespace has its own Palisade policy; apply after them' },
        },
        spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
      },
      rules: [],
    });
  }
  return result;
}

function sortWarnings(warnings: readonly SynthesisWarning[]): SynthesisWarning[] {
  return [...warnings].sort(
    (a, b) => compareStrings(a.workload ?? '', b.workload ?? '') || compareStrings(a.code, b.code) || compareStrings(a.message, b.message),
  );
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (key === undefined) continue;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [item]);
    else group.push(item);
  }
  return groups;
}

export type { EdgeEvidence };

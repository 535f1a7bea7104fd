import type { V1NetworkPolicy, V1NetworkPolicyEgressRule, V1NetworkPolicyIngressRule } from '@kubernetes/client-node';
import type { ClusterState, LabelSelector, PortProtocol } from '@palisade/collector';
import { isPortProtocol } from '@palisade/collector';
import type { Baseline, Edge, WorkloadPeer } from '@palisade/baseliner';
import { compareStrings, peerId, teachingFlows } from '@palisade/baseliner';
import { RefusedError } from '../errors.js';
import { defaultDenyPolicies } from './default-deny.js';
import { FALLBACK_DNS } from './dns-servers.js';
import { GrantSet } from './grant-set.js';
import { listenerPort } from './listener-port.js';
import { EVIDENCE_ANNOTATION, MANAGED_BY_LABEL, WORKLOAD_ANNOTATION } from './policy-labels.js';
import { selectorPeer, toV1Selector, workloadPeer } from './policy-peers.js';
import type { PortKey } from './policy-ports.js';
import { portLabel } from './policy-ports.js';
import { policyNamesForNamespace } from './policy-name.js';
import type { SynthesisContext } from './synthesis-context.js';
import { createContext } from './synthesis-context.js';
import type { SynthesisOptions } from './synthesis-options.js';
import type { Direction, PolicyPlan, RuleEvidence, SynthesisResult, SynthesisWarning } from './synthesis-result.js';
import { edgeEvidence } from './synthesis-result.js';
import type { KnownWorkload } from './workload-catalog.js';
import { addWorldEgress, addWorldIngress } from './world-peers.js';
import { hostCidr, sortCidrs } from './world-cidrs.js';

export { EVIDENCE_ANNOTATION, MANAGED_BY_LABEL, WORKLOAD_ANNOTATION } from './policy-labels.js';

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


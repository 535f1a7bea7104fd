import type { Edge } from '@palisade/baseliner';
import type { LabelSelector } from '@palisade/collector';
import type { DirectionGrants, Drafting, OpenDirection } from './direction-grants.js';
import { directionGrants } from './direction-grants.js';
import { FALLBACK_DNS } from './dns-servers.js';
import type { GrantSet } from './grant-set.js';
import { groupBy } from './group-by.js';
import { selectorPeer, workloadPeer } from './policy-peers.js';
import type { SynthesisContext } from './synthesis-context.js';
import type { Direction, SynthesisWarning } from './synthesis-result.js';
import { edgeEvidence } from './synthesis-result.js';
import type { KnownWorkload } from './workload-catalog.js';
import { hostCidr } from './world-cidrs.js';

/** A policy before it has a name: its selector and the grants of each direction it isolates. */
export interface PolicyDraft {
  /** Undefined when the workload gets no policy (the warnings say why). */
  readonly selector?: LabelSelector;
  readonly ingress?: GrantSet;
  readonly egress?: GrantSet;
  readonly warnings: SynthesisWarning[];
}

/**
 * Drafts the policy of one workload from the edges it receives (`inbound`) and sends
 * (`outbound`): a direction is isolated unless something it carries cannot be named safely, and
 * a workload with both directions open gets no policy.
 */
export function draftPolicy(subject: KnownWorkload, inbound: readonly Edge[], outbound: readonly Edge[], context: SynthesisContext): PolicyDraft {
  const drafting: Drafting = { subject, context, warnings: [] };
  const { warnings } = drafting;
  const selector = subjectSelector(drafting);
  if (selector === undefined) return { warnings };

  const ingress = directionGrants('ingress', inbound, drafting);
  const egress = directionGrants('egress', outbound, drafting);
  if (egress.open.length === 0) addDns(egress, drafting);

  warnings.push(...openingWarnings(subject, 'ingress', ingress.open), ...openingWarnings(subject, 'egress', egress.open));
  warnings.push(...inexpressibleTrafficWarnings(subject, inbound, outbound, [...ingress.icmp, ...egress.icmp]));
  if (ingress.open.length > 0 && egress.open.length > 0) {
    warnings.push({
      code: 'both-directions-open',
      severity: 'warning',
      workload: subject.id,
      message: `no policy for ${subject.id}: both its ingress and its egress must stay unisolated`,
    });
    return { warnings };
  }
  return {
    selector,
    ...(ingress.open.length === 0 ? { ingress: ingress.grants } : {}),
    ...(egress.open.length === 0 ? { egress: egress.grants } : {}),
    warnings,
  };
}

/** The selector of the subject's pods, or undefined (with a warning) when none selects them alone (rules 5 and 6). */
function subjectSelector({ subject, context, warnings }: Drafting): LabelSelector | undefined {
  const selection = context.selection(subject.id);
  if (!selection.ok) {
    warnings.push({
      code: 'unselectable-workload',
      severity: 'warning',
      workload: subject.id,
      message: `no policy for ${subject.id}: ${selection.reason}${selection.conflicts.length ? ` (would also select ${selection.conflicts.join(', ')})` : ''}`,
    });
    return undefined;
  }
  if (selection.narrowed) {
    warnings.push({
      code: 'unselectable-workload',
      severity: 'info',
      workload: subject.id,
      message: `the selector of ${subject.id} was narrowed with extra pod labels so it selects no other workload's pods (rule 6)`,
    });
  }
  return selection.selector;
}

/** The cluster DNS on UDP and TCP 53 (and observed DNS ports), for every egress-isolated workload (rule 10). */
function addDns({ grants, open }: DirectionGrants, { subject, context, warnings }: Drafting): void {
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
      open.push({ code: 'unselectable-peer', reason: `the DNS workload ${id} cannot be selected safely (rule 6)`, edges: [] });
      continue;
    }
    grants.add(`w:${id}`, peer, id, dns.ports, []);
  }
  for (const address of dns.nodeLocalAddresses) {
    const cidr = hostCidr(address);
    grants.add(`c:${cidr}`, { ipBlock: { cidr } }, `node-local-dns:${cidr}`, dns.ports, []);
  }
}

/** One warning per reason code for a direction left unisolated. */
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

/** Traffic a NetworkPolicy cannot express everywhere: ICMP, and the API server on Cilium. */
function inexpressibleTrafficWarnings(subject: KnownWorkload, inbound: readonly Edge[], outbound: readonly Edge[], icmp: readonly Edge[]): SynthesisWarning[] {
  const warnings: SynthesisWarning[] = [];
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
  return warnings;
}

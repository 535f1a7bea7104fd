import type { AddressPeer, Edge, Peer, WorkloadPeer } from '@palisade/baseliner';
import { peerId } from '@palisade/baseliner';
import { isPortProtocol } from '@palisade/collector';
import { GrantSet } from './grant-set.js';
import { listenerPort } from './listener-port.js';
import { workloadPeer } from './policy-peers.js';
import type { PortKey } from './policy-ports.js';
import type { SynthesisContext } from './synthesis-context.js';
import type { Direction, SynthesisWarning } from './synthesis-result.js';
import { edgeEvidence } from './synthesis-result.js';
import type { KnownWorkload } from './workload-catalog.js';
import { addWorldEgress, addWorldIngress } from './world-peers.js';
import { hostCidr, sortCidrs } from './world-cidrs.js';

/** What drafting one workload's policy works with: the workload, the run's context, and the warnings it collects. */
export interface Drafting {
  readonly subject: KnownWorkload;
  readonly context: SynthesisContext;
  readonly warnings: SynthesisWarning[];
}

/** A reason one direction of a policy must stay unisolated, with the edges behind it. */
export interface OpenDirection {
  readonly reason: string;
  readonly code: SynthesisWarning['code'];
  readonly edges: readonly Edge[];
}

/** What one direction of a workload's policy grants, and what keeps it from being isolated. */
export interface DirectionGrants {
  readonly grants: GrantSet;
  /** Empty when the direction can be isolated. */
  readonly open: OpenDirection[];
  /** ICMP edges (no port), which NetworkPolicy cannot express. */
  readonly icmp: readonly Edge[];
}

/**
 * The grants of one direction: every observed edge is allowed by a rule naming its peer (the
 * source for ingress, the destination for egress) on the listener's port, or keeps the direction
 * unisolated when no rule can name the peer safely.
 */
export function directionGrants(direction: Direction, edges: readonly Edge[], drafting: Drafting): DirectionGrants {
  const { subject, context } = drafting;
  const grants = new GrantSet();
  const open: OpenDirection[] = [];
  const icmp: Edge[] = [];
  const world: Edge[] = [];
  for (const edge of edges) {
    if (edge.port === undefined || !isPortProtocol(edge.protocol)) {
      icmp.push(edge);
      continue;
    }
    const peer = direction === 'ingress' ? edge.source : edge.destination;
    const port = ruleListenerPort(direction, peer, { protocol: edge.protocol, port: edge.port }, edge, drafting);
    switch (peer.kind) {
      case 'workload': {
        const selected = workloadPeer(peer, subject.namespace, context);
        if (selected === undefined) open.push(unselectablePeerOpening(peer, edge));
        else grants.add(`w:${peerId(peer)}`, selected, peerId(peer), [port], [edge]);
        break;
      }
      case 'world':
        world.push(edge);
        break;
      case 'host':
      case 'node':
        addNodeTraffic(direction, peer, port, edge, grants, open, context);
        break;
      case 'apiserver': {
        // As the listener of egress, the API server is allowed on its endpoints' ports when they are known.
        const ports = direction === 'egress' ? (context.apiserver?.ports ?? [port]) : [port];
        for (const cidr of apiserverCidrs(edge, context)) grants.add(`c:${cidr}`, { ipBlock: { cidr } }, `apiserver:${cidr}`, ports, [edge]);
        break;
      }
    }
  }
  if (direction === 'ingress') addWorldIngress(grants, world, subject, context, drafting.warnings);
  else addWorldEgress(grants, world, context);
  return { grants, open, icmp };
}

/**
 * The port a rule names: the listener's. Ingress listens on the subject's pods and egress on a
 * workload peer's, where a Service port is translated to the pods' port (rule 8); any other
 * listener keeps the observed port.
 */
function ruleListenerPort(direction: Direction, peer: Peer, observed: PortKey, edge: Edge, drafting: Drafting): PortKey {
  if (direction === 'ingress') return resolvePort(drafting.subject, observed, edge, drafting);
  if (peer.kind === 'workload') return resolvePort(drafting.context.known(peerId(peer)), observed, edge, drafting);
  return observed;
}

function resolvePort(destination: KnownWorkload, observed: PortKey, edge: Edge, drafting: Drafting): PortKey {
  const { protocol, port } = observed;
  const resolved = listenerPort(destination, protocol, port, drafting.context.cluster);
  if (resolved.viaService !== undefined) {
    drafting.warnings.push({
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

/** Why node traffic keeps a direction open when no node CIDRs are given. */
function nodeOpening(direction: Direction, peer: AddressPeer, edge: Edge): OpenDirection {
  if (direction === 'ingress')
    return { code: 'node-traffic', reason: 'it receives traffic from other nodes (NodePort with externalTrafficPolicy: Cluster, health checks)', edges: [edge] };
  return {
    code: peer.kind === 'host' ? 'host-traffic' : 'node-traffic',
    reason: `it sends traffic to ${peer.kind === 'host' ? 'its node or a host-network pod' : 'another node'}, which no selector can name`,
    edges: [edge],
  };
}

/** Traffic with the pod's own node (`host`) or another node: allowed by the node CIDRs when they are given. */
function addNodeTraffic(
  direction: Direction,
  peer: AddressPeer,
  port: PortKey,
  edge: Edge,
  grants: GrantSet,
  open: OpenDirection[],
  context: SynthesisContext,
): void {
  // Traffic from a pod's own node (kubelet probes) is always allowed by the API: no rule.
  if (direction === 'ingress' && peer.kind === 'host') return;
  // Node-local DNS is covered by the DNS rule (rule 10).
  if (direction === 'egress' && peer.ip !== undefined && context.dns.nodeLocalAddresses.includes(peer.ip) && edge.port === 53) return;
  const { nodeCidrs } = context.options;
  if (nodeCidrs.length > 0) addNodeCidrs(grants, nodeCidrs, port, edge);
  else open.push(nodeOpening(direction, peer, edge));
}

function addNodeCidrs(grants: GrantSet, nodeCidrs: readonly string[], port: PortKey, edge: Edge): void {
  for (const cidr of sortCidrs(nodeCidrs)) grants.add(`c:${cidr}`, { ipBlock: { cidr } }, `node:${cidr}`, [port], [edge]);
}

function apiserverCidrs(edge: Edge, context: SynthesisContext): string[] {
  const peer = edge.source.kind === 'apiserver' ? edge.source : edge.destination;
  const addresses = context.apiserver?.addresses ?? (peer.kind === 'apiserver' && peer.ip ? [peer.ip] : []);
  return sortCidrs(addresses.map(hostCidr));
}

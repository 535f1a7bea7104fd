import type { Protocol } from '@palisade/collector';
import { compiledSelectorMatches } from './compiled-selector.js';
import type { ParsedIp } from './ip-block.js';
import { ipBlockMatches } from './ip-block.js';
import type { CompiledPeer, CompiledPolicy, CompiledRule, EvaluationModel, EvaluationPod } from './policy-model.js';
import { cachedIp, namespaceLabels, podIps, selectingPolicies } from './policy-model.js';
import { portsMatch } from './port-match.js';

/**
 * The exact NetworkPolicy decision for one connection, with the semantics of POLICY-RULES.md
 * "Evaluator semantics" and the Kubernetes docs
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/):
 *
 * - A connection is allowed only when the source's egress AND the destination's ingress allow it.
 *   A side that is not a pod (an external address, a node) has no policy, so only the pod side is
 *   checked.
 * - A pod is isolated for a direction when a policy of its namespace selects it with that direction
 *   in its (defaulted) `policyTypes`; unisolated, everything is allowed in that direction; isolated,
 *   the union of the rules of all selecting policies is allowed (there is no deny rule).
 * - Traffic between a pod and its own node is always allowed, and a pod cannot block itself.
 * - `ipBlock` matches by address, pod addresses included. The API says ipBlocks are meant for
 *   cluster-external addresses and leaves pod IPs to the implementation; Calico, Antrea, kube-router
 *   and OVN match pod IPs too, Cilium does not. Palisade never puts pod IPs in an ipBlock
 *   (rule 7), so the difference only shows on hand-written policies.
 * - Host-network pods are outside NetworkPolicy: they are evaluated as their node.
 */

/** One end of a connection. */
export type EvaluationEndpoint = PodEndpoint | AddressEndpoint | NodeEndpoint;

/** A pod; `ip` is the address the connection used (default: any of the pod's IPs). */
export interface PodEndpoint {
  readonly kind: 'pod';
  readonly pod: EvaluationPod;
  readonly ip?: string;
}

/** An address outside the pod network (internet, API server, unknown), matched only by ipBlocks. */
export interface AddressEndpoint {
  readonly kind: 'address';
  readonly ip?: string;
}

/**
 * A node. It is the pod's own node when `local` is true (a flow log's `host`: the node the
 * observing agent runs on, which is the pod's) or when `name` equals the pod's node; otherwise it
 * is just an address.
 */
export interface NodeEndpoint {
  readonly kind: 'node';
  readonly name?: string;
  readonly ip?: string;
  readonly local?: boolean;
}

/** A connection attempt, oriented from initiator to listener. */
export interface Connection {
  readonly source: EvaluationEndpoint;
  readonly destination: EvaluationEndpoint;
  readonly protocol: Protocol;
  /** Listener port; absent for ICMP. */
  readonly port?: number;
}

/** The rule that allowed one side. */
export interface RuleRef {
  readonly namespace: string;
  readonly policy: string;
  readonly direction: 'ingress' | 'egress';
  /** Index in `spec.ingress` / `spec.egress`. */
  readonly rule: number;
}

/** Why one side (egress of the source, ingress of the destination) allowed or denied. */
export type SideVerdict =
  | { readonly allowed: true; readonly reason: 'not-a-pod' | 'host-network' | 'not-isolated' | 'own-node' | 'self' }
  | { readonly allowed: true; readonly reason: 'rule'; readonly by: RuleRef }
  | {
      readonly allowed: false;
      readonly reason: 'no-matching-rule';
      /** `namespace/name` of the policies that isolate the pod in this direction. */
      readonly isolatedBy: readonly string[];
    };

/** Which side denied a connection. */
export type DenyingSide = 'egress' | 'ingress' | 'both';

/** The decision for one connection. */
export interface Decision {
  readonly allowed: boolean;
  /** The source's egress. */
  readonly egress: SideVerdict;
  /** The destination's ingress. */
  readonly ingress: SideVerdict;
  /** Set when denied. */
  readonly deniedBy?: DenyingSide;
}

const NOT_A_POD: SideVerdict = Object.freeze({ allowed: true, reason: 'not-a-pod' });
const HOST_NETWORK: SideVerdict = Object.freeze({ allowed: true, reason: 'host-network' });
const NOT_ISOLATED: SideVerdict = Object.freeze({ allowed: true, reason: 'not-isolated' });
const OWN_NODE: SideVerdict = Object.freeze({ allowed: true, reason: 'own-node' });
const SELF: SideVerdict = Object.freeze({ allowed: true, reason: 'self' });

/** Host-network pods take the node's identity: NetworkPolicy does not apply to them. */
function effectiveEndpoint(endpoint: EvaluationEndpoint): EvaluationEndpoint {
  if (endpoint.kind === 'pod' && endpoint.pod.hostNetwork === true) {
    const ip = endpoint.ip ?? endpoint.pod.ips[0];
    return { kind: 'node', ...(endpoint.pod.node === undefined ? {} : { name: endpoint.pod.node }), ...(ip === undefined ? {} : { ip }) };
  }
  return endpoint;
}

function isOwnNode(pod: EvaluationPod, peer: EvaluationEndpoint): boolean {
  if (peer.kind !== 'node') return false;
  return peer.local === true || (peer.name !== undefined && peer.name === pod.node);
}

function endpointIps(model: EvaluationModel, endpoint: EvaluationEndpoint): readonly ParsedIp[] {
  if (endpoint.kind === 'pod' && endpoint.ip === undefined) return podIps(model, endpoint.pod);
  if (endpoint.ip === undefined) return [];
  const parsed = cachedIp(model, endpoint.ip);
  return parsed === undefined ? [] : [parsed];
}

/** True when the peer element matches the other end of the connection (shared with `connectivity.ts`). */
export function peerMatches(model: EvaluationModel, policy: CompiledPolicy, peer: CompiledPeer, other: EvaluationEndpoint): boolean {
  if (peer.kind === 'ipBlock') {
    for (const ip of endpointIps(model, other)) if (ipBlockMatches(peer.block, ip)) return true;
    return false;
  }
  // Selectors only ever match pods.
  if (other.kind !== 'pod') return false;
  const pod = other.pod;
  if (peer.namespaceSelector === undefined) {
    // No namespaceSelector: pods of the policy's own namespace only.
    if (pod.namespace !== policy.namespace) return false;
  } else if (!peer.namespaceSelector.empty && !compiledSelectorMatches(peer.namespaceSelector, namespaceLabels(model, pod.namespace))) {
    return false;
  }
  // Both selectors in one element are ANDed; an absent podSelector means every pod.
  return peer.podSelector === undefined || compiledSelectorMatches(peer.podSelector, pod.labels);
}

function ruleMatches(
  model: EvaluationModel,
  policy: CompiledPolicy,
  rule: CompiledRule,
  other: EvaluationEndpoint,
  connection: Connection,
  destination: EvaluationEndpoint,
): boolean {
  const destinationPorts = destination.kind === 'pod' ? destination.pod.containerPorts : undefined;
  if (!portsMatch(rule.ports, connection.protocol, connection.port, destinationPorts)) return false;
  if (rule.peers === undefined) return true;
  // Peer elements are ORed.
  for (const peer of rule.peers) if (peerMatches(model, policy, peer, other)) return true;
  return false;
}

function side(
  model: EvaluationModel,
  direction: 'ingress' | 'egress',
  self: EvaluationEndpoint,
  other: EvaluationEndpoint,
  connection: Connection,
  destination: EvaluationEndpoint,
): SideVerdict {
  if (self.kind !== 'pod') return NOT_A_POD;
  const pod = self.pod;
  if (pod.hostNetwork === true) return HOST_NETWORK;
  if (isOwnNode(pod, other)) return OWN_NODE;
  if (other.kind === 'pod' && other.pod.namespace === pod.namespace && other.pod.name === pod.name) return SELF;
  const policies = selectingPolicies(model, pod)[direction];
  if (policies.length === 0) return NOT_ISOLATED;
  for (const policy of policies) {
    for (const rule of policy[direction] ?? []) {
      if (ruleMatches(model, policy, rule, other, connection, destination))
        return { allowed: true, reason: 'rule', by: { namespace: policy.namespace, policy: policy.name, direction, rule: rule.index } };
    }
  }
  return { allowed: false, reason: 'no-matching-rule', isolatedBy: policies.map((policy) => `${policy.namespace}/${policy.name}`) };
}

/**
 * Decides one connection: allowed only when the source's egress and the destination's ingress both
 * allow it. Each side names the first matching rule (policies in `namespace/name` order, rules in
 * spec order) or the policies that isolate it.
 */
export function evaluate(model: EvaluationModel, connection: Connection): Decision {
  const { source, destination } = connection;
  // The far end of each side is seen as the network sees it: a host-network pod as its node.
  const egress = side(model, 'egress', source, effectiveEndpoint(destination), connection, destination);
  const ingress = side(model, 'ingress', destination, effectiveEndpoint(source), connection, destination);
  if (egress.allowed && ingress.allowed) return { allowed: true, egress, ingress };
  const deniedBy: DenyingSide = !egress.allowed && !ingress.allowed ? 'both' : egress.allowed ? 'ingress' : 'egress';
  return { allowed: false, egress, ingress, deniedBy };
}

/** Shorthand for a pod endpoint of a pod in the model; undefined when the model has no such pod. */
export function podEndpoint(model: EvaluationModel, namespace: string, name: string): PodEndpoint | undefined {
  const pod = model.podsByName.get(`${namespace}/${name}`);
  return pod === undefined ? undefined : { kind: 'pod', pod };
}

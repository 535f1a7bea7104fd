import { peerMatches } from './evaluator.js';
import type { EvaluationEndpoint } from './evaluator.js';
import type { CidrRange } from './ip-block.js';
import type { EvaluationModel, EvaluationPod } from './policy-model.js';
import { selectingPolicies } from './policy-model.js';
import type { PortSet } from './port-set.js';
import { ALL_PORTS, intersectPorts, NO_PORTS, rulePortSet, unionPorts } from './port-set.js';

/**
 * What a policy set allows, as sets rather than one connection at a time (the question
 * `palisade diff` asks): every (protocol, port) one pod may open to another, and every
 * (address range, protocol, port) a pod may reach outside the pod network or be reached from.
 * Same semantics as {@link evaluate}: a side that is not isolated allows everything, an isolated
 * side allows the union of its matching rules, and a connection needs both sides.
 */

/** One address range of a family, `[start, end)`, and the ports allowed on it. */
export interface AddressRegion {
  readonly family: 4 | 6;
  readonly start: bigint;
  readonly end: bigint;
  readonly ports: PortSet;
}

/** The whole address space of a family, exclusive end. */
export function familyEnd(family: 4 | 6): bigint {
  return 1n << (family === 4 ? 32n : 128n);
}

function sidePorts(model: EvaluationModel, direction: 'ingress' | 'egress', self: EvaluationPod, other: EvaluationEndpoint, destination: EvaluationPod | undefined): PortSet {
  if (self.hostNetwork === true) return ALL_PORTS;
  const policies = selectingPolicies(model, self)[direction];
  if (policies.length === 0) return ALL_PORTS;
  let allowed = NO_PORTS;
  for (const policy of policies)
    for (const rule of policy[direction] ?? []) {
      if (rule.peers !== undefined && !rule.peers.some((peer) => peerMatches(model, policy, peer, other))) continue;
      allowed = unionPorts(allowed, rulePortSet(rule.ports, destination?.containerPorts));
      if (allowed === ALL_PORTS) return ALL_PORTS;
    }
  return allowed;
}

/** Every (protocol, port) the policies allow from `source` to `destination` (two pods, not the same pod). */
export function allowedPodPorts(model: EvaluationModel, source: EvaluationPod, destination: EvaluationPod): PortSet {
  const egress = sidePorts(model, 'egress', source, { kind: 'pod', pod: destination }, destination);
  if (egress === NO_PORTS) return NO_PORTS;
  return intersectPorts(egress, sidePorts(model, 'ingress', destination, { kind: 'pod', pod: source }, destination));
}

function bounds(range: CidrRange): readonly [bigint, bigint] {
  const start = BigInt(range.network);
  return [start, start + (1n << BigInt((range.family === 4 ? 32 : 128) - range.prefix))];
}

/**
 * The address ranges (outside the pod network or not: ipBlocks match by address) that `pod` may
 * reach (`egress`) or be reached from (`ingress`), each with its ports; overlapping regions add up.
 * Selector peers never match an address, so only ipBlocks and peer-less rules count. Named ports
 * resolve against the pod's own container ports for ingress and match nothing for egress to an
 * address.
 */
export function externalRegions(model: EvaluationModel, pod: EvaluationPod, direction: 'ingress' | 'egress'): AddressRegion[] {
  const everything = (ports: PortSet): AddressRegion[] => [
    { family: 4, start: 0n, end: familyEnd(4), ports },
    { family: 6, start: 0n, end: familyEnd(6), ports },
  ];
  if (pod.hostNetwork === true) return everything(ALL_PORTS);
  const policies = selectingPolicies(model, pod)[direction];
  if (policies.length === 0) return everything(ALL_PORTS);
  const regions: AddressRegion[] = [];
  for (const policy of policies)
    for (const rule of policy[direction] ?? []) {
      const ports = rulePortSet(rule.ports, direction === 'ingress' ? pod.containerPorts : undefined);
      if (rule.peers === undefined) {
        regions.push(...everything(ports));
        continue;
      }
      for (const peer of rule.peers) {
        if (peer.kind !== 'ipBlock') continue;
        const [start, end] = bounds(peer.block.range);
        // cidr minus its excepts, as disjoint intervals.
        const cuts = peer.block.except.map(bounds).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
        let from = start;
        for (const [cutStart, cutEnd] of cuts) {
          if (cutStart > from) regions.push({ family: peer.block.range.family, start: from, end: cutStart, ports });
          if (cutEnd > from) from = cutEnd;
        }
        if (from < end) regions.push({ family: peer.block.range.family, start: from, end, ports });
      }
    }
  return regions;
}

import { describeIssue } from '../zod-message.js';
import type { AdapterOutcome } from './adapter.js';
import type { ConnectionTracker, Direction } from './connection-tracker.js';
import type { PodInfo } from '../identity/cluster-state.js';
import { FlowSchema, isPortProtocol, type Endpoint, type FlowInput, type Protocol, type WorkloadRef } from '../flow/flow.js';
import type { IdentityResolver } from '../identity/identity-resolver.js';

/**
 * Pieces every adapter shares, written once: an IP turned into an Endpoint through the identity
 * resolver at the flow's time (the whole story for the formats that name endpoints only by address
 * — AWS VPC CNI, Calico felix syslog, Antrea audit log, NetObserv without enrichment — and Hubble's
 * fallback for endpoints it cannot name), a Service ClusterIP destination translated to the
 * backend's port (POLICY-RULES.md rule 8), the protocol names and ICMP types of the formats, and
 * the final FlowSchema check with the connection recorded. Nothing here guesses: what the cluster
 * state cannot answer comes back as a quarantine with the reason (rule 15).
 */

/** Quarantine reasons of IP resolution: fixed strings, so reports can count them. */
export const IP_ENDPOINT_REASONS = {
  noClusterState: 'address-only endpoint and no cluster state to resolve it',
  unknown: 'no pod or node held this address at the time of the flow',
  ambiguous: 'several pods may have held this address at the time of the flow',
  serviceUnresolved: 'Service ClusterIP destination does not resolve to one backend port and workload',
  servicePortUnknown: 'Service ClusterIP destination on a port the Service does not expose',
} as const;

/** An endpoint, or why there is none. */
export type EndpointResolution =
  | { readonly ok: true; readonly endpoint: Endpoint }
  | { readonly ok: false; readonly reason: string };

/** A pod as a Flow endpoint, with its cluster-state labels and workload. */
export function podEndpoint(pod: PodInfo, ip: string | undefined): Endpoint {
  return {
    kind: 'pod',
    ...(ip !== undefined ? { ip } : {}),
    namespace: pod.namespace,
    pod: pod.name,
    ...(pod.uid !== undefined ? { uid: pod.uid } : {}),
    labels: { ...pod.labels },
    workload: pod.workload,
    ...(pod.node !== undefined ? { node: pod.node } : {}),
  };
}

/** A pod the record names itself: what the record says, and what it cannot say. */
export interface NamedPod {
  readonly ip: string;
  readonly namespace: string;
  readonly pod: string;
  /** The labels to carry; none when neither the record nor the cluster state has them. */
  readonly labels?: Readonly<Record<string, string>> | undefined;
  readonly workload: WorkloadRef;
  /** The node the record names, used when the cluster state does not know the pod's node. */
  readonly node?: string | undefined;
}

/**
 * A pod named by the record as a Flow endpoint, completed by `known`, the cluster state's pod of
 * that name (its uid, and its node before the record's).
 */
export function namedPodEndpoint(named: NamedPod, known: PodInfo | undefined): Endpoint {
  const node = known?.node ?? named.node;
  return {
    kind: 'pod',
    ip: named.ip,
    namespace: named.namespace,
    pod: named.pod,
    ...(known?.uid !== undefined ? { uid: known.uid } : {}),
    ...(named.labels !== undefined ? { labels: named.labels } : {}),
    workload: named.workload,
    ...(node !== undefined ? { node } : {}),
  };
}

/**
 * The endpoint that held `ip` at `time`: a pod, or a node (host-network pods share their node's
 * address). `fallback` is used for an address the cluster state does not know, when the format
 * itself says what such an address is (e.g. NetObserv enriches every cluster address, so one it
 * left bare is outside the cluster); without it the address is quarantined, never guessed.
 */
export function endpointForIp(
  resolver: IdentityResolver | undefined,
  ip: string,
  time: number,
  fallback?: Endpoint,
): EndpointResolution {
  if (resolver === undefined)
    return fallback !== undefined ? { ok: true, endpoint: fallback } : { ok: false, reason: IP_ENDPOINT_REASONS.noClusterState };
  const resolution = resolver.resolveIp(ip, time);
  switch (resolution.kind) {
    case 'pod':
      return { ok: true, endpoint: podEndpoint(resolution.pod, ip) };
    case 'node':
      return { ok: true, endpoint: { kind: 'node', ip, ...(resolution.node !== undefined ? { node: resolution.node } : {}) } };
    case 'ambiguous':
      return { ok: false, reason: IP_ENDPOINT_REASONS.ambiguous };
    case 'unknown':
      return fallback !== undefined ? { ok: true, endpoint: fallback } : { ok: false, reason: IP_ENDPOINT_REASONS.unknown };
  }
}

/** A destination that was a Service ClusterIP, seen as NetworkPolicy sees it. */
export interface TranslatedDestination {
  readonly endpoint: Endpoint;
  /** The backend pods' port (rule 8). */
  readonly port: number;
  /** `namespace/name` of the Service the initiator addressed. */
  readonly serviceName: string;
}

/**
 * Translates a destination that is a Service ClusterIP (a pre-DNAT observation) into the backend
 * workload and port. `undefined` when `ip` is no ClusterIP (or there is no resolver, or the protocol
 * has no ports); a failed resolution when the Service cannot be tied to one port and workload.
 */
export function translateServiceDestination(
  resolver: IdentityResolver | undefined,
  ip: string,
  port: number | undefined,
  protocol: Protocol,
  time: number,
): { readonly ok: true; readonly value: TranslatedDestination } | { readonly ok: false; readonly reason: string } | undefined {
  if (resolver === undefined || port === undefined || !isPortProtocol(protocol) || !resolver.isServiceIp(ip)) return undefined;
  const translation = resolver.translateService(ip, port, protocol, time);
  if (translation === undefined) return { ok: false, reason: IP_ENDPOINT_REASONS.servicePortUnknown };
  if (translation.targetPort === undefined || translation.backend === undefined) return { ok: false, reason: IP_ENDPOINT_REASONS.serviceUnresolved };
  return {
    ok: true,
    value: {
      endpoint: podEndpoint(translation.backend, ip),
      port: translation.targetPort,
      serviceName: `${translation.service.namespace}/${translation.service.name}`,
    },
  };
}

/**
 * The last gate before a flow leaves an adapter: FlowSchema, so a record that slipped past the
 * format's own checks (a hostile label, a name that is no DNS name) is a dead letter naming the
 * field, never an invalid Flow.
 */
export function checkFlow(candidate: FlowInput): AdapterOutcome {
  const checked = FlowSchema.safeParse(candidate);
  if (checked.success) return { kind: 'flow', flow: checked.data };
  return { kind: 'dead-letter', reason: describeIssue(checked.error) };
}

/** A listener a connection adapter may remember: the destination of a connection whose direction is known. */
export interface ListenerSeen {
  readonly ip: string;
  readonly protocol: Protocol;
  readonly port: number | undefined;
}

/**
 * The last step of a connection adapter: {@link checkFlow}, and when the record is a flow, its
 * connection recorded in `tracker` under `key` (so later records of it are skipped) and, when
 * given, its listener remembered (only for directions that were not guessed from port ranges).
 */
export function emitFlow(candidate: FlowInput, tracker: ConnectionTracker, key: string, listener?: ListenerSeen): AdapterOutcome {
  const outcome = checkFlow(candidate);
  if (outcome.kind === 'flow') {
    tracker.observe(key, candidate.time, candidate.verdict === 'denied');
    if (listener !== undefined) tracker.learnListener(listener.ip, listener.protocol, listener.port);
  }
  return outcome;
}

/** IANA protocol numbers of the protocols a Flow can carry. */
export function protocolFromNumber(value: number): Protocol | undefined {
  switch (value) {
    case 6:
      return 'TCP';
    case 17:
      return 'UDP';
    case 132:
      return 'SCTP';
    case 1:
      return 'ICMPv4';
    case 58:
      return 'ICMPv6';
    default:
      return undefined;
  }
}

/**
 * A protocol named as the flow-log formats write it (`TCP`, `udp`, `ICMP`, `IPv6-ICMP`, `icmp6`,
 * or an IANA number), whatever the case. Plain `ICMP` is ICMPv6 when the addresses are IPv6:
 * the AWS agent and Antrea's audit log name both families `ICMP`.
 */
export function protocolFromName(name: string, ipv6 = false): Protocol | undefined {
  switch (name.toLowerCase()) {
    case 'tcp':
      return 'TCP';
    case 'udp':
      return 'UDP';
    case 'sctp':
      return 'SCTP';
    case 'icmp':
      return ipv6 ? 'ICMPv6' : 'ICMPv4';
    case 'icmp6':
    case 'icmpv6':
    case 'ipv6-icmp':
      return 'ICMPv6';
    default:
      return /^\d+$/.test(name) ? protocolFromNumber(Number(name)) : undefined;
  }
}

/** Whether a protocol has no ports (ICMP). */
export function isIcmp(protocol: Protocol): boolean {
  return protocol === 'ICMPv4' || protocol === 'ICMPv6';
}

/** ICMP types that answer another packet and never open a connection (RFC 792, RFC 4443). */
export function isIcmpError(protocol: Protocol, type: number): boolean {
  return protocol === 'ICMPv4' ? [3, 4, 5, 11, 12].includes(type) : protocol === 'ICMPv6' ? type >= 1 && type <= 4 : false;
}

/** The direction an ICMP echo type tells: request (8, or 128 for ICMPv6) or reply (0, or 129); undefined for other types. */
export function icmpEchoDirection(protocol: Protocol, type: number): Direction | undefined {
  if (!isIcmp(protocol)) return undefined;
  const v4 = protocol === 'ICMPv4';
  if (type === (v4 ? 8 : 128)) return 'request';
  if (type === (v4 ? 0 : 129)) return 'reply';
  return undefined;
}

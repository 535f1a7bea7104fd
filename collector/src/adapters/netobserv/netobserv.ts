import { z } from 'zod';
import { ConnectionAdapter, HeldRecords, parseJsonRecord, type AdapterOutcome, type FlowAdapter, type RecordOrigin, type Settled } from '../adapter.js';
import type { ClusterState } from '../../identity/cluster-state.js';
import {
  connectionKey,
  orientByPorts,
  reverseTuple,
  type ConnectionTrackerOptions,
  type ConnectionTuple,
  type Direction,
  type OrientationEvidence,
} from '../connection-tracker.js';
import { WORKLOAD_KINDS, type Endpoint, type Verdict, type WorkloadKind, type WorkloadRef } from '../../flow/flow.js';
import type { IdentityResolver } from '../../identity/identity-resolver.js';
import { emitFlow, endpointForIp, namedPodEndpoint, icmpEchoDirection, isIcmp, isIcmpError, protocolFromNumber } from '../ip-endpoint.js';
import { describeIssue } from '../../zod-message.js';
import { isDnsLabel, isDnsSubdomain } from '../../flow/kubernetes-names.js';
import { inferWorkload } from '../../identity/workload-inference.js';

/**
 * The NetObserv adapter: flowlogs-pipeline records, one JSON object per message as NetObserv
 * writes them to Kafka or Loki (netobserv/network-observability-operator `docs/flows-format.adoc`).
 * In Loki, some fields (`SrcK8S_Namespace`, `SrcK8S_OwnerName`, `SrcK8S_Type`, `FlowDirection`…)
 * are stream labels rather than part of the JSON line; a reader of Loki merges them back first.
 *
 * Records are one-way (one direction of a connection, at one interface of one node), so each
 * is oriented here, strongest evidence first:
 * 1. TCP `Flags`, the OR of the flags of the record's packets plus NetObserv's own per-packet
 *    combinations: SYN+ACK (0x100) marks the listener's side, a SYN (0x2) without it the
 *    initiator's.
 * 2. ICMP echo request/reply types; ICMP errors answer another packet and are skipped.
 * 3. The DNS header: a record with a DNS id and the QR bit (0x8000) in `DnsFlags` is a response.
 * 4. A Service as one end: a ClusterIP is only ever the destination of requests (before DNAT)
 *    and the source of replies (after un-DNAT).
 * 5. What earlier records taught: the reversed 5-tuple of an emitted connection, a port seen
 *    listening (connection-tracker.ts).
 * 6. Port ranges: a port below the ephemeral range facing one inside it is the listener.
 * Records still undecided are held back and decided in `finish()`; what is still undecided then
 * is quarantined.
 *
 * De-duplication: the oriented 5-tuple is the key, so both directions, ingress and egress
 * (`FlowDirection`), and every interface the packets crossed (`Interface`, `Interfaces`) give one
 * flow per connection; records flagged `Duplicate` are skipped at once.
 *
 * Services: a record whose destination is a Service ClusterIP was observed before DNAT. The same
 * connection is observed again after DNAT at the backend pod's interface (the eBPF agent runs on
 * every node), which names the pod and its real port (rule 8); so the pre-DNAT record is skipped
 * rather than counted twice. Its Service name is not lost for policy: NetworkPolicy never sees it.
 *
 * Endpoints: `K8S_Type` Pod → pod, with the owner NetObserv resolved (`OwnerType`/`OwnerName`,
 * when it is a workload kind Palisade knows), else the cluster state, else inferred from the
 * name; Node → node; no Kubernetes enrichment → the cluster state, else `world`: NetObserv
 * enriches every pod, node and Service address it knows, so a bare address is outside the cluster.
 *
 * Verdicts: NetObserv observes packets, not policy decisions. A network event of the `acl`
 * feature (OVN-Kubernetes network observability) with action `drop` or a packet drop whose cause
 * is a netfilter drop (what iptables/nftables policy enforcement produces) → denied; an `acl` event
 * with action `allow` → allowed; anything else → unknown (which still teaches, per the Flow
 * contract). Kernel drops for other causes (invalid TCP sequence, no socket) are no policy verdict.
 */

/** Options of {@link createNetobservAdapter}. */
export interface NetobservAdapterOptions {
  /** Cluster objects for workloads and for addresses NetObserv did not enrich. */
  readonly clusterState?: ClusterState;
  /** A resolver built elsewhere (takes precedence over `clusterState`). */
  readonly resolver?: IdentityResolver;
  /** Bounds of the connection table. */
  readonly connections?: ConnectionTrackerOptions;
  /**
   * The most records held back for orientation; beyond it the oldest is decided with what is known.
   * @default 10000
   */
  readonly maxHeldBack?: number;
}

/** Skip and quarantine reasons: fixed strings, so reports can count them. */
export const NETOBSERV_REASONS = {
  repeat: 'another observation of a connection already emitted',
  reply: 'reply of a connection already emitted',
  duplicate: 'record flagged Duplicate (the same packets at another interface)',
  notIp: 'not an IP flow (no addresses: ARP or another ethertype)',
  protocol: 'protocol NetworkPolicy cannot express',
  icmpError: 'ICMP error message (answers another packet)',
  service: 'addressed to a Service ClusterIP (pre-DNAT); the post-DNAT record of the connection names the pod and port',
  noDirection: 'direction unknown: no TCP handshake flags, DNS header, known connection, listener port or port-range hint',
  missingPort: 'listener port missing',
} as const;

const FLAG_SYN = 0x2;
const FLAG_SYN_ACK = 0x100;
const DNS_QR = 0x8000;
const ROOT_KINDS: ReadonlySet<string> = new Set(WORKLOAD_KINDS);

const Name = z.string().optional();
const NumberLike = z.union([z.number(), z.string().regex(/^-?\d+$/).transform(Number)]);
const NetobservRecordSchema = z
  .object({
    SrcAddr: z.union([z.ipv4(), z.ipv6()]).optional(),
    DstAddr: z.union([z.ipv4(), z.ipv6()]).optional(),
    SrcPort: z.number().int().min(0).max(65535).optional(),
    DstPort: z.number().int().min(0).max(65535).optional(),
    Proto: z.number().int().min(0).max(255).optional(),
    Flags: z.number().int().nonnegative().optional(),
    IcmpType: z.number().int().min(0).max(255).optional(),
    TimeFlowStartMs: z.number().int().nonnegative(),
    FlowDirection: NumberLike.optional(),
    Duplicate: z.boolean().optional(),
    DnsId: z.number().int().optional(),
    DnsFlags: z.number().int().optional(),
    PktDropPackets: z.number().int().nonnegative().optional(),
    PktDropLatestDropCause: z.string().optional(),
    NetworkEvents: z
      .array(z.object({ Feature: z.string().optional(), Action: z.string().optional() }).loose())
      .nullish(),
    SrcK8S_Namespace: Name,
    SrcK8S_Name: Name,
    SrcK8S_Type: Name,
    SrcK8S_OwnerName: Name,
    SrcK8S_OwnerType: Name,
    SrcK8S_HostName: Name,
    DstK8S_Namespace: Name,
    DstK8S_Name: Name,
    DstK8S_Type: Name,
    DstK8S_OwnerName: Name,
    DstK8S_OwnerType: Name,
    DstK8S_HostName: Name,
  })
  .loose();
type NetobservRecord = z.infer<typeof NetobservRecordSchema>;

/** One end of a record, read from its `Src`/`Dst` fields. */
interface K8sSide {
  readonly namespace: string | undefined;
  readonly name: string | undefined;
  readonly type: string | undefined;
  readonly ownerName: string | undefined;
  readonly ownerType: string | undefined;
  readonly hostName: string | undefined;
  readonly prefix: 'SrcK8S' | 'DstK8S';
}


/** Creates a NetObserv adapter with its own connection table. */
export function createNetobservAdapter(options: NetobservAdapterOptions = {}): FlowAdapter {
  return new NetobservAdapter(options);
}

class NetobservAdapter extends ConnectionAdapter {
  readonly format = 'netobserv' as const;
  private readonly held: HeldRecords<NetobservRecord>;

  constructor(options: NetobservAdapterOptions) {
    super(options);
    this.held = new HeldRecords(options.maxHeldBack ?? 10_000, (record) => this.process(record, true), NETOBSERV_REASONS.noDirection);
  }

  push(line: string, origin: RecordOrigin): readonly AdapterOutcome[] {
    const json = parseJsonRecord(line);
    if (json.kind === 'dead-letter') return [json];
    const value = json.value;
    const parsed = NetobservRecordSchema.safeParse(value);
    if (!parsed.success) return [{ kind: 'dead-letter', reason: describeIssue(parsed.error) }];
    const outcome = this.process(parsed.data, false);
    if (outcome.kind !== 'hold') return [outcome];
    return this.held.hold(parsed.data, origin);
  }

  finish(): readonly AdapterOutcome[] {
    return this.held.settleAll();
  }

  private process(record: NetobservRecord, final: boolean): Settled {
    if (record.Duplicate === true) return { kind: 'skip', reason: NETOBSERV_REASONS.duplicate };
    if (record.SrcAddr === undefined || record.DstAddr === undefined || record.Proto === undefined) return { kind: 'skip', reason: NETOBSERV_REASONS.notIp };
    const protocol = protocolFromNumber(record.Proto);
    if (protocol === undefined) return { kind: 'skip', reason: NETOBSERV_REASONS.protocol };
    const icmp = isIcmp(protocol);
    if (icmp && record.IcmpType !== undefined && isIcmpError(protocol, record.IcmpType)) return { kind: 'skip', reason: NETOBSERV_REASONS.icmpError };
    const time = record.TimeFlowStartMs;
    const source = k8sSide(record, 'SrcK8S');
    const destination = k8sSide(record, 'DstK8S');
    const observed: ConnectionTuple = {
      protocol,
      sourceIp: record.SrcAddr,
      destinationIp: record.DstAddr,
      ...(icmp ? {} : { sourcePort: record.SrcPort ?? 0, destinationPort: record.DstPort ?? 0 }),
    };

    const orientation = this.orient(record, observed, source, destination, time);
    if (orientation === undefined) return final ? { kind: 'quarantine', reason: NETOBSERV_REASONS.noDirection } : { kind: 'hold' };
    const reply = orientation.direction === 'reply';
    const oriented = reply ? reverseTuple(observed) : observed;
    const [initiator, listener] = reply ? [destination, source] : [source, destination];
    if (!icmp && (oriented.destinationPort === undefined || oriented.destinationPort === 0))
      return { kind: 'dead-letter', reason: `field ${reply ? 'SrcPort' : 'DstPort'}: ${NETOBSERV_REASONS.missingPort}` };
    // Before DNAT (request) or after un-DNAT (reply): the backend's own record carries it.
    if (listener.type === 'Service') return { kind: 'skip', reason: NETOBSERV_REASONS.service };

    const verdict = verdictOf(record);
    const key = connectionKey(oriented);
    if (this.tracker.touch(key, time, verdict === 'denied') === 'repeat')
      return { kind: 'skip', reason: reply ? NETOBSERV_REASONS.reply : NETOBSERV_REASONS.repeat };

    const from = this.endpoint(initiator, oriented.sourceIp, time);
    if (!from.ok) return from.outcome;
    const to = this.endpoint(listener, oriented.destinationIp, time);
    if (!to.ok) return to.outcome;
    const learned = orientation.evidence !== 'port-heuristic' ? { ip: oriented.destinationIp, protocol, port: oriented.destinationPort } : undefined;
    return emitFlow(
      { time, source: from.endpoint, destination: to.endpoint, protocol, ...(icmp ? {} : { port: oriented.destinationPort }), verdict, format: 'netobserv' },
      this.tracker,
      key,
      learned,
    );
  }

  private orient(
    record: NetobservRecord,
    observed: ConnectionTuple,
    source: K8sSide,
    destination: K8sSide,
    time: number,
  ): { direction: Direction; evidence: OrientationEvidence } | undefined {
    if (observed.protocol === 'TCP' && record.Flags !== undefined) {
      if ((record.Flags & FLAG_SYN_ACK) !== 0) return { direction: 'reply', evidence: 'tcp-flags' };
      if ((record.Flags & FLAG_SYN) !== 0) return { direction: 'request', evidence: 'tcp-flags' };
    }
    const echo = record.IcmpType === undefined ? undefined : icmpEchoDirection(observed.protocol, record.IcmpType);
    if (echo !== undefined) return { direction: echo, evidence: 'icmp-type' };
    if (record.DnsId !== undefined && record.DnsFlags !== undefined)
      return { direction: (record.DnsFlags & DNS_QR) !== 0 ? 'reply' : 'request', evidence: 'l7-type' };
    if (destination.type === 'Service' && source.type !== 'Service') return { direction: 'request', evidence: 'reply-flag' };
    if (source.type === 'Service' && destination.type !== 'Service') return { direction: 'reply', evidence: 'reply-flag' };
    const learned = this.tracker.orientByHistory(observed, time);
    if (learned !== undefined) return learned;
    const byPorts = orientByPorts(observed.sourcePort, observed.destinationPort);
    return byPorts === undefined ? undefined : { direction: byPorts, evidence: 'port-heuristic' };
  }

  /** One end of the oriented connection as an Endpoint. */
  private endpoint(side: K8sSide, ip: string, time: number): { ok: true; endpoint: Endpoint } | { ok: false; outcome: AdapterOutcome } {
    const dead = (field: string, message: string) => ({ ok: false as const, outcome: { kind: 'dead-letter' as const, reason: `field ${side.prefix}_${field}: ${message}` } });
    const hostName = side.hostName !== undefined && isDnsSubdomain(side.hostName) ? side.hostName : undefined;
    switch (side.type) {
      case 'Pod': {
        const namespace = side.namespace;
        const name = side.name;
        if (namespace === undefined || !isDnsLabel(namespace)) return dead('Namespace', 'a pod needs a DNS-1123 namespace');
        if (name === undefined || !isDnsSubdomain(name)) return dead('Name', 'a pod needs a DNS-1123 subdomain name');
        const known = this.resolver?.podByName(namespace, name);
        let workload: WorkloadRef;
        if (known !== undefined) workload = known.workload;
        else if (side.ownerType !== undefined && ROOT_KINDS.has(side.ownerType) && side.ownerName !== undefined) {
          if (!isDnsSubdomain(side.ownerName)) return dead('OwnerName', 'must be a DNS-1123 subdomain');
          workload = { kind: side.ownerType as WorkloadKind, name: side.ownerName };
        } else workload = inferWorkload(name);
        const labels = known !== undefined ? { ...known.labels } : undefined;
        return { ok: true, endpoint: namedPodEndpoint({ ip, namespace, pod: name, labels, workload, node: hostName }, known) };
      }
      case 'Node': {
        const name = side.name ?? side.ownerName;
        if (name !== undefined && !isDnsSubdomain(name)) return dead('Name', 'must be a DNS-1123 subdomain');
        return { ok: true, endpoint: { kind: 'node', ip, ...(name !== undefined ? { node: name } : {}) } };
      }
      default: {
        const resolved = endpointForIp(this.resolver, ip, time, { kind: 'world', ip });
        return resolved.ok ? { ok: true, endpoint: resolved.endpoint } : { ok: false, outcome: { kind: 'quarantine', reason: resolved.reason } };
      }
    }
  }
}

function k8sSide(record: NetobservRecord, prefix: 'SrcK8S' | 'DstK8S'): K8sSide {
  const get = (field: string): string | undefined => {
    const value = (record as Record<string, unknown>)[`${prefix}_${field}`];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const ownerType = get('OwnerType');
  // Older records carry only OwnerType; a pod or node is then named by its own type.
  const type = get('Type') ?? (ownerType === 'Node' || ownerType === 'Service' ? ownerType : ownerType !== undefined ? 'Pod' : undefined);
  return { namespace: get('Namespace'), name: get('Name'), type, ownerName: get('OwnerName'), ownerType, hostName: get('HostName'), prefix };
}

function verdictOf(record: NetobservRecord): Verdict {
  const acl = (record.NetworkEvents ?? []).filter((event) => event.Feature === 'acl');
  if (acl.some((event) => event.Action === 'drop')) return 'denied';
  if ((record.PktDropPackets ?? 0) > 0 && record.PktDropLatestDropCause === 'SKB_DROP_REASON_NETFILTER_DROP') return 'denied';
  if (acl.some((event) => event.Action === 'allow')) return 'allowed';
  return 'unknown';
}

import { z } from 'zod';
import { ConnectionAdapter, parseJsonRecord, type AdapterOutcome, type FlowAdapter, type RecordOrigin } from '../adapter.js';
import type { ClusterState } from '../../identity/cluster-state.js';
import { connectionKey, orientByPorts, reverseTuple, type ConnectionTrackerOptions, type ConnectionTuple, type Direction } from '../connection-tracker.js';
import type { Endpoint, Verdict } from '../../flow/flow.js';
import type { IdentityResolver } from '../../identity/identity-resolver.js';
import { emitFlow, endpointForIp, isIcmp, protocolFromName, translateServiceDestination } from '../ip-endpoint.js';
import { describeIssue, firstIssue } from '../../zod-message.js';

/**
 * The AWS VPC CNI adapter: flow lines of the EKS network-policy agent
 * (aws/aws-network-policy-agent, `pkg/ebpf/events/events.go`), in all the shapes it has written:
 *
 * 1. v1.0.x–v1.2.1, zap JSON with the tuple as fields:
 *    `{"ts":…,"msg":"Flow Info:  ","Src IP":…,"Src Port":…,"Dest IP":…,"Dest Port":…,"Proto":"TCP","Verdict":"ACCEPT"}`
 * 2. v1.2.2 and later, the tuple inside the message, IPv4 and IPv6 with different separators:
 *    `Flow Info: Src IP: … Src Port: … Dest IP: … Dest Port: … Proto TCP Verdict ACCEPT Direction egress[, Tier …]`
 *    `Flow Info: Src IP: … Src Port: … Dest IP: … Dest Port: … Proto: TCP Verdict: DENY Direction: ingress Tier: …`
 *    inside a zap JSON line (`"msg"`) or as a plain text line with a leading RFC 3339 time.
 * 3. The CloudWatch form, `[time] Node: …;SIP: …;SPORT: …;DIP: …;DPORT: …;PROTOCOL: TCP;PolicyVerdict: ACCEPT`.
 *
 * Identity: the lines carry addresses only. Each is resolved through the cluster state to the pod
 * (or node) that held it at the flow's time; an unknown or ambiguous address is quarantined with
 * the reason, never guessed (rule 15). A destination that is a Service ClusterIP (the agent sees
 * egress before kube-proxy's DNAT) is translated through the Service and its EndpointSlices to the
 * backend's port (rule 8).
 *
 * Orientation: the agent's eBPF programs log a packet when its policy is evaluated, which is the
 * first packet of a connection (later packets and replies match the conntrack entry and are not
 * logged). So a line is the initiator's packet, as written, unless something says otherwise:
 * - the reversed 5-tuple of a connection already emitted, or a source port already seen
 *   listening → it is a reply. The agent logs replies when its conntrack entry was cleaned up
 *   before the kernel's (the reverse-direction DENY lines reported in the agent's issues); such
 *   a denied reply says nothing about the connection and is skipped, as is an accepted one.
 * - a low port answering an ephemeral one (connection-tracker's port rule) → a reply as well; an
 *   accepted one is turned around (the connection exists) and a denied one skipped.
 * Both ends log the same connection (egress at the client's pod, ingress at the server's, same
 * tuple); the oriented 5-tuple is the key, so the second line is skipped.
 *
 * Verdicts: ACCEPT → allowed, DENY → denied; EXPIRED/DELETED (a conntrack entry ending) carries no
 * new connection and is skipped.
 */

/** Options of {@link createAwsVpcCniAdapter}. */
export interface AwsVpcCniAdapterOptions {
  /** Cluster objects for IP history and Service translation (needed: the format has IPs only). */
  readonly clusterState?: ClusterState;
  /** A resolver built elsewhere (takes precedence over `clusterState`). */
  readonly resolver?: IdentityResolver;
  /** Bounds of the connection table. */
  readonly connections?: ConnectionTrackerOptions;
}

/** Skip reasons: fixed strings, so reports can count them. */
export const AWS_VPC_CNI_REASONS = {
  notFlow: 'agent log line that is not a flow',
  expired: 'conntrack entry expired or deleted (no new connection)',
  repeat: 'the same connection logged by the other end',
  reply: 'reply of a connection already emitted',
  deniedReply: 'denied reply packet (the agent lost the conntrack entry); the connection itself was allowed',
  protocol: 'protocol NetworkPolicy cannot express',
} as const;

const Ip = z.union([z.ipv4(), z.ipv6()]);
const Port = z.coerce.number().int().min(0).max(65535);

/** The fields of one flow line, whatever its shape. */
const FlowLineSchema = z.object({
  time: z.string().refine((text) => Number.isFinite(Date.parse(text)), 'not a timestamp'),
  sourceIp: Ip,
  sourcePort: Port,
  destinationIp: Ip,
  destinationPort: Port,
  proto: z.string().min(1),
  verdict: z.enum(['ACCEPT', 'DENY', 'EXPIRED/DELETED']),
  node: z.string().optional(),
});
type FlowLine = z.infer<typeof FlowLineSchema>;

/** Field names in the agent's own words, for dead letters. */
const FIELD_NAMES: Readonly<Record<string, string>> = {
  time: 'ts',
  sourceIp: 'Src IP',
  sourcePort: 'Src Port',
  destinationIp: 'Dest IP',
  destinationPort: 'Dest Port',
  proto: 'Proto',
  verdict: 'Verdict',
};

const ZapSchema = z.object({ ts: z.union([z.string(), z.number()]).optional(), msg: z.string() }).loose();

const MESSAGE =
  /Flow Info: Src IP:? (\S+) Src Port:? (\S+) Dest IP:? (\S+) Dest Port:? (\S+) Proto:? (\S+) Verdict:? ([A-Z/]+)/;
const CLOUDWATCH =
  /^(?:(\S+)\s+)?Node: ([^;]*);SIP: ([^;]*);SPORT: ([^;]*);DIP: ([^;]*);DPORT: ([^;]*);PROTOCOL: ([^;]*);PolicyVerdict: (\S+)/;
const LEADING_TIME = /^(\d{4}-\d{2}-\d{2}T\S+)/;

/** Reads one agent line into its fields, or says why it cannot. */
export function parseAwsVpcCniLine(line: string): { readonly kind: 'flow'; readonly line: FlowLine } | { readonly kind: 'dead-letter' | 'skip'; readonly reason: string } {
  const trimmed = line.trim();
  let raw: Record<string, unknown>;
  if (trimmed.startsWith('{')) {
    const json = parseJsonRecord(trimmed);
    if (json.kind === 'dead-letter') return json;
    const value = json.value;
    const zap = ZapSchema.safeParse(value);
    if (!zap.success) return { kind: 'dead-letter', reason: describeIssue(zap.error) };
    if (!zap.data.msg.startsWith('Flow Info:')) return { kind: 'skip', reason: AWS_VPC_CNI_REASONS.notFlow };
    const time = typeof zap.data.ts === 'number' ? new Date(zap.data.ts * 1000).toISOString() : zap.data.ts;
    const inMessage = MESSAGE.exec(zap.data.msg);
    if (inMessage !== null) raw = fromMessage(inMessage, time);
    else {
      // The old format: the tuple as zap fields next to an (almost) empty message.
      const fields = zap.data as Record<string, unknown>;
      raw = {
        time,
        sourceIp: fields['Src IP'],
        sourcePort: fields['Src Port'],
        destinationIp: fields['Dest IP'],
        destinationPort: fields['Dest Port'],
        proto: fields['Proto'],
        verdict: fields['Verdict'],
      };
    }
  } else {
    const cloudWatch = CLOUDWATCH.exec(trimmed);
    const message = cloudWatch === null ? MESSAGE.exec(trimmed) : null;
    if (cloudWatch !== null)
      raw = {
        time: cloudWatch[1],
        node: cloudWatch[2],
        sourceIp: cloudWatch[3],
        sourcePort: cloudWatch[4],
        destinationIp: cloudWatch[5],
        destinationPort: cloudWatch[6],
        proto: cloudWatch[7],
        verdict: cloudWatch[8],
      };
    else if (message !== null) raw = fromMessage(message, LEADING_TIME.exec(trimmed)?.[1]);
    else return { kind: 'dead-letter', reason: 'not an AWS network-policy agent flow line (no "Flow Info:" tuple or CloudWatch fields)' };
  }
  const parsed = FlowLineSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = firstIssue(parsed.error);
    const name = String(issue.path[0] ?? '');
    const reason = raw[name] === undefined ? 'missing' : issue.message;
    return { kind: 'dead-letter', reason: `field ${FIELD_NAMES[name] ?? name}: ${reason}` };
  }
  return { kind: 'flow', line: parsed.data };
}

function fromMessage(match: RegExpExecArray, time: string | undefined): Record<string, unknown> {
  return {
    time,
    sourceIp: match[1],
    sourcePort: match[2],
    destinationIp: match[3],
    destinationPort: match[4],
    proto: match[5]?.replace(/,$/, ''),
    verdict: match[6],
  };
}

/** Creates an AWS VPC CNI adapter with its own connection table. */
export function createAwsVpcCniAdapter(options: AwsVpcCniAdapterOptions = {}): FlowAdapter {
  return new AwsVpcCniAdapter(options);
}

class AwsVpcCniAdapter extends ConnectionAdapter {
  readonly format = 'aws-vpc-cni' as const;

  push(record: string, _origin: RecordOrigin): readonly AdapterOutcome[] {
    const parsed = parseAwsVpcCniLine(record);
    if (parsed.kind !== 'flow') return [{ kind: parsed.kind, reason: parsed.reason }];
    return [this.process(parsed.line)];
  }

  finish(): readonly AdapterOutcome[] {
    return [];
  }

  private process(line: FlowLine): AdapterOutcome {
    if (line.verdict === 'EXPIRED/DELETED') return { kind: 'skip', reason: AWS_VPC_CNI_REASONS.expired };
    const ipv6 = line.sourceIp.includes(':');
    const protocol = protocolFromName(line.proto, ipv6);
    if (protocol === undefined) return { kind: 'skip', reason: AWS_VPC_CNI_REASONS.protocol };
    const time = Date.parse(line.time);
    const icmp = isIcmp(protocol);
    const observed: ConnectionTuple = {
      protocol,
      sourceIp: line.sourceIp,
      destinationIp: line.destinationIp,
      ...(icmp ? {} : { sourcePort: line.sourcePort, destinationPort: line.destinationPort }),
    };
    const denied = line.verdict === 'DENY';
    const verdict: Verdict = denied ? 'denied' : 'allowed';

    const direction = this.orient(observed, time);
    if (direction.known && direction.direction === 'reply') return { kind: 'skip', reason: denied ? AWS_VPC_CNI_REASONS.deniedReply : AWS_VPC_CNI_REASONS.reply };
    if (direction.direction === 'reply' && denied) return { kind: 'skip', reason: AWS_VPC_CNI_REASONS.deniedReply };
    const oriented = direction.direction === 'reply' ? reverseTuple(observed) : observed;
    if (!icmp && (oriented.destinationPort === undefined || oriented.destinationPort === 0))
      return { kind: 'dead-letter', reason: `field ${direction.direction === 'reply' ? 'Src Port' : 'Dest Port'}: listener port missing` };

    const key = connectionKey(oriented);
    if (this.tracker.touch(key, time, denied) === 'repeat') return { kind: 'skip', reason: AWS_VPC_CNI_REASONS.repeat };

    const source = endpointForIp(this.resolver, oriented.sourceIp, time);
    if (!source.ok) return { kind: 'quarantine', reason: `source: ${source.reason}` };
    let destination: Endpoint;
    let port = icmp ? undefined : oriented.destinationPort;
    let serviceName: string | undefined;
    const translated = translateServiceDestination(this.resolver, oriented.destinationIp, port, protocol, time);
    if (translated !== undefined) {
      if (!translated.ok) return { kind: 'quarantine', reason: `destination: ${translated.reason}` };
      destination = translated.value.endpoint;
      port = translated.value.port;
      serviceName = translated.value.serviceName;
    } else {
      const resolved = endpointForIp(this.resolver, oriented.destinationIp, time);
      if (!resolved.ok) return { kind: 'quarantine', reason: `destination: ${resolved.reason}` };
      destination = resolved.endpoint;
    }
    return emitFlow(
      {
        time,
        source: source.endpoint,
        destination,
        protocol,
        ...(port !== undefined ? { port } : {}),
        verdict,
        format: 'aws-vpc-cni',
        ...(serviceName !== undefined ? { serviceName } : {}),
      },
      this.tracker,
      key,
      { ip: oriented.destinationIp, protocol, port: oriented.destinationPort },
    );
  }

  /** The line's direction: from what earlier lines taught (`known`), else from the ports, else as written. */
  private orient(tuple: ConnectionTuple, time: number): { direction: Direction; known: boolean } {
    const learned = this.tracker.orientByHistory(tuple, time);
    // Only the reversed tuple of an emitted connection proves that connection is known; a listening
    // source port says "reply" but the request may never have been logged.
    if (learned !== undefined) return { direction: learned.direction, known: learned.direction === 'reply' && learned.evidence === 'known-connection' };
    return { direction: orientByPorts(tuple.sourcePort, tuple.destinationPort) ?? 'request', known: false };
  }
}


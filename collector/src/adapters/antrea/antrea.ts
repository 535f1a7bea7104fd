import { z } from 'zod';
import { ConnectionAdapter, parseJsonRecord, type AdapterOutcome, type FlowAdapter, type RecordOrigin } from '../adapter.js';
import type { ClusterState } from '../../identity/cluster-state.js';
import { connectionKey, type ConnectionTrackerOptions, type ConnectionTuple } from '../connection-tracker.js';
import type { Endpoint, Verdict } from '../../flow/flow.js';
import type { IdentityResolver } from '../../identity/identity-resolver.js';
import { emitFlow, endpointForIp, namedPodEndpoint, isIcmp, protocolFromName, protocolFromNumber } from '../ip-endpoint.js';
import { describeIssue } from '../../zod-message.js';
import { isDnsLabel, isDnsSubdomain, isLabelKey, isLabelValue } from '../../flow/kubernetes-names.js';
import { inferWorkload } from '../../identity/workload-inference.js';

/**
 * The Antrea adapter. Two record shapes:
 *
 * 1. Flow Aggregator records (antrea-io/antrea `docs/network-flow-visibility.md`; IPFIX
 *    information-element names as JSON keys, as `antctl get flowrecords -o json` prints them and
 *    the aggregator's log/Kafka exporters write them): one object per line, or a JSON array of
 *    them on one line.
 * 2. The NetworkPolicy audit log `/var/log/antrea/networkpolicy/np.log`
 *    (`docs/antrea-network-policy.md`), one space-separated line per logged packet:
 *    `<date> <time> <table> <policy> <rule> <direction> <action> <priority> <ns/pod> <srcIP>
 *    <srcPort> <dstIP> <dstPort> <proto> <length> <logLabel> [N packets in T]`.
 *
 * Orientation: both come from conntrack's original direction, so source is the initiator and
 * the record is used as written. Flow records carry the reply direction in their `reverse*`
 * counters, never as records of their own; audit lines log the packet that hit the rule, which is
 * the first of a connection.
 *
 * De-duplication: the aggregator already merges the two nodes' records of an inter-node
 * connection, but exports a connection again at every active timeout; the oriented 5-tuple (with
 * `flowStartSeconds` as its time) is the key, so the updates are skipped. Audit lines repeat per
 * packet batch and are keyed the same way.
 *
 * Endpoints: `sourcePodName`/`destinationPodName` with their namespaces name pods (workload from
 * the cluster state, else inferred from the name and, if exported, the pod labels). Empty pod
 * fields mean the address is no pod on Antrea's network: it is resolved through the cluster state
 * (a node or host-network pod), else it is the world when the flow type says so (`ToExternal`
 * destination, `FromExternal` source), else a host: Antrea's gateway (`antrea-gw0`, as in the
 * antctl sample, a node's `.1` address) or a host-network process on a node.
 *
 * Ports and Services: `destinationTransportPort` is the port after kube-proxy/AntreaProxy DNAT,
 * i.e. the pod's port (rule 8); `destinationServicePortName` (`namespace/name:port`) names the
 * Service, which becomes `serviceName`.
 *
 * Verdicts: a rule action Drop (2) or Reject (3) on either side → denied; Allow (1), or no rule
 * (0: no policy selects the pods, so the connection was allowed by default) → allowed; any other
 * number → a dead letter. Audit actions: Allow → allowed, Drop/Reject → denied, Pass and Redirect
 * (the decision is made elsewhere) → unknown; any other action → a dead letter.
 */

/** Options of {@link createAntreaAdapter}. */
export interface AntreaAdapterOptions {
  /** Cluster objects for workloads and for addresses without pod fields. */
  readonly clusterState?: ClusterState;
  /** A resolver built elsewhere (takes precedence over `clusterState`). */
  readonly resolver?: IdentityResolver;
  /** Bounds of the connection table. */
  readonly connections?: ConnectionTrackerOptions;
}

/** Skip reasons: fixed strings, so reports can count them. */
export const ANTREA_REASONS = {
  update: 'another export of a connection already emitted',
  protocol: 'protocol NetworkPolicy cannot express',
} as const;

/** `flowType` values of the Flow Aggregator (IntraNode, InterNode, ToExternal, FromExternal). */
const FLOW_TYPE_TO_EXTERNAL = 3;
const FLOW_TYPE_FROM_EXTERNAL = 4;
/** Rule actions: 0 none, 1 Allow, 2 Drop, 3 Reject. */
const DENY_ACTIONS: ReadonlySet<number> = new Set([2, 3]);
const RULE_ACTIONS: ReadonlySet<number> = new Set([0, 1, 2, 3]);
/** Actions of np.log audit lines: Pass hands the decision to the next tier, so its verdict is not known. */
const AUDIT_ACTIONS: ReadonlySet<string> = new Set(['Allow', 'Drop', 'Reject', 'Pass', 'Redirect']);

const Text = z.string().default('');
const Port = z.number().int().min(0).max(65535).default(0);
/** Seconds since the epoch, or an RFC 3339 string as the ClickHouse/JSON exporters write them. */
const Seconds = z.union([
  z.number().nonnegative().transform((seconds) => seconds * 1000),
  z.string().refine((text) => Number.isFinite(Date.parse(text)), 'not a timestamp').transform((text) => Date.parse(text)),
]);

const FlowRecordSchema = z.object({
  flowStartSeconds: Seconds,
  sourceIPv4Address: Text,
  sourceIPv6Address: Text,
  destinationIPv4Address: Text,
  destinationIPv6Address: Text,
  sourceTransportPort: Port,
  destinationTransportPort: Port,
  protocolIdentifier: z.number().int().min(0).max(255),
  sourcePodName: Text,
  sourcePodNamespace: Text,
  sourceNodeName: Text,
  destinationPodName: Text,
  destinationPodNamespace: Text,
  destinationNodeName: Text,
  destinationServicePortName: Text,
  flowType: z.number().int().default(0),
  ingressNetworkPolicyRuleAction: z.number().int().default(0),
  egressNetworkPolicyRuleAction: z.number().int().default(0),
  sourcePodLabels: z.union([z.string(), z.record(z.string(), z.string())]).nullish(),
  destinationPodLabels: z.union([z.string(), z.record(z.string(), z.string())]).nullish(),
});

const AUDIT_LINE =
  /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d+)? (\S+) (\S+) (\S+) (Ingress|Egress) (\S+) (\S+) (\S+) (\S+) (\S+) (\S+) (\S+) (\S+)/;

/** Creates an Antrea adapter with its own connection table. */
export function createAntreaAdapter(options: AntreaAdapterOptions = {}): FlowAdapter {
  return new AntreaAdapter(options);
}

class AntreaAdapter extends ConnectionAdapter {
  readonly format = 'antrea' as const;

  push(record: string, _origin: RecordOrigin): readonly AdapterOutcome[] {
    const trimmed = record.trim();
    if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return [this.auditLine(trimmed)];
    const json = parseJsonRecord(trimmed);
    if (json.kind === 'dead-letter') return [json];
    const value = json.value;
    if (!Array.isArray(value)) return [this.flowRecord(value, '')];
    if (value.length === 0) return [{ kind: 'skip', reason: 'empty list of flow records' }];
    return value.map((item, index) => this.flowRecord(item, `${index}.`));
  }

  finish(): readonly AdapterOutcome[] {
    return [];
  }

  private flowRecord(value: unknown, prefix: string): AdapterOutcome {
    const parsed = FlowRecordSchema.safeParse(value);
    if (!parsed.success) return { kind: 'dead-letter', reason: describeIssue(parsed.error, prefix.replace(/\.$/, '')) };
    const record = parsed.data;
    const protocol = protocolFromNumber(record.protocolIdentifier);
    if (protocol === undefined) return { kind: 'skip', reason: ANTREA_REASONS.protocol };
    const icmp = isIcmp(protocol);
    const sourceIp = record.sourceIPv4Address !== '' ? record.sourceIPv4Address : record.sourceIPv6Address;
    const destinationIp = record.destinationIPv4Address !== '' ? record.destinationIPv4Address : record.destinationIPv6Address;
    if (!isIp(sourceIp)) return { kind: 'dead-letter', reason: `field ${prefix}sourceIPv4Address: not an IP address` };
    if (!isIp(destinationIp)) return { kind: 'dead-letter', reason: `field ${prefix}destinationIPv4Address: not an IP address` };
    if (!icmp && record.destinationTransportPort === 0) return { kind: 'dead-letter', reason: `field ${prefix}destinationTransportPort: listener port missing` };
    const time = record.flowStartSeconds;

    const sourceLabels = readLabels(record.sourcePodLabels, `${prefix}sourcePodLabels`);
    if ('reason' in sourceLabels) return { kind: 'dead-letter', reason: sourceLabels.reason };
    const destinationLabels = readLabels(record.destinationPodLabels, `${prefix}destinationPodLabels`);
    if ('reason' in destinationLabels) return { kind: 'dead-letter', reason: destinationLabels.reason };

    const tuple: ConnectionTuple = {
      protocol,
      sourceIp,
      destinationIp,
      ...(icmp ? {} : { sourcePort: record.sourceTransportPort, destinationPort: record.destinationTransportPort }),
    };
    // An action outside Antrea's enum is no verdict: it must not fall through to "allowed".
    for (const field of ['ingressNetworkPolicyRuleAction', 'egressNetworkPolicyRuleAction'] as const)
      if (!RULE_ACTIONS.has(record[field])) return { kind: 'dead-letter', reason: `field ${field}: ${record[field]} is not a rule action (0 none, 1 Allow, 2 Drop, 3 Reject)` };
    const verdict: Verdict =
      DENY_ACTIONS.has(record.ingressNetworkPolicyRuleAction) || DENY_ACTIONS.has(record.egressNetworkPolicyRuleAction) ? 'denied' : 'allowed';
    const key = connectionKey(tuple);
    if (this.tracker.touch(key, time, verdict === 'denied') === 'repeat') return { kind: 'skip', reason: ANTREA_REASONS.update };

    const source = this.side(record.sourcePodNamespace, record.sourcePodName, sourceIp, sourceLabels.labels, record.sourceNodeName, time, record.flowType === FLOW_TYPE_FROM_EXTERNAL, `${prefix}source`);
    if (!source.ok) return source.outcome;
    const destination = this.side(
      record.destinationPodNamespace,
      record.destinationPodName,
      destinationIp,
      destinationLabels.labels,
      record.destinationNodeName,
      time,
      record.flowType === FLOW_TYPE_TO_EXTERNAL,
      `${prefix}destination`,
    );
    if (!destination.ok) return destination.outcome;
    const serviceName = serviceOf(record.destinationServicePortName);
    if (serviceName === 'invalid') return { kind: 'dead-letter', reason: `field ${prefix}destinationServicePortName: expected namespace/name:port` };

    return emitFlow(
      {
        time,
        source: source.endpoint,
        destination: destination.endpoint,
        protocol,
        ...(icmp ? {} : { port: record.destinationTransportPort }),
        verdict,
        format: 'antrea',
        ...(serviceName !== undefined ? { serviceName } : {}),
      },
      this.tracker,
      key,
    );
  }

  /** One end of a flow record: a named pod, else whatever its address is. */
  private side(
    namespace: string,
    podName: string,
    ip: string,
    labels: Readonly<Record<string, string>>,
    nodeName: string,
    time: number,
    external: boolean,
    field: string,
  ): { ok: true; endpoint: Endpoint } | { ok: false; outcome: AdapterOutcome } {
    const node = nodeName !== '' && isDnsSubdomain(nodeName) ? nodeName : undefined;
    if (podName !== '') {
      if (!isDnsLabel(namespace)) return { ok: false, outcome: { kind: 'dead-letter', reason: `field ${field}PodNamespace: must be a DNS-1123 label` } };
      if (!isDnsSubdomain(podName)) return { ok: false, outcome: { kind: 'dead-letter', reason: `field ${field}PodName: must be a DNS-1123 subdomain` } };
      const known = this.resolver?.podByName(namespace, podName);
      const podLabels = Object.keys(labels).length > 0 ? { ...labels } : { ...(known?.labels ?? {}) };
      const workload = known?.workload ?? inferWorkload(podName, labels);
      return { ok: true, endpoint: namedPodEndpoint({ ip, namespace, pod: podName, labels: podLabels, workload, node }, known) };
    }
    const fallback: Endpoint = external ? { kind: 'world', ip } : { kind: 'host', ip, ...(node !== undefined ? { node } : {}) };
    const resolved = endpointForIp(this.resolver, ip, time, fallback);
    return resolved.ok ? { ok: true, endpoint: resolved.endpoint } : { ok: false, outcome: { kind: 'quarantine', reason: resolved.reason } };
  }

  /**
   * One np.log line. The `ns/pod` field is the pod the rule applies to: the destination for an
   * Ingress rule, the source for an Egress rule; the other end is resolved by address.
   */
  private auditLine(line: string): AdapterOutcome {
    const match = AUDIT_LINE.exec(line);
    if (match === null) return { kind: 'dead-letter', reason: 'not an Antrea flow record or np.log line' };
    const [, year, month, day, hour, minute, second, fraction, , , , direction, action, , podRef, sourceIp = '', sourcePortText, destinationIp = '', destinationPortText, proto = ''] = match;
    // The agent writes np.log in the node's local time, which is UTC in the agent container.
    const time = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), Math.floor(Number(fraction ?? '0') * 1000));
    if (!Number.isFinite(time)) return { kind: 'dead-letter', reason: 'field (timestamp): not a date' };
    if (!isIp(sourceIp)) return { kind: 'dead-letter', reason: 'field srcIP: not an IP address' };
    if (!isIp(destinationIp)) return { kind: 'dead-letter', reason: 'field dstIP: not an IP address' };
    const protocol = protocolFromName(proto, destinationIp.includes(':'));
    if (protocol === undefined) return { kind: 'skip', reason: ANTREA_REASONS.protocol };
    const icmp = isIcmp(protocol);
    const port = Number(destinationPortText);
    if (!icmp && !(Number.isInteger(port) && port > 0 && port <= 65535)) return { kind: 'dead-letter', reason: 'field dstPort: listener port missing or out of range' };
    if (action === undefined || !AUDIT_ACTIONS.has(action)) return { kind: 'dead-letter', reason: `field (action): ${JSON.stringify(action ?? '')} is not an audit action (Allow, Drop, Reject, Pass, Redirect)` };
    const verdict: Verdict = action === 'Allow' ? 'allowed' : action === 'Drop' || action === 'Reject' ? 'denied' : 'unknown';

    const tuple: ConnectionTuple = {
      protocol,
      sourceIp,
      destinationIp,
      ...(icmp ? {} : { sourcePort: Number(sourcePortText), destinationPort: port }),
    };
    const key = connectionKey(tuple);
    if (this.tracker.touch(key, time, verdict === 'denied') === 'repeat') return { kind: 'skip', reason: ANTREA_REASONS.update };

    const ref = /^([^/]+)\/(.+)$/.exec(podRef ?? '');
    if (ref === null) return { kind: 'dead-letter', reason: 'field pod: expected namespace/name' };
    const [, namespace = '', podName = ''] = ref;
    const subjectIp = direction === 'Ingress' ? destinationIp : sourceIp;
    const subject = this.side(namespace, podName, subjectIp, {}, '', time, false, direction === 'Ingress' ? 'destination' : 'source');
    if (!subject.ok) return subject.outcome;
    const otherIp = direction === 'Ingress' ? sourceIp : destinationIp;
    const other = endpointForIp(this.resolver, otherIp, time);
    if (!other.ok) return { kind: 'quarantine', reason: `${direction === 'Ingress' ? 'source' : 'destination'}: ${other.reason}` };
    const [source, destination] = direction === 'Ingress' ? [other.endpoint, subject.endpoint] : [subject.endpoint, other.endpoint];

    return emitFlow({ time, source, destination, protocol, ...(icmp ? {} : { port }), verdict, format: 'antrea' }, this.tracker, key);
  }
}

const IP = z.union([z.ipv4(), z.ipv6()]);
function isIp(value: string): boolean {
  return IP.safeParse(value).success;
}


/** `namespace/name:port` → `namespace/name`; empty → none. */
function serviceOf(portName: string): string | undefined | 'invalid' {
  if (portName === '') return undefined;
  const match = /^([^/]+)\/([^:]+)(?::.*)?$/.exec(portName);
  if (match === null || !isDnsLabel(match[1] ?? '') || !isDnsLabel(match[2] ?? '')) return 'invalid';
  return `${match[1]}/${match[2]}`;
}

/**
 * Pod labels as the aggregator exports them (a JSON object, or a JSON string of one, when
 * `recordContents.podLabels` is on). Every key and value must be Kubernetes syntax (rule 4).
 */
function readLabels(raw: string | Record<string, string> | null | undefined, field: string): { labels: Record<string, string> } | { reason: string } {
  if (raw === undefined || raw === null || raw === '') return { labels: {} };
  let object: unknown = raw;
  if (typeof raw === 'string') {
    try {
      object = JSON.parse(raw);
    } catch {
      return { reason: `field ${field}: not a JSON object` };
    }
  }
  const parsed = z.record(z.string(), z.string()).safeParse(object);
  if (!parsed.success) return { reason: `field ${field}: expected an object of strings` };
  for (const [key, value] of Object.entries(parsed.data)) {
    if (!isLabelKey(key)) return { reason: `field ${field}: invalid label key ${JSON.stringify(key.slice(0, 80))}` };
    if (!isLabelValue(value)) return { reason: `field ${field}.${key}: invalid label value` };
  }
  return { labels: parsed.data };
}

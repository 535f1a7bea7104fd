import { z } from 'zod';
import { ConnectionAdapter, parseJsonRecord, type AdapterOutcome, type FlowAdapter, type RecordOrigin } from '../adapter.js';
import type { ClusterState } from '../../identity/cluster-state.js';
import { orientByPorts, type ConnectionTrackerOptions } from '../connection-tracker.js';
import type { Endpoint, Verdict, WorkloadRef } from '../../flow/flow.js';
import type { IdentityResolver } from '../../identity/identity-resolver.js';
import { checkFlow, endpointForIp, isIcmp, protocolFromName, protocolFromNumber } from '../ip-endpoint.js';
import { describeIssue } from '../../zod-message.js';
import { isDnsLabel, isDnsSubdomain, isLabelKey, isLabelValue } from '../../flow/kubernetes-names.js';
import { inferWorkload } from '../../identity/workload-inference.js';

/**
 * The Calico adapter. Three record shapes, one JSON object (or syslog line) each:
 *
 * 1. Calico Enterprise / Cloud flow logs (`/var/log/calico/flowlogs/flows.log`; fields in tigera/docs
 *    `calico-enterprise/observability/elastic/flow/datatypes.mdx`).
 * 2. Calico OSS Goldmane / Whisker flows (projectcalico/calico `goldmane/proto/api.proto`, `Flow`
 *    with its `Key`), as protojson (snake_case or lowerCamelCase names, enums by name or number),
 *    bare or wrapped in a `FlowResult` (`{"id":…,"flow":{…}}`).
 * 3. calico-felix syslog policy lines for host endpoints (`action="deny" dstIP=… srcIP=…`), which
 *    carry addresses only and are resolved like the AWS format.
 *
 * Orientation: Felix builds flow logs from conntrack, so `source` is always the initiator and
 * `dest` the listener, whichever end reports (`reporter` only says where it was measured). No
 * record needs turning around.
 *
 * De-duplication: one connection between two workloads is reported by both ends (`reporter: src`
 * at the client's node, `reporter: dst` at the server's node) for the same aggregation interval.
 * Both records share source, destination, protocol, port and `start_time`, which form the key; the
 * second is skipped, unless it is the first to say `deny` (the source allowed its egress, the
 * destination denied the ingress), in which case the denial is news and is emitted as well.
 *
 * Ports: `dest_port` is the port on the destination endpoint after DNAT: Felix reads the
 * conntrack entry, whose reply tuple names the backend pod, and reports the Service the client
 * addressed separately in `dest_service_namespace/name/port(_num)`. So `dest_port` is already
 * the listener's port NetworkPolicy needs (rule 8) and the Service becomes `serviceName`.
 * Goldmane's `dest_port` has the same meaning, with `dest_service_port` the Service's port.
 *
 * Names: with aggregation (the default for allowed traffic) `*_name` is `-` and `*_name_aggr` is
 * the pods' generateName followed by `*` (`frontend-5d8f4b7c9d-*`). That prefix is the ReplicaSet
 * for Deployment pods, whose generateName is `<deployment>-<pod-template-hash>-`; the Deployment
 * is the prefix minus the hash (the pod's `pod-template-hash` label confirms it, else the hash's
 * shape as in workload-inference.ts). A prefix without a hash is the DaemonSet (its pods carry
 * `controller-revision-hash`) or the Job (job labels); StatefulSet pods have no generateName and
 * are never aggregated this way. A prefix with none of this evidence is quarantined.
 *
 * Endpoint types: `wep` → pod; `hep` (a host endpoint) → `node`; `ns` (a NetworkSet) and `net`
 * (`pub`/`pvt`, an address Calico does not know) → `world` when the cluster state does not know the
 * address either.
 *
 * Counts: `num_flows_started` (Enterprise) / `num_connections_started` (Goldmane) is the number of
 * connections the record stands for; a record whose connections all started in an earlier
 * interval still proves the edge is in use and counts as 1.
 *
 * Labels: `source_labels.labels` (Enterprise) / `source_labels` (Goldmane) are `key=value` strings.
 * Each must split into a valid label key and value, else the record is a dead letter naming the
 * entry. Calico-internal keys (`projectcalico.org/*`) are dropped: they are not on the pod.
 */

/** Options of {@link createCalicoAdapter}. */
export interface CalicoAdapterOptions {
  /** Cluster objects for workloads and for resolving felix syslog addresses. */
  readonly clusterState?: ClusterState;
  /** A resolver built elsewhere (takes precedence over `clusterState`). */
  readonly resolver?: IdentityResolver;
  /** Bounds of the connection table. The idle timeout should exceed the flow-log interval. */
  readonly connections?: ConnectionTrackerOptions;
  /**
   * The year of felix syslog timestamps (RFC 3164 has none).
   * @default the latest year that does not date the line more than a day ahead of `clock`: a
   *   December line read in January is last year's, not a record from the future
   */
  readonly syslogYear?: number;
  /** What "now" is for the default syslog year. @default Date.now */
  readonly clock?: () => number;
}

/** Skip and quarantine reasons: fixed strings, so reports can count them. */
export const CALICO_REASONS = {
  otherReporter: 'the same connection reported by the other end',
  protocol: 'protocol NetworkPolicy cannot express',
  aggregatedUnknown: 'aggregated pod name with no evidence of its owning workload',
  notFlow: 'felix log line without flow fields',
} as const;

const DASH = '-';
const SAFE_HASH = /^(.+)-[bcdfghjklmnpqrstvwxz2456789]{6,10}$/;
const JOB_LABELS = ['job-name', 'batch.kubernetes.io/job-name', 'controller-uid', 'batch.kubernetes.io/controller-uid'];

const Nullable = <T extends z.ZodType>(schema: T) => schema.nullish();
const PortNumber = z.number().int().min(0).max(65535);

const EnterpriseSchema = z.object({
  start_time: z.number().int().nonnegative(),
  end_time: z.number().int().nonnegative().optional(),
  source_ip: Nullable(z.string()),
  source_name: Nullable(z.string()),
  source_name_aggr: z.string(),
  source_namespace: Nullable(z.string()),
  source_port: Nullable(PortNumber),
  source_type: z.enum(['wep', 'hep', 'ns', 'net']),
  source_labels: Nullable(z.object({ labels: Nullable(z.array(z.string())) })),
  dest_ip: Nullable(z.string()),
  dest_name: Nullable(z.string()),
  dest_name_aggr: z.string(),
  dest_namespace: Nullable(z.string()),
  dest_port: Nullable(PortNumber),
  dest_type: z.enum(['wep', 'hep', 'ns', 'net']),
  dest_labels: Nullable(z.object({ labels: Nullable(z.array(z.string())) })),
  dest_service_namespace: Nullable(z.string()),
  dest_service_name: Nullable(z.string()),
  proto: z.union([z.string(), z.number().int()]),
  action: z.enum(['allow', 'deny']),
  reporter: z.enum(['src', 'dst']),
  num_flows: Nullable(z.number().int().nonnegative()),
  num_flows_started: Nullable(z.number().int().nonnegative()),
});

const GOLDMANE_TYPES: Readonly<Record<string, 'wep' | 'hep' | 'ns' | 'net'>> = {
  WorkloadEndpoint: 'wep',
  '1': 'wep',
  HostEndpoint: 'hep',
  '2': 'hep',
  NetworkSet: 'ns',
  '3': 'ns',
  Network: 'net',
  '4': 'net',
};
const EnumValue = z.union([z.string(), z.number().int()]).transform(String);

const GoldmaneSchema = z.object({
  key: z.object({
    source_name: z.string(),
    source_namespace: z.string().default(''),
    source_type: EnumValue,
    dest_name: z.string(),
    dest_namespace: z.string().default(''),
    dest_type: EnumValue,
    dest_port: z.union([PortNumber, z.string().regex(/^\d+$/).transform(Number)]).default(0),
    dest_service_name: z.string().default(''),
    dest_service_namespace: z.string().default(''),
    proto: z.string(),
    reporter: EnumValue,
    action: EnumValue,
  }),
  // int64 fields are strings in protojson.
  start_time: z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number)]),
  source_labels: z.array(z.string()).default([]),
  dest_labels: z.array(z.string()).default([]),
  num_connections_started: z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number)]).default(0),
});

/** One side of a normalised Calico record. */
interface CalicoSide {
  readonly type: 'wep' | 'hep' | 'ns' | 'net';
  readonly ip: string | undefined;
  readonly name: string | undefined;
  readonly nameAggr: string;
  readonly namespace: string | undefined;
  readonly labels: readonly string[];
  readonly field: string;
  readonly labelsField: string;
}

interface CalicoRecord {
  readonly time: number;
  readonly source: CalicoSide;
  readonly destination: CalicoSide;
  readonly proto: string;
  readonly port: number | undefined;
  readonly portField: string;
  readonly verdict: Verdict;
  readonly reporter: 'src' | 'dst';
  readonly count: number;
  readonly serviceNamespace: string | undefined;
  readonly serviceName: string | undefined;
  readonly serviceField: string;
}

/** Creates a Calico adapter with its own connection table. */
export function createCalicoAdapter(options: CalicoAdapterOptions = {}): FlowAdapter {
  return new CalicoAdapter(options);
}

class CalicoAdapter extends ConnectionAdapter {
  readonly format = 'calico' as const;
  private readonly syslogYear: number | undefined;
  private readonly clock: () => number;

  constructor(options: CalicoAdapterOptions) {
    // Flow logs are flushed every 5 minutes (felix FlowLogsFlushInterval); both reporters of one
    // interval may arrive that far apart.
    super(options, { idleTimeoutMs: 15 * 60_000 });
    this.syslogYear = options.syslogYear;
    this.clock = options.clock ?? Date.now;
  }

  push(record: string, _origin: RecordOrigin): readonly AdapterOutcome[] {
    if (record.includes('calico-felix[')) return [this.felixSyslog(record)];
    const json = parseJsonRecord(record);
    if (json.kind === 'dead-letter') return [json];
    const value = json.value;
    const normalised = this.normalise(value);
    if ('reason' in normalised) return [{ kind: 'dead-letter', reason: normalised.reason }];
    return [this.process(normalised)];
  }

  finish(): readonly AdapterOutcome[] {
    return [];
  }

  /** Reads either JSON shape into one normalised record, or says which field is wrong. */
  private normalise(value: unknown): CalicoRecord | { readonly reason: string } {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return { reason: 'field (record): expected a JSON object' };
    const object = value as Record<string, unknown>;
    const goldmane = object['Key'] !== undefined || object['key'] !== undefined ? object : isObject(object['flow']) ? object['flow'] : undefined;
    if (goldmane !== undefined) {
      const parsed = GoldmaneSchema.safeParse(snakeKeys(goldmane));
      if (!parsed.success) return { reason: describeIssue(parsed.error) };
      const flow = parsed.data;
      const key = flow.key;
      const sourceType = GOLDMANE_TYPES[key.source_type];
      const destinationType = GOLDMANE_TYPES[key.dest_type];
      if (sourceType === undefined) return { reason: `field key.source_type: unknown endpoint type ${JSON.stringify(key.source_type)}` };
      if (destinationType === undefined) return { reason: `field key.dest_type: unknown endpoint type ${JSON.stringify(key.dest_type)}` };
      const action = key.action === 'Allow' || key.action === '1' ? 'allowed' : key.action === 'Deny' || key.action === '2' ? 'denied' : undefined;
      if (action === undefined) return { reason: `field key.action: expected Allow or Deny, got ${JSON.stringify(key.action)}` };
      const reporter = key.reporter === 'Src' || key.reporter === '1' ? 'src' : key.reporter === 'Dst' || key.reporter === '2' ? 'dst' : undefined;
      if (reporter === undefined) return { reason: `field key.reporter: expected Src or Dst, got ${JSON.stringify(key.reporter)}` };
      return {
        time: flow.start_time * 1000,
        source: side(sourceType, undefined, undefined, key.source_name, key.source_namespace, flow.source_labels, 'key.source', 'source_labels'),
        destination: side(destinationType, undefined, undefined, key.dest_name, key.dest_namespace, flow.dest_labels, 'key.dest', 'dest_labels'),
        proto: key.proto,
        port: key.dest_port === 0 ? undefined : key.dest_port,
        portField: 'key.dest_port',
        verdict: action,
        reporter,
        count: Math.max(1, flow.num_connections_started),
        serviceNamespace: presentOrUndefined(key.dest_service_namespace),
        serviceName: presentOrUndefined(key.dest_service_name),
        serviceField: 'key.dest_service_name',
      };
    }
    const parsed = EnterpriseSchema.safeParse(object);
    if (!parsed.success) return { reason: describeIssue(parsed.error) };
    const log = parsed.data;
    return {
      time: log.start_time * 1000,
      source: side(log.source_type, log.source_ip, log.source_name, log.source_name_aggr, log.source_namespace, log.source_labels?.labels ?? [], 'source', 'source_labels.labels'),
      destination: side(log.dest_type, log.dest_ip, log.dest_name, log.dest_name_aggr, log.dest_namespace, log.dest_labels?.labels ?? [], 'dest', 'dest_labels.labels'),
      proto: String(log.proto),
      port: log.dest_port ?? undefined,
      portField: 'dest_port',
      verdict: log.action === 'allow' ? 'allowed' : 'denied',
      reporter: log.reporter,
      count: Math.max(1, log.num_flows_started ?? log.num_flows ?? 1),
      serviceNamespace: presentOrUndefined(log.dest_service_namespace),
      serviceName: presentOrUndefined(log.dest_service_name),
      serviceField: 'dest_service_name',
    };
  }

  private process(record: CalicoRecord): AdapterOutcome {
    const protocol = protocolFromName(record.proto);
    if (protocol === undefined) return { kind: 'skip', reason: CALICO_REASONS.protocol };
    const icmp = isIcmp(protocol);
    if (!icmp && (record.port === undefined || record.port === 0))
      return { kind: 'dead-letter', reason: `field ${record.portField}: listener port missing for ${protocol}` };

    const source = this.endpoint(record.source, record.time);
    if (!source.ok) return source.outcome;
    const destination = this.endpoint(record.destination, record.time);
    if (!destination.ok) return destination.outcome;

    let serviceName: string | undefined;
    if (record.serviceName !== undefined) {
      if (!isDnsLabel(record.serviceName)) return { kind: 'dead-letter', reason: `field ${record.serviceField}: must be a DNS-1123 label` };
      if (record.serviceNamespace !== undefined && !isDnsLabel(record.serviceNamespace))
        return { kind: 'dead-letter', reason: `field ${record.serviceField.replace('name', 'namespace')}: must be a DNS-1123 label` };
      serviceName = record.serviceNamespace !== undefined ? `${record.serviceNamespace}/${record.serviceName}` : record.serviceName;
    }

    const denied = record.verdict === 'denied';
    const key = [protocol, sideKey(record.source), sideKey(record.destination), record.port ?? '', record.time].join(' ');
    if (this.tracker.observe(key, record.time, denied) === 'repeat') return { kind: 'skip', reason: CALICO_REASONS.otherReporter };
    return checkFlow({
      time: record.time,
      source: source.endpoint,
      destination: destination.endpoint,
      protocol,
      ...(icmp ? {} : { port: record.port }),
      verdict: record.verdict,
      format: 'calico',
      count: record.count,
      ...(serviceName !== undefined ? { serviceName } : {}),
    });
  }

  /** One side of a flow-log record as an Endpoint. */
  private endpoint(side: CalicoSide, time: number): { ok: true; endpoint: Endpoint } | { ok: false; outcome: AdapterOutcome } {
    if (side.ip !== undefined && !isIp(side.ip)) return fail('dead-letter', `field ${side.field}_ip: not an IP address`);
    const ip = side.ip !== undefined ? { ip: side.ip } : {};
    if (side.type !== 'wep') {
      // A NetworkSet or unknown network may still be an address the cluster state knows (a node).
      if (side.type === 'hep') return { ok: true, endpoint: { kind: 'node', ...ip } };
      if (side.ip !== undefined && this.resolver !== undefined) {
        const resolved = endpointForIp(this.resolver, side.ip, time, { kind: 'world', ip: side.ip });
        if (resolved.ok) return { ok: true, endpoint: resolved.endpoint };
        return fail('quarantine', resolved.reason);
      }
      return { ok: true, endpoint: { kind: 'world', ...ip } };
    }
    const labels = parseCalicoLabels(side.labels, side.labelsField);
    if ('reason' in labels) return fail('dead-letter', labels.reason);
    const namespace = side.namespace;
    if (namespace === undefined || !isDnsLabel(namespace)) return fail('dead-letter', `field ${side.field}_namespace: a workload endpoint needs a DNS-1123 namespace`);
    if (side.name !== undefined) {
      if (!isDnsSubdomain(side.name)) return fail('dead-letter', `field ${side.field}_name: must be a DNS-1123 subdomain`);
      const known = this.resolver?.podByName(namespace, side.name);
      return {
        ok: true,
        endpoint: {
          kind: 'pod',
          ...ip,
          namespace,
          pod: side.name,
          ...(known?.uid !== undefined ? { uid: known.uid } : {}),
          labels: labels.labels,
          workload: known?.workload ?? inferWorkload(side.name, labels.labels),
          ...(known?.node !== undefined ? { node: known.node } : {}),
        },
      };
    }
    const aggregated = side.nameAggr;
    if (!aggregated.endsWith('*')) {
      // Not aggregated by prefix: the name is the pod's own (StatefulSet pods, bare pods).
      if (!isDnsSubdomain(aggregated)) return fail('dead-letter', `field ${side.field}_name_aggr: must be a DNS-1123 subdomain or a prefix ending in -*`);
      return { ok: true, endpoint: { kind: 'pod', ...ip, namespace, pod: aggregated, labels: labels.labels, workload: inferWorkload(aggregated, labels.labels) } };
    }
    const prefix = aggregated.slice(0, -1).replace(/-$/, '');
    if (!isDnsSubdomain(prefix)) return fail('dead-letter', `field ${side.field}_name_aggr: prefix must be a DNS-1123 subdomain`);
    const workload = workloadOfPrefix(prefix, labels.labels);
    if (workload === undefined) return fail('quarantine', CALICO_REASONS.aggregatedUnknown);
    return { ok: true, endpoint: { kind: 'pod', ...ip, namespace, labels: labels.labels, workload } };
  }

  /**
   * A calico-felix syslog policy line (`key="value"` pairs after the syslog header). It carries
   * addresses and the 5-tuple in the initiator's direction (`trafficDir`), so endpoints come from
   * the identity resolver; unknown addresses are quarantined.
   */
  private syslogTime(month: number, day: number, hour: number, minute: number, second: number): number {
    if (this.syslogYear !== undefined) return Date.UTC(this.syslogYear, month, day, hour, minute, second);
    const now = this.clock();
    const thisYear = Date.UTC(new Date(now).getUTCFullYear(), month, day, hour, minute, second);
    return thisYear > now + 86_400_000 ? Date.UTC(new Date(now).getUTCFullYear() - 1, month, day, hour, minute, second) : thisYear;
  }

  private felixSyslog(line: string): AdapterOutcome {
    const header = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) /.exec(line);
    if (header === null) return { kind: 'dead-letter', reason: 'field (syslog timestamp): expected "Mmm dd hh:mm:ss"' };
    const month = MONTHS.indexOf(header[1] ?? '');
    if (month === -1) return { kind: 'dead-letter', reason: 'field (syslog timestamp): unknown month' };
    const time = this.syslogTime(month, Number(header[2]), Number(header[3]), Number(header[4]), Number(header[5]));
    const fields = new Map<string, string>();
    // Keys start after whitespace and are short, so a long run of letters cannot make this quadratic.
    for (const match of line.matchAll(/(?<=\s)([A-Za-z]{1,32})=(?:"([^"]*)"|(\S+))/g)) fields.set(match[1] ?? '', match[2] ?? match[3] ?? '');
    if (!fields.has('srcIP') || !fields.has('dstIP')) return { kind: 'skip', reason: CALICO_REASONS.notFlow };
    const sourceIp = fields.get('srcIP') ?? '';
    const destinationIp = fields.get('dstIP') ?? '';
    if (!isIp(sourceIp)) return { kind: 'dead-letter', reason: 'field srcIP: not an IP address' };
    if (!isIp(destinationIp)) return { kind: 'dead-letter', reason: 'field dstIP: not an IP address' };
    const protocol = protocolFromNumber(Number(fields.get('proto')));
    if (protocol === undefined) return { kind: 'skip', reason: CALICO_REASONS.protocol };
    const icmp = isIcmp(protocol);
    const sourcePort = Number(fields.get('srcPort'));
    const port = Number(fields.get('dstPort'));
    if (!icmp && !(Number.isInteger(port) && port > 0 && port <= 65535)) return { kind: 'dead-letter', reason: 'field dstPort: listener port missing or out of range' };
    // Felix reports the tuple of the packet that hit the policy; a reply-looking tuple (a low
    // source port answering an ephemeral one) would be a reply the conntrack entry no longer covers.
    if (!icmp && orientByPorts(sourcePort, port) === 'reply') return { kind: 'skip', reason: 'reply direction of a connection (source port is the listener)' };
    const action = fields.get('action');
    // felix logs only these two; anything else is not a felix policy line and must not teach.
    if (action !== 'allow' && action !== 'deny') return { kind: 'dead-letter', reason: `field action: expected "allow" or "deny", got ${action === undefined ? 'none' : JSON.stringify(action)}` };
    const verdict: Verdict = action === 'allow' ? 'allowed' : 'denied';
    const source = endpointForIp(this.resolver, sourceIp, time);
    if (!source.ok) return { kind: 'quarantine', reason: `source: ${source.reason}` };
    const destination = endpointForIp(this.resolver, destinationIp, time);
    if (!destination.ok) return { kind: 'quarantine', reason: `destination: ${destination.reason}` };
    const key = `${protocol} ${sourceIp} ${sourcePort} ${destinationIp} ${port}`;
    if (this.tracker.observe(key, time, verdict === 'denied') === 'repeat') return { kind: 'skip', reason: CALICO_REASONS.otherReporter };
    return checkFlow({
      time,
      source: source.endpoint,
      destination: destination.endpoint,
      protocol,
      ...(icmp ? {} : { port }),
      verdict,
      format: 'calico',
    });
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function fail(kind: 'dead-letter' | 'quarantine', reason: string): { ok: false; outcome: AdapterOutcome } {
  return { ok: false, outcome: { kind, reason } };
}

function side(
  type: CalicoSide['type'],
  ip: string | null | undefined,
  name: string | null | undefined,
  nameAggr: string,
  namespace: string | null | undefined,
  labels: readonly string[] | null | undefined,
  field: string,
  labelsField: string,
): CalicoSide {
  return {
    type,
    ip: presentOrUndefined(ip),
    name: presentOrUndefined(name),
    nameAggr,
    namespace: presentOrUndefined(namespace),
    labels: labels ?? [],
    field,
    labelsField,
  };
}

/** Calico writes `-` (and Goldmane an empty string) for "none". */
function presentOrUndefined(value: string | null | undefined): string | undefined {
  return value === undefined || value === null || value === '' || value === DASH ? undefined : value;
}

function sideKey(side: CalicoSide): string {
  return `${side.type}:${side.namespace ?? ''}/${side.name ?? side.nameAggr}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const IP = z.union([z.ipv4(), z.ipv6()]);
function isIp(value: string): boolean {
  return IP.safeParse(value).success;
}

/** protojson writes lowerCamelCase names unless told otherwise; both spellings are accepted. */
function snakeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value;
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key === 'Key' ? 'key' : key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`), key === 'Key' || key === 'key' ? snakeKeys(inner) : inner]),
  );
}


/**
 * `key=value` label strings into a clean label map; the first invalid entry makes the record a
 * dead letter naming it (rule 4). Calico-internal keys are dropped.
 */
export function parseCalicoLabels(entries: readonly string[], field: string): { readonly labels: Record<string, string> } | { readonly reason: string } {
  const labels: Record<string, string> = {};
  for (const [index, entry] of entries.entries()) {
    const equals = entry.indexOf('=');
    if (equals === -1) return { reason: `field ${field}.${index}: expected key=value` };
    const key = entry.slice(0, equals);
    const value = entry.slice(equals + 1);
    if (!isLabelKey(key)) return { reason: `field ${field}.${index}: invalid label key ${JSON.stringify(key.slice(0, 80))}` };
    if (!isLabelValue(value)) return { reason: `field ${field}.${index}: invalid value for label ${key}` };
    if (key.startsWith('projectcalico.org/')) continue;
    labels[key] = value;
  }
  return { labels };
}

/** The workload behind an aggregated pod-name prefix (`<generateName>` without the trailing `-`). */
export function workloadOfPrefix(prefix: string, labels: Readonly<Record<string, string>>): WorkloadRef | undefined {
  const hash = labels['pod-template-hash'];
  if (hash !== undefined && hash !== '' && prefix.endsWith(`-${hash}`)) return { kind: 'Deployment', name: prefix.slice(0, -hash.length - 1) };
  if (JOB_LABELS.some((key) => labels[key] !== undefined)) return inferWorkload(`${prefix}-xxxxx`, labels);
  const shaped = SAFE_HASH.exec(prefix);
  if (shaped?.[1] !== undefined && labels['controller-revision-hash'] === undefined) return { kind: 'Deployment', name: shaped[1] };
  if (labels['controller-revision-hash'] !== undefined) return { kind: 'DaemonSet', name: prefix };
  return undefined;
}

import { describe, expect, it } from 'vitest';
import type { AdapterOutcome } from '../adapter.js';
import { clusterStateFromObjects } from '../../identity/cluster-state.js';
import { EPHEMERAL_PORT_START } from '../connection-tracker.js';
import { FlowSchema, type Flow } from '../../flow/flow.js';
import { createNetobservAdapter, NETOBSERV_REASONS, type NetobservAdapterOptions } from './netobserv.js';
import { flowsOf, runAdapter, sampleText } from '../testing/adapter-samples.js';

const SAMPLES = [
  'netobserv-console-plugin__mocks_loki_flow_records.json',
  'netobserv-console-plugin__mocks_loki_flow_records_has_dropped.json',
  'netobserv-console-plugin__mocks_loki_flow_records_sent.json',
];

interface LokiResponse {
  readonly data: { readonly result: readonly { readonly stream: Record<string, string>; readonly values: readonly (readonly [string, string])[] }[] };
}

/**
 * The records of a Loki query response, one JSON object a line, as flowlogs-pipeline wrote them:
 * Loki keeps some fields (namespaces, owners, types, FlowDirection) as stream labels, so they are
 * merged back into each record.
 */
function sample(name: string): string[] {
  const response = JSON.parse(sampleText('netobserv', name)) as LokiResponse;
  return response.data.result.flatMap((stream) => stream.values.map(([, line]) => JSON.stringify({ ...stream.stream, ...(JSON.parse(line) as object) })));
}

function run(records: readonly string[], options: NetobservAdapterOptions = {}): AdapterOutcome[] {
  return runAdapter(createNetobservAdapter(options), records);
}
const side = (endpoint: Flow['source']): string =>
  endpoint.kind === 'pod' ? `${endpoint.namespace}/${endpoint.workload?.kind}/${endpoint.workload?.name}` : `${endpoint.kind}:${endpoint.node ?? endpoint.ip ?? ''}`;
const edge = (flow: Flow): string => `${side(flow.source)} -> ${side(flow.destination)} ${flow.protocol}/${flow.port ?? '-'} ${flow.verdict}`;
const reasonOf = (outcome: AdapterOutcome | undefined): string => (outcome && 'reason' in outcome ? outcome.reason : '');
const countBy = (outcomes: readonly AdapterOutcome[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) {
    const key = outcome.kind === 'flow' ? 'flow' : `${outcome.kind}: ${outcome.reason}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
};

describe('NetObserv adapter on every real sample', () => {
  it.each(SAMPLES)('%s: every record accounted for, no dead letter, every flow valid and towards a listener port', (name) => {
    const records = sample(name);
    expect(records).toHaveLength(50);
    const outcomes = run(records);
    expect(outcomes).toHaveLength(records.length);
    expect(outcomes.filter((outcome) => outcome.kind === 'dead-letter')).toEqual([]);
    const flows = flowsOf(outcomes);
    expect(flows.length).toBeGreaterThan(0);
    for (const flow of flows) {
      expect(FlowSchema.safeParse(flow).success).toBe(true);
      if (flow.port !== undefined) expect(flow.port).toBeLessThan(EPHEMERAL_PORT_START);
    }
  });

  it('flow_records: both directions and several interfaces of a connection give one flow; DNS goes to the CoreDNS pods, not the Service', () => {
    const outcomes = run(sample(SAMPLES[0] as string));
    expect(countBy(outcomes)).toEqual({
      flow: 8,
      [`skip: ${NETOBSERV_REASONS.icmpError}`]: 12,
      [`skip: ${NETOBSERV_REASONS.repeat}`]: 7,
      [`skip: ${NETOBSERV_REASONS.reply}`]: 4,
      [`skip: ${NETOBSERV_REASONS.service}`]: 11,
      // Alertmanager gossip (UDP 9094 ↔ 9094) and node-to-node Geneve with two low ports: no evidence of a direction.
      [`quarantine: ${NETOBSERV_REASONS.noDirection}`]: 8,
    });
    expect(flowsOf(outcomes).map(edge)).toEqual([
      'openshift-service-ca-operator/Deployment/service-ca-operator -> world:172.20.0.1 TCP/6443 unknown',
      'node:ip-10-0-1-137.ec2.internal -> node:ip-10-0-1-7.ec2.internal UDP/6081 unknown',
      'node:ip-10-0-1-7.ec2.internal -> node:ip-10-0-1-137.ec2.internal UDP/6081 unknown',
      'openshift-monitoring/StatefulSet/prometheus-k8s -> openshift-monitoring/Deployment/telemeter-client TCP/8443 unknown',
      ...Array(4).fill('openshift-monitoring/StatefulSet/alertmanager-main -> openshift-dns/DaemonSet/dns-default UDP/5353 unknown'),
    ]);
  });

  it('flow_records_has_dropped: kernel drops for TCP state are no policy verdict', () => {
    const flows = flowsOf(run(sample(SAMPLES[1] as string)));
    expect(flows.filter((flow) => flow.verdict === 'denied')).toEqual([]);
    const edges = new Set(flows.map(edge));
    expect(edges).toContain('openshift-monitoring/StatefulSet/prometheus-k8s -> openshift-monitoring/Deployment/kube-state-metrics TCP/9443 unknown');
    expect(edges).toContain('openshift-monitoring/StatefulSet/prometheus-k8s -> node:ip-10-0-1-137.ec2.internal TCP/10250 unknown');
    // SYN+ACK|FIN+ACK|RST+ACK (788) from prometheus-adapter:6443 marks the listener's side.
    expect(edges).toContain('node:ip-10-0-1-137.ec2.internal -> openshift-monitoring/Deployment/prometheus-adapter TCP/6443 unknown');
  });

  it('flow_records_sent: ARP records (no addresses) are skipped', () => {
    const outcomes = run(sample(SAMPLES[2] as string));
    expect(outcomes.filter((outcome) => reasonOf(outcome) === NETOBSERV_REASONS.notIp)).toHaveLength(4);
  });
});

const BASE = {
  TimeFlowStartMs: 1735689600000,
  TimeFlowEndMs: 1735689600100,
  Etype: 2048,
  Proto: 6,
  Packets: 3,
  Bytes: 180,
  AgentIP: '10.0.0.1',
};
const CLIENT = { SrcAddr: '10.128.0.10', SrcK8S_Namespace: 'shop', SrcK8S_Name: 'web-6d4b8c9f7d-x2v9z', SrcK8S_Type: 'Pod', SrcK8S_OwnerName: 'web', SrcK8S_OwnerType: 'Deployment' };
const SERVER = { DstAddr: '10.129.0.20', DstK8S_Namespace: 'shop', DstK8S_Name: 'db-0', DstK8S_Type: 'Pod', DstK8S_OwnerName: 'db', DstK8S_OwnerType: 'StatefulSet' };
/** The server as the source of a reply. */
const SERVER_AS_SOURCE = { SrcAddr: '10.129.0.20', SrcK8S_Namespace: 'shop', SrcK8S_Name: 'db-0', SrcK8S_Type: 'Pod', SrcK8S_OwnerName: 'db', SrcK8S_OwnerType: 'StatefulSet' };
const CLIENT_AS_DESTINATION = { DstAddr: '10.128.0.10', DstK8S_Namespace: 'shop', DstK8S_Name: 'web-6d4b8c9f7d-x2v9z', DstK8S_Type: 'Pod', DstK8S_OwnerName: 'web', DstK8S_OwnerType: 'Deployment' };

const request = (extra: Record<string, unknown> = {}) => JSON.stringify({ ...BASE, ...CLIENT, ...SERVER, SrcPort: 5432, DstPort: 5432, Flags: 0x2, FlowDirection: 1, Interface: 'eth0', ...extra });
const reply = (extra: Record<string, unknown> = {}) => JSON.stringify({ ...BASE, ...SERVER_AS_SOURCE, ...CLIENT_AS_DESTINATION, SrcPort: 5432, DstPort: 5432, Flags: 0x110, FlowDirection: 0, Interface: 'eth0', ...extra });
const DB_EDGE = 'shop/Deployment/web -> shop/StatefulSet/db TCP/5432';

describe('NetObserv orientation and de-duplication: hand-made records', () => {
  it.each<[string, string[], string[], string[]]>([
    // Ports alone could not tell (5432 ↔ 5432): the TCP flags do.
    ['the SYN marks the initiator even when both ports are low', [request()], ['flow'], [`${DB_EDGE} unknown`]],
    ['the SYN+ACK reply first is turned around; the request after it is a repeat', [reply(), request()], ['flow', 'skip'], [`${DB_EDGE} unknown`]],
    [
      'egress at the client, ingress at the server, three interfaces: one flow',
      [request(), request({ FlowDirection: 0, Interface: 'genev_sys_6081' }), request({ Interface: 'br-ex' }), reply(), reply({ FlowDirection: 1 })],
      ['flow', 'skip', 'skip', 'skip', 'skip'],
      [`${DB_EDGE} unknown`],
    ],
    ['a record flagged Duplicate is skipped at once', [request({ Duplicate: true })], ['skip'], []],
    [
      'a DNS response (QR bit) is a reply',
      [JSON.stringify({ ...BASE, ...SERVER_AS_SOURCE, ...CLIENT_AS_DESTINATION, Proto: 17, SrcPort: 5353, DstPort: 5353, DnsId: 7, DnsFlags: 0x8180 })],
      ['flow'],
      ['shop/Deployment/web -> shop/StatefulSet/db UDP/5353 unknown'],
    ],
    [
      'a request addressed to a Service ClusterIP is left to the post-DNAT record',
      [request({ DstAddr: '172.30.0.10', DstK8S_Type: 'Service', DstK8S_Name: 'db', DstK8S_OwnerType: 'Service', DstPort: 5432 })],
      ['skip'],
      [],
    ],
    ['an ACL drop event is a denial', [request({ NetworkEvents: [{ Feature: 'acl', Type: 'NetpolNamespace', Action: 'drop', Direction: 'Ingress' }] })], ['flow'], [`${DB_EDGE} denied`]],
    ['a netfilter drop is a denial', [request({ PktDropPackets: 1, PktDropLatestDropCause: 'SKB_DROP_REASON_NETFILTER_DROP' })], ['flow'], [`${DB_EDGE} denied`]],
    ['an ACL allow event is an allowed flow', [request({ NetworkEvents: [{ Feature: 'acl', Action: 'allow' }] })], ['flow'], [`${DB_EDGE} allowed`]],
    ['a TCP drop (invalid sequence) is no verdict', [request({ PktDropPackets: 1, PktDropLatestDropCause: 'SKB_DROP_REASON_TCP_INVALID_SEQUENCE' })], ['flow'], [`${DB_EDGE} unknown`]],
    [
      'ICMPv6 echo request between IPv6 pods',
      [JSON.stringify({ ...BASE, ...CLIENT, ...SERVER, SrcAddr: 'fd00::10', DstAddr: 'fd00::20', Etype: 34525, Proto: 58, IcmpType: 128, IcmpCode: 0 })],
      ['flow'],
      ['shop/Deployment/web -> shop/StatefulSet/db ICMPv6/- unknown'],
    ],
    [
      'an address NetObserv did not enrich is outside the cluster',
      [JSON.stringify({ ...BASE, ...CLIENT, DstAddr: '203.0.113.9', SrcPort: 40000, DstPort: 443, Flags: 0x2 })],
      ['flow'],
      ['shop/Deployment/web -> world:203.0.113.9 TCP/443 unknown'],
    ],
  ])('%s', (_name, records, kinds, edges) => {
    const outcomes = run(records);
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(kinds);
    expect(flowsOf(outcomes).map(edge)).toEqual(edges);
    for (const flow of flowsOf(outcomes)) expect(FlowSchema.safeParse(flow).success).toBe(true);
  });

  it('a record without evidence is held back and decided by a later record of its connection', () => {
    const adapter = createNetobservAdapter();
    const undecided = JSON.stringify({ ...BASE, ...SERVER_AS_SOURCE, ...CLIENT_AS_DESTINATION, SrcPort: 5432, DstPort: 5432, Flags: 0x10 });
    expect(adapter.push(undecided, { source: 'test', line: 1 })).toEqual([]);
    expect(adapter.push(request(), { source: 'test', line: 2 }).map((outcome) => outcome.kind)).toEqual(['flow']);
    expect(adapter.finish()).toEqual([{ kind: 'skip', reason: NETOBSERV_REASONS.reply, origin: { source: 'test', line: 1 } }]);
  });

  it('a record that nothing ever orients is quarantined at the end, with its origin', () => {
    const adapter = createNetobservAdapter();
    const undecided = JSON.stringify({ ...BASE, ...CLIENT, ...SERVER, Proto: 17, SrcPort: 9094, DstPort: 9094 });
    expect(adapter.push(undecided, { source: 'loki', line: 3 })).toEqual([]);
    expect(adapter.finish()).toEqual([{ kind: 'quarantine', reason: NETOBSERV_REASONS.noDirection, origin: { source: 'loki', line: 3 } }]);
  });

  it('beyond maxHeldBack the oldest held record is settled at once', () => {
    const adapter = createNetobservAdapter({ maxHeldBack: 1 });
    const undecided = (port: number) => JSON.stringify({ ...BASE, ...CLIENT, ...SERVER, Proto: 17, SrcPort: port, DstPort: port });
    expect(adapter.push(undecided(9094), { source: 'test', line: 1 })).toEqual([]);
    expect(adapter.push(undecided(9095), { source: 'test', line: 2 })).toEqual([{ kind: 'quarantine', reason: NETOBSERV_REASONS.noDirection, origin: { source: 'test', line: 1 } }]);
    expect(adapter.finish()).toHaveLength(1);
  });

  it('the cluster state resolves an unenriched address and names the workload of a pod NetObserv did not own', () => {
    const state = clusterStateFromObjects([
      { kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'ops' }, spec: { selector: { matchLabels: { app: 'agent' } } } },
      {
        kind: 'Pod',
        metadata: { name: 'agent-x7k2p', namespace: 'ops', labels: { app: 'agent' }, ownerReferences: [{ kind: 'DaemonSet', name: 'agent', controller: true }] },
        status: { podIP: '10.128.0.50' },
      },
    ]);
    const records = [
      JSON.stringify({ ...BASE, ...CLIENT, DstAddr: '10.128.0.50', SrcPort: 40000, DstPort: 9100, Flags: 0x2 }),
      JSON.stringify({ ...BASE, ...CLIENT, DstAddr: '10.128.0.50', DstK8S_Namespace: 'ops', DstK8S_Name: 'agent-x7k2p', DstK8S_Type: 'Pod', SrcPort: 40001, DstPort: 9100, Flags: 0x2 }),
    ];
    const flows = flowsOf(run(records, { clusterState: state }));
    expect(flows.map(edge)).toEqual(['shop/Deployment/web -> ops/DaemonSet/agent TCP/9100 unknown', 'shop/Deployment/web -> ops/DaemonSet/agent TCP/9100 unknown']);
    expect(flows[1]?.destination.labels).toEqual({ app: 'agent' });
  });

  it.each([
    ['a namespace that is no DNS label', request({ SrcK8S_Namespace: 'Shop!' }), /^field SrcK8S_Namespace:/],
    ['a pod name with a newline', request({ DstK8S_Name: 'db-0\nkind: Secret' }), /^field DstK8S_Name:/],
    ['an owner name that is no DNS name', request({ SrcK8S_OwnerName: 'web/../..' }), /^field SrcK8S_OwnerName:/],
    ['a node name that is no DNS name', request({ DstK8S_Type: 'Node', DstK8S_Name: 'Node_1' }), /^field DstK8S_Name:/],
    ['an address that is no IP', request({ SrcAddr: '10.128.0.300' }), /^field SrcAddr:/],
    ['a port out of range', request({ DstPort: 70000 }), /^field DstPort:/],
    ['no start time', request({ TimeFlowStartMs: undefined }), /^field TimeFlowStartMs:/],
    ['TCP without a listener port', request({ DstPort: 0 }), /^field DstPort: listener port missing$/],
    ['truncated JSON', request().slice(0, 40), /^not valid JSON/],
    ['an array', '[]', /^field \(record\):/],
  ])('%s → dead letter naming the field', (_name, line, reason) => {
    const outcomes = run([line]);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]?.kind).toBe('dead-letter');
    expect(reasonOf(outcomes[0])).toMatch(reason);
  });
});

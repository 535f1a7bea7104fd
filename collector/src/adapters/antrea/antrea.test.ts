import { describe, expect, it } from 'vitest';
import type { AdapterOutcome } from '../adapter.js';
import { ANTREA_REASONS, createAntreaAdapter, type AntreaAdapterOptions } from './antrea.js';
import { clusterStateFromObjects } from '../../identity/cluster-state.js';
import { FlowSchema, type Flow } from '../../flow/flow.js';
import { IP_ENDPOINT_REASONS } from '../ip-endpoint.js';
import { flowsOf, runAdapter, sampleLines, sampleText } from '../testing/adapter-samples.js';

const read = (name: string): string => sampleText('antrea', name);
const lines = (name: string): string[] => sampleLines('antrea', name);
const FLOW_RECORDS = 'antrea__docs-antctl_get_flowrecords.json';
const FLOW_TABLE = 'antrea__docs-antctl_get_flowrecords_table.txt';
const NP_LOG = 'antrea__docs-antrea-network-policy_np.log_examples.txt';

function run(records: readonly string[], options: AntreaAdapterOptions = {}): AdapterOutcome[] {
  return runAdapter(createAntreaAdapter(options), records);
}
const side = (endpoint: Flow['source']): string =>
  endpoint.kind === 'pod' ? `${endpoint.namespace}/${endpoint.workload?.kind}/${endpoint.workload?.name}` : `${endpoint.kind}:${endpoint.ip ?? ''}`;
const edge = (flow: Flow): string => `${side(flow.source)} -> ${side(flow.destination)} ${flow.protocol}/${flow.port ?? '-'} ${flow.verdict}`;
const reasonOf = (outcome: AdapterOutcome | undefined): string => (outcome && 'reason' in outcome ? outcome.reason : '');

/** The sample's records, one compact JSON object per line, as the aggregator's exporters write them. */
const sampleRecords = (): string[] => (JSON.parse(read(FLOW_RECORDS)) as unknown[]).map((record) => JSON.stringify(record));

/** A Flow Aggregator record between two pods, with overrides. */
function record(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    flowStartSeconds: 1735689600,
    flowEndSeconds: 1735689660,
    sourceIPv4Address: '10.10.1.4',
    destinationIPv4Address: '10.10.2.5',
    sourceTransportPort: 41000,
    destinationTransportPort: 8080,
    protocolIdentifier: 6,
    sourcePodName: 'web-6d4b8c9f7d-x2v9z',
    sourcePodNamespace: 'shop',
    sourceNodeName: 'node-a',
    destinationPodName: 'api-5c8d9b7f6d-k4w8q',
    destinationPodNamespace: 'shop',
    destinationNodeName: 'node-b',
    destinationClusterIPv4: '10.96.0.20',
    destinationServicePort: 80,
    destinationServicePortName: 'shop/api:http',
    flowType: 2,
    ingressNetworkPolicyRuleAction: 0,
    egressNetworkPolicyRuleAction: 0,
    packetTotalCount: 12,
    sourcePodLabels: '{"app":"web","pod-template-hash":"6d4b8c9f7d"}',
    destinationPodLabels: '{"app":"api"}',
    ...overrides,
  });
}

const pod = (name: string, ip: string, extra: Record<string, unknown> = {}) => ({
  kind: 'Pod',
  metadata: { name, namespace: 'default', creationTimestamp: '2023-01-01T00:00:00Z', labels: { app: name } },
  spec: { nodeName: 'k8s-node-worker-1', ...extra },
  status: { podIP: ip },
});
const NP_CLUSTER = clusterStateFromObjects([pod('nettool', '10.10.1.7'), pod('nettoolv3', '10.10.1.14'), pod('client', '10.10.1.13'), pod('remote', '10.10.2.3')]);

describe('Antrea adapter on every real sample', () => {
  it(`${FLOW_RECORDS}: the gateway source with empty pod fields is a host; DNS to the coredns Deployment`, () => {
    const outcomes = run(sampleRecords());
    expect(outcomes).toHaveLength(1);
    const [flow] = flowsOf(outcomes);
    expect(flow && FlowSchema.safeParse(flow).success).toBe(true);
    expect(flow && edge(flow)).toBe('host:10.10.0.1 -> kube-system/Deployment/coredns UDP/53 allowed');
    expect(flow?.destination.node).toBe('k8s-node-worker-1');
    expect(flow?.time).toBe(1635546867000);
  });

  it(`${FLOW_RECORDS}: the whole antctl array on one line gives the same flow`, () => {
    const outcomes = run([JSON.stringify(JSON.parse(read(FLOW_RECORDS)))]);
    expect(flowsOf(outcomes).map(edge)).toEqual(['host:10.10.0.1 -> kube-system/Deployment/coredns UDP/53 allowed']);
  });

  it(`${FLOW_RECORDS}: the gateway address known as a node in the cluster state becomes that node`, () => {
    const state = clusterStateFromObjects([
      {
        kind: 'Pod',
        metadata: { name: 'antrea-agent-x7k2p', namespace: 'kube-system', creationTimestamp: '2021-01-01T00:00:00Z' },
        spec: { nodeName: 'k8s-node-control-plane', hostNetwork: true },
        status: { podIP: '10.10.0.1' },
      },
    ]);
    const [flow] = flowsOf(run(sampleRecords(), { clusterState: state }));
    expect(flow?.source).toEqual({ kind: 'node', ip: '10.10.0.1', node: 'k8s-node-control-plane' });
  });

  it(`${FLOW_TABLE}: antctl's table is for people, not a record format: every line is a dead letter, no crash`, () => {
    const outcomes = run(lines(FLOW_TABLE));
    expect(outcomes).toHaveLength(lines(FLOW_TABLE).length);
    expect(outcomes.every((outcome) => outcome.kind === 'dead-letter')).toBe(true);
  });

  it(`${FLOW_TABLE}: the SERVICE column's form (kube-system/kube-dns:dns) names the Service of a flow record`, () => {
    const service = /(\S+\/\S+:\S+)\s*$/.exec(lines(FLOW_TABLE)[2] ?? '')?.[1];
    expect(service).toBe('kube-system/kube-dns:dns');
    const [flow] = flowsOf(run([record({ destinationServicePortName: service })]));
    expect(flow?.serviceName).toBe('kube-system/kube-dns');
  });

  it(`${NP_LOG}: without cluster state the address-only end of every line is quarantined (the repeat is skipped)`, () => {
    const outcomes = run(lines(NP_LOG));
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['quarantine', 'quarantine', 'quarantine', 'quarantine', 'quarantine']);
    expect(reasonOf(outcomes[0])).toBe(`source: ${IP_ENDPOINT_REASONS.noClusterState}`);
    expect(reasonOf(outcomes[1])).toBe(`destination: ${IP_ENDPOINT_REASONS.noClusterState}`);
  });

  it(`${NP_LOG}: with the cluster state, audit lines become flows oriented from the rule's direction`, () => {
    const outcomes = run(lines(NP_LOG), { clusterState: NP_CLUSTER });
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['flow', 'flow', 'skip', 'flow', 'flow']);
    expect(reasonOf(outcomes[2])).toBe(ANTREA_REASONS.update);
    const flows = flowsOf(outcomes);
    for (const flow of flows) expect(FlowSchema.safeParse(flow).success).toBe(true);
    expect(flows.map(edge)).toEqual([
      'default/Pod/nettool -> default/Pod/nettoolv3 TCP/80 denied',
      'default/Pod/nettool -> default/Pod/remote ICMPv4/- denied',
      'default/Pod/client -> default/Pod/nettool TCP/80 allowed',
      'default/Pod/client -> default/Pod/nettool ICMPv4/- denied',
    ]);
    expect(flows[0]?.time).toBe(Date.UTC(2023, 6, 4, 12, 45, 21, 804));
  });
});

describe('Antrea flow records: hand-made', () => {
  it.each<[string, string[], string[], string[]]>([
    ['pod to pod through a Service', [record()], ['flow'], ['shop/Deployment/web -> shop/Deployment/api TCP/8080 allowed']],
    ['re-exports of one connection are skipped', [record(), record({ packetTotalCount: 40, flowEndSeconds: 1735689720 })], ['flow', 'skip'], ['shop/Deployment/web -> shop/Deployment/api TCP/8080 allowed']],
    ['an ingress Drop is denied', [record({ ingressNetworkPolicyRuleAction: 2 })], ['flow'], ['shop/Deployment/web -> shop/Deployment/api TCP/8080 denied']],
    ['an egress Reject is denied', [record({ egressNetworkPolicyRuleAction: 3 })], ['flow'], ['shop/Deployment/web -> shop/Deployment/api TCP/8080 denied']],
    [
      'ToExternal: a destination without pod fields is the world',
      [record({ destinationIPv4Address: '203.0.113.7', destinationPodName: '', destinationPodNamespace: '', destinationNodeName: '', destinationServicePortName: '', destinationTransportPort: 443, flowType: 3 })],
      ['flow'],
      ['shop/Deployment/web -> world:203.0.113.7 TCP/443 allowed'],
    ],
    [
      'IPv6 addresses',
      [record({ sourceIPv4Address: '', sourceIPv6Address: 'fd00:10::4', destinationIPv4Address: '', destinationIPv6Address: 'fd00:10::5', destinationServicePortName: '' })],
      ['flow'],
      ['shop/Deployment/web -> shop/Deployment/api TCP/8080 allowed'],
    ],
    ['an RFC 3339 start time (ClickHouse export)', [record({ flowStartSeconds: '2025-01-01T00:00:00Z' })], ['flow'], ['shop/Deployment/web -> shop/Deployment/api TCP/8080 allowed']],
    ['labels as an object', [record({ sourcePodLabels: { app: 'web' } })], ['flow'], ['shop/Deployment/web -> shop/Deployment/api TCP/8080 allowed']],
    ['a protocol NetworkPolicy cannot express', [record({ protocolIdentifier: 47 })], ['skip'], []],
    [
      'an array with one good and one bad record',
      [`[${record()},${record({ protocolIdentifier: 'tcp' })}]`],
      ['flow', 'dead-letter'],
      ['shop/Deployment/web -> shop/Deployment/api TCP/8080 allowed'],
    ],
  ])('%s', (_name, records, kinds, edges) => {
    const outcomes = run(records);
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(kinds);
    expect(flowsOf(outcomes).map(edge)).toEqual(edges);
    for (const flow of flowsOf(outcomes)) expect(FlowSchema.safeParse(flow).success).toBe(true);
  });

  it('the pod labels from the record travel with the flow; the Service is named', () => {
    const [flow] = flowsOf(run([record()]));
    expect(flow?.source.labels).toEqual({ app: 'web', 'pod-template-hash': '6d4b8c9f7d' });
    expect(flow?.serviceName).toBe('shop/api');
    expect(flow?.port).toBe(8080);
  });

  it.each([
    ['a hostile label value', { sourcePodLabels: '{"app":"web\\nrole: admin"}' }, /^field sourcePodLabels\.app: invalid label value$/],
    ['a hostile label key', { destinationPodLabels: '{"bad key":"x"}' }, /^field destinationPodLabels: invalid label key/],
    ['labels that are no JSON', { sourcePodLabels: '{app=web}' }, /^field sourcePodLabels: not a JSON object$/],
    ['a namespace that is no DNS label', { destinationPodNamespace: 'Shop' }, /^field destinationPodNamespace: must be a DNS-1123 label$/],
    ['a pod name that is no DNS name', { sourcePodName: 'web_1' }, /^field sourcePodName:/],
    ['a Service port name of the wrong shape', { destinationServicePortName: 'api:http' }, /^field destinationServicePortName:/],
    ['a missing protocol', { protocolIdentifier: undefined }, /^field protocolIdentifier:/],
    ['a source that is no IP', { sourceIPv4Address: '10.10.1' }, /^field sourceIPv4Address: not an IP address$/],
    ['no destination port for TCP', { destinationTransportPort: 0 }, /^field destinationTransportPort: listener port missing$/],
    ['a start time that is no time', { flowStartSeconds: 'yesterday' }, /^field flowStartSeconds:/],
    // Issue 11, item 8: an action outside Antrea's enum used to fall through to "allowed".
    ['a rule action outside the enum', { ingressNetworkPolicyRuleAction: 7 }, /^field ingressNetworkPolicyRuleAction: 7 is not a rule action/],
    ['a negative egress rule action', { egressNetworkPolicyRuleAction: -1 }, /^field egressNetworkPolicyRuleAction: -1 is not a rule action/],
  ])('%s → dead letter naming the field', (_name, overrides, reason) => {
    const outcomes = run([record(overrides)]);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]?.kind).toBe('dead-letter');
    expect(reasonOf(outcomes[0])).toMatch(reason);
  });

  it.each([
    ['truncated JSON', record().slice(0, 50), /^not valid JSON/],
    ['an audit line cut short', '2023/07/04 12:45:21.804416 IngressDefaultRule AntreaNetworkPolicy:default/x', /^not an Antrea flow record or np\.log line$/],
    ['an audit line with a bad pod reference', '2023/07/04 12:31:02.801442 IngressRule K8sNetworkPolicy:default/allow <nil> Ingress Allow 190 nettool 10.10.1.13 57050 10.10.1.7 80 TCP 60 <nil>', /^field pod:/],
    ['an audit line with an action Antrea does not log', '2023/07/04 12:31:02.801442 IngressRule K8sNetworkPolicy:default/allow <nil> Ingress Maybe 190 default/nettool 10.10.1.13 57050 10.10.1.7 80 TCP 60 <nil>', /^field \(action\): "Maybe" is not an audit action/],
    ['an audit line with a bad address', '2023/07/04 12:31:02.801442 IngressRule K8sNetworkPolicy:default/allow <nil> Ingress Allow 190 default/nettool 10.10.1.300 57050 10.10.1.7 80 TCP 60 <nil>', /^field srcIP:/],
  ])('%s → dead letter', (_name, line, reason) => {
    const outcomes = run([line], { clusterState: NP_CLUSTER });
    expect(outcomes[0]?.kind).toBe('dead-letter');
    expect(reasonOf(outcomes[0])).toMatch(reason);
  });

  it('an audit line for IPv6 with Egress direction', () => {
    const state = clusterStateFromObjects([pod('nettool', 'fd00::7'), pod('server', 'fd00::9')]);
    const outcomes = run(['2023/07/04 12:31:02.801442 AntreaPolicyEgressRule AntreaNetworkPolicy:default/allow-web allow-web Egress Allow 10 default/nettool fd00::7 40000 fd00::9 443 TCP 80 web'], {
      clusterState: state,
    });
    expect(flowsOf(outcomes).map(edge)).toEqual(['default/Pod/nettool -> default/Pod/server TCP/443 allowed']);
  });
});

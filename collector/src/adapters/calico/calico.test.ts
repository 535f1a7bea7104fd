import { describe, expect, it } from 'vitest';
import type { AdapterOutcome } from '../adapter.js';
import { CALICO_REASONS, createCalicoAdapter, parseCalicoLabels, workloadOfPrefix, type CalicoAdapterOptions } from './calico.js';
import { clusterStateFromObjects } from '../../identity/cluster-state.js';
import { FlowSchema, type Flow } from '../../flow/flow.js';
import { IP_ENDPOINT_REASONS } from '../ip-endpoint.js';
import { flowsOf, runAdapter, sampleLines, sampleText } from '../testing/adapter-samples.js';

const read = (name: string): string => sampleText('calico', name);
const lines = (name: string): string[] => sampleLines('calico', name);
const FLOWS_LOG = 'tigera-cs-observability-clinic__3CLI_flows.log_deny.jsonl';
const DOCS_EXAMPLE = 'tigera-docs__calico-enterprise_flow_datatypes_example.json.txt';
const FELIX_SYSLOG = 'tigera-cs-observability-clinic__3CLI_felix_syslog_hep_deny.txt';

function run(records: readonly string[], options: CalicoAdapterOptions = {}): AdapterOutcome[] {
  return runAdapter(createCalicoAdapter(options), records);
}
const side = (endpoint: Flow['source']): string =>
  endpoint.kind === 'pod' ? `${endpoint.namespace}/${endpoint.workload?.kind}/${endpoint.workload?.name}` : `${endpoint.kind}${endpoint.ip ? `:${endpoint.ip}` : ''}`;
const edge = (flow: Flow): string => `${side(flow.source)} -> ${side(flow.destination)} ${flow.protocol}/${flow.port ?? '-'} ${flow.verdict}`;
const reasonOf = (outcome: AdapterOutcome | undefined): string => (outcome && 'reason' in outcome ? outcome.reason : '');

/** A Calico Enterprise flow-log record in the shape of the real sample, with overrides. */
function enterprise(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    start_time: 1659621542,
    end_time: 1659621842,
    source_ip: null,
    source_name: '-',
    source_name_aggr: 'frontend-5d8f4b7c9d-*',
    source_namespace: 'shop',
    source_port: null,
    source_type: 'wep',
    source_labels: { labels: ['app=frontend', 'pod-template-hash=5d8f4b7c9d'] },
    dest_ip: null,
    dest_name: '-',
    dest_name_aggr: 'cart-7b9c8d6f5d-*',
    dest_namespace: 'shop',
    dest_port: 7070,
    dest_type: 'wep',
    dest_labels: { labels: ['app=cart', 'pod-template-hash=7b9c8d6f5d', 'projectcalico.org/namespace=shop'] },
    dest_service_namespace: '-',
    dest_service_name: '-',
    dest_service_port: '-',
    dest_service_port_num: null,
    proto: 'tcp',
    action: 'allow',
    reporter: 'src',
    num_flows: 3,
    num_flows_started: 3,
    num_flows_completed: 3,
    ...overrides,
  });
}

/** A Goldmane flow (goldmane/proto/api.proto `Flow`) as protojson with proto field names. */
function goldmane(key: Record<string, unknown> = {}, flow: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Key: {
      source_name: 'frontend-5d8f4b7c9d-*',
      source_namespace: 'shop',
      source_type: 'WorkloadEndpoint',
      dest_name: 'cart-7b9c8d6f5d-*',
      dest_namespace: 'shop',
      dest_type: 'WorkloadEndpoint',
      dest_port: 7070,
      dest_service_name: 'cart',
      dest_service_namespace: 'shop',
      dest_service_port_name: 'grpc',
      dest_service_port: 80,
      proto: 'tcp',
      reporter: 'Src',
      action: 'Allow',
      ...key,
    },
    start_time: 1740000000,
    end_time: 1740000015,
    source_labels: ['app=frontend', 'pod-template-hash=5d8f4b7c9d'],
    dest_labels: ['app=cart', 'pod-template-hash=7b9c8d6f5d'],
    num_connections_started: 2,
    ...flow,
  };
}

describe('Calico adapter on every real sample', () => {
  it(`${FLOWS_LOG}: the dst-reported deny becomes one denied flow to the checkoutservice Deployment on its pod port`, () => {
    const outcomes = run(lines(FLOWS_LOG));
    expect(outcomes).toHaveLength(1);
    const [flow] = flowsOf(outcomes);
    expect(flow && FlowSchema.safeParse(flow).success).toBe(true);
    expect(flow && edge(flow)).toBe('default/Pod/multitool -> hipstershop/Deployment/checkoutservice TCP/5050 denied');
    expect(flow?.source.labels).toEqual({ run: 'multitool' });
    expect(flow?.destination.labels).toEqual({ app: 'checkoutservice', 'pod-template-hash': '598d5b586d', tenant: 'hipstershop' });
    expect(flow?.time).toBe(1659621542000);
    expect(flow?.count).toBe(1);
  });

  it(`${DOCS_EXAMPLE}: the documented example is not valid JSON and is rejected with the reason, never a crash`, () => {
    const outcomes = run([read(DOCS_EXAMPLE).replace(/\n/g, ' ')]);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]?.kind).toBe('dead-letter');
    expect(reasonOf(outcomes[0])).toMatch(/^not valid JSON: /);
  });

  it(`${DOCS_EXAMPLE}: read line by line (as a JSON-lines reader would), every line is a dead letter`, () => {
    const outcomes = run(lines(DOCS_EXAMPLE));
    expect(outcomes).toHaveLength(lines(DOCS_EXAMPLE).length);
    expect(outcomes.every((outcome) => outcome.kind === 'dead-letter')).toBe(true);
  });

  it(`${DOCS_EXAMPLE}: with the trailing comma removed, the record is an allowed flow between two Deployments`, () => {
    const repaired = read(DOCS_EXAMPLE).replace(/,\s*\]/g, ']');
    const flows = flowsOf(run([repaired]));
    expect(flows.map(edge)).toEqual(['policy-demo/Deployment/access -> policy-demo/Deployment/nginx TCP/80 allowed']);
  });

  it(`${FELIX_SYSLOG}: host-endpoint syslog lines carry addresses only; unknown addresses are quarantined`, () => {
    const outcomes = run(lines(FELIX_SYSLOG));
    expect(outcomes).toHaveLength(4);
    expect(outcomes.map(reasonOf)).toEqual(Array(4).fill(`source: ${IP_ENDPOINT_REASONS.noClusterState}`));
  });

  it(`${FELIX_SYSLOG}: with the bastion's address known as a node, the external destination is still never guessed`, () => {
    const state = clusterStateFromObjects([
      {
        kind: 'Pod',
        metadata: { name: 'node-agent-x7k2p', namespace: 'kube-system', creationTimestamp: '2022-01-01T00:00:00Z' },
        spec: { nodeName: 'bastion', hostNetwork: true },
        status: { podIP: '10.0.1.10' },
      },
    ]);
    const outcomes = run(lines(FELIX_SYSLOG), { clusterState: state, syslogYear: 2022 });
    expect(outcomes.map(reasonOf)).toEqual(Array(4).fill(`destination: ${IP_ENDPOINT_REASONS.unknown}`));
  });
});

describe('Calico Enterprise flow logs: hand-made records', () => {
  it.each<[string, string[], string[], string[]]>([
    ['one connection reported by both ends gives one flow', [enterprise(), enterprise({ reporter: 'dst' })], ['flow', 'skip'], ['shop/Deployment/frontend -> shop/Deployment/cart TCP/7070 allowed']],
    [
      'allowed by the source, denied by the destination: the denial is emitted too',
      [enterprise(), enterprise({ reporter: 'dst', action: 'deny' })],
      ['flow', 'flow'],
      ['shop/Deployment/frontend -> shop/Deployment/cart TCP/7070 allowed', 'shop/Deployment/frontend -> shop/Deployment/cart TCP/7070 denied'],
    ],
    ['the next interval is a new record', [enterprise(), enterprise({ start_time: 1659621842 })], ['flow', 'flow'], Array(2).fill('shop/Deployment/frontend -> shop/Deployment/cart TCP/7070 allowed')],
    [
      'aggregated names without labels: the ReplicaSet hash shape names the Deployment',
      [enterprise({ source_labels: null, dest_labels: { labels: null } })],
      ['flow'],
      ['shop/Deployment/frontend -> shop/Deployment/cart TCP/7070 allowed'],
    ],
    [
      'a DaemonSet prefix (controller-revision-hash) and a Job prefix (job-name)',
      [
        enterprise({ source_name_aggr: 'log-agent-*', source_labels: { labels: ['controller-revision-hash=6b9f8c7d5', 'app=log-agent'] } }),
        enterprise({ source_name_aggr: 'report-28400000-*', source_labels: { labels: ['job-name=report-28400000', 'controller-uid=abc'] }, dest_port: 7071 }),
      ],
      ['flow', 'flow'],
      ['shop/DaemonSet/log-agent -> shop/Deployment/cart TCP/7070 allowed', 'shop/CronJob/report -> shop/Deployment/cart TCP/7071 allowed'],
    ],
    ['a prefix with no owner evidence is quarantined', [enterprise({ source_name_aggr: 'mystery-*', source_labels: { labels: ['app=mystery'] } })], ['quarantine'], []],
    [
      'exact names (no aggregation) with IPv6 addresses',
      [enterprise({ source_name: 'frontend-5d8f4b7c9d-x7k2p', source_ip: 'fd00::1', dest_name: 'cart-7b9c8d6f5d-fghjk', dest_ip: 'fd00::2', source_port: 40000 })],
      ['flow'],
      ['shop/Deployment/frontend -> shop/Deployment/cart TCP/7070 allowed'],
    ],
    [
      'a host endpoint and the public network',
      [enterprise({ source_type: 'hep', source_name_aggr: 'node-1-eth0', source_namespace: '-', dest_type: 'net', dest_name_aggr: 'pub', dest_namespace: '-', dest_ip: '203.0.113.9', dest_port: 443 })],
      ['flow'],
      ['node -> world:203.0.113.9 TCP/443 allowed'],
    ],
    ['a NetworkSet destination', [enterprise({ dest_type: 'ns', dest_name_aggr: 'partners', dest_namespace: 'shop' })], ['flow'], ['shop/Deployment/frontend -> world TCP/7070 allowed']],
    ['ICMP has no port', [enterprise({ proto: 'icmp', dest_port: null })], ['flow'], ['shop/Deployment/frontend -> shop/Deployment/cart ICMPv4/- allowed']],
    ['a protocol NetworkPolicy cannot express is skipped', [enterprise({ proto: '47' })], ['skip'], []],
  ])('%s', (_name, records, kinds, edges) => {
    const outcomes = run(records);
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(kinds);
    expect(flowsOf(outcomes).map(edge)).toEqual(edges);
    for (const flow of flowsOf(outcomes)) expect(FlowSchema.safeParse(flow).success).toBe(true);
  });

  it('a flow addressed through a Service keeps dest_port (the pod port after DNAT) and names the Service', () => {
    const [flow] = flowsOf(run([enterprise({ dest_service_namespace: 'shop', dest_service_name: 'cart', dest_service_port: 'grpc', dest_service_port_num: 80 })]));
    expect(flow?.port).toBe(7070);
    expect(flow?.serviceName).toBe('shop/cart');
  });

  it('num_flows_started is the count; calico-internal labels are dropped', () => {
    const [flow] = flowsOf(run([enterprise({ num_flows_started: 7 })]));
    expect(flow?.count).toBe(7);
    expect(flow?.destination.labels).toEqual({ app: 'cart', 'pod-template-hash': '7b9c8d6f5d' });
  });

  it('the cluster state names the workload of an exact pod name', () => {
    const state = clusterStateFromObjects([
      { kind: 'StatefulSet', metadata: { name: 'cart', namespace: 'shop' }, spec: { selector: { matchLabels: { app: 'cart' } } } },
      {
        kind: 'Pod',
        metadata: { name: 'cart-7b9c8d6f5d-fghjk', namespace: 'shop', uid: 'u-1', ownerReferences: [{ kind: 'StatefulSet', name: 'cart', controller: true }] },
        status: { podIP: '10.0.0.7' },
      },
    ]);
    const [flow] = flowsOf(run([enterprise({ dest_name: 'cart-7b9c8d6f5d-fghjk' })], { clusterState: state }));
    expect(flow?.destination.workload).toEqual({ kind: 'StatefulSet', name: 'cart' });
    expect(flow?.destination.uid).toBe('u-1');
  });

  it.each([
    ['a label without =', { source_labels: { labels: ['app=frontend', 'oops'] } }, /^field source_labels\.labels\.1: expected key=value$/],
    ['a label key with spaces', { dest_labels: { labels: ['bad key=v'] } }, /^field dest_labels\.labels\.0: invalid label key/],
    ['a label value with a newline (YAML injection)', { dest_labels: { labels: ['app=cart\nrole: admin'] } }, /^field dest_labels\.labels\.0: invalid value for label app$/],
    ['an overlong label value', { source_labels: { labels: [`app=${'a'.repeat(64)}`] } }, /^field source_labels\.labels\.0: invalid value/],
    ['a namespace that is no DNS label', { source_namespace: 'Shop_1' }, /^field source_namespace:/],
    ['a pod name that is no DNS name', { dest_name: 'cart/../../etc' }, /^field dest_name:/],
    ['an aggregated prefix that is no DNS name', { source_name_aggr: 'Front End-*' }, /^field source_name_aggr:/],
    ['a Service name that is no DNS label', { dest_service_namespace: 'shop', dest_service_name: 'Cart!' }, /^field dest_service_name:/],
    ['an IP that is no IP', { source_ip: '10.0.0.999' }, /^field source_ip:/],
    ['a TCP record without a destination port', { dest_port: null }, /^field dest_port: listener port missing for TCP$/],
    ['an unknown reporter', { reporter: 'both' }, /^field reporter:/],
    ['an unknown action', { action: 'log' }, /^field action:/],
    ['a missing start time', { start_time: undefined }, /^field start_time:/],
    ['an unknown endpoint type', { source_type: 'pod' }, /^field source_type:/],
  ])('%s → dead letter naming the field', (_name, overrides, reason) => {
    const outcomes = run([enterprise(overrides)]);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]?.kind).toBe('dead-letter');
    expect(reasonOf(outcomes[0])).toMatch(reason);
  });

  it.each([
    ['truncated JSON', enterprise().slice(0, 120)],
    ['a JSON array', '[1,2,3]'],
    ['JSON null', 'null'],
    ['binary noise', '\u0000\u00ff{"reporter"'],
  ])('%s → dead letter, no crash', (_name, record) => {
    const outcomes = run([record]);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]?.kind).toBe('dead-letter');
  });
});

describe('Calico OSS Goldmane flows', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['proto field names', goldmane(), 'shop/Deployment/frontend -> shop/Deployment/cart TCP/7070 allowed'],
    [
      'lowerCamelCase protojson with numeric enums and int64 strings',
      {
        key: {
          sourceName: 'frontend-5d8f4b7c9d-*',
          sourceNamespace: 'shop',
          sourceType: 1,
          destName: 'cart-7b9c8d6f5d-*',
          destNamespace: 'shop',
          destType: 1,
          destPort: '7070',
          proto: 'tcp',
          reporter: 2,
          action: 2,
        },
        startTime: '1740000000',
        sourceLabels: ['app=frontend'],
        numConnectionsStarted: '4',
      },
      'shop/Deployment/frontend -> shop/Deployment/cart TCP/7070 denied',
    ],
    ['wrapped in a FlowResult', { id: 17, flow: goldmane() }, 'shop/Deployment/frontend -> shop/Deployment/cart TCP/7070 allowed'],
    ['a Network destination', goldmane({ dest_type: 'Network', dest_name: 'pub', dest_namespace: '', dest_port: 443, dest_service_name: '', dest_service_namespace: '' }), 'shop/Deployment/frontend -> world TCP/443 allowed'],
  ])('%s', (_name, record, expected) => {
    const flows = flowsOf(run([JSON.stringify(record)]));
    expect(flows.map(edge)).toEqual([expected]);
    for (const flow of flows) expect(FlowSchema.safeParse(flow).success).toBe(true);
  });

  it('both reporters of one aggregation interval give one flow, counted by connections started, with the Service named', () => {
    const outcomes = run([JSON.stringify(goldmane()), JSON.stringify(goldmane({ reporter: 'Dst' }))]);
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['flow', 'skip']);
    expect(reasonOf(outcomes[1])).toBe(CALICO_REASONS.otherReporter);
    const [flow] = flowsOf(outcomes);
    expect([flow?.count, flow?.port, flow?.serviceName]).toEqual([2, 7070, 'shop/cart']);
  });

  it.each([
    ['an unknown action', goldmane({ action: 'Pass' }), /^field key\.action:/],
    ['an unknown reporter', goldmane({ reporter: 'Both' }), /^field key\.reporter:/],
    ['an unknown endpoint type', goldmane({ source_type: 'Pod' }), /^field key\.source_type:/],
    ['a hostile label', goldmane({}, { dest_labels: ['app=cart', 'x=$(rm -rf /)'] }), /^field dest_labels\.1: invalid value for label x$/],
    ['no start time', goldmane({}, { start_time: undefined }), /^field start_time:/],
  ])('%s → dead letter naming the field', (_name, record, reason) => {
    const outcomes = run([JSON.stringify(record)]);
    expect(outcomes[0]?.kind).toBe('dead-letter');
    expect(reasonOf(outcomes[0])).toMatch(reason);
  });
});

describe('Calico helpers', () => {
  it.each<[string, Record<string, string>, string | undefined]>([
    ['frontend-5d8f4b7c9d', { 'pod-template-hash': '5d8f4b7c9d' }, 'Deployment/frontend'],
    ['frontend-5d8f4b7c9d', {}, 'Deployment/frontend'],
    ['log-agent', { 'controller-revision-hash': '6b9f8c7d5' }, 'DaemonSet/log-agent'],
    ['migrate', { 'job-name': 'migrate' }, 'Job/migrate'],
    ['plain', {}, undefined],
  ])('workload of prefix %s with %j is %s', (prefix, labels, expected) => {
    const workload = workloadOfPrefix(prefix, labels);
    expect(workload ? `${workload.kind}/${workload.name}` : undefined).toBe(expected);
  });

  it.each<[string[], unknown]>([
    [['a=b', 'projectcalico.org/orchestrator=k8s', 'empty='], { labels: { a: 'b', empty: '' } }],
    [['a=b=c'], { reason: 'field labels.0: invalid value for label a' }],
    [['=v'], { reason: 'field labels.0: invalid label key ""' }],
  ])('label list %j', (entries, expected) => {
    expect(parseCalicoLabels(entries, 'labels')).toEqual(expected);
  });
});

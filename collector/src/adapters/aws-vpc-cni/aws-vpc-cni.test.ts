import { describe, expect, it } from 'vitest';
import type { AdapterOutcome } from '../adapter.js';
import { AWS_VPC_CNI_REASONS, createAwsVpcCniAdapter, parseAwsVpcCniLine, type AwsVpcCniAdapterOptions } from './aws-vpc-cni.js';
import { clusterStateFromObjects } from '../../identity/cluster-state.js';
import { FlowSchema, type Flow } from '../../flow/flow.js';
import { IP_ENDPOINT_REASONS } from '../ip-endpoint.js';
import { flowsOf, runAdapter, sampleLines } from '../testing/adapter-samples.js';

const sample = (name: string): string[] => sampleLines('aws-vpc-cni', name);
const OLD_FORMAT = 'issue73__old-format_v1.0.x_network-policy-agent.log.jsonl';
const CLOUDWATCH = 'issue163__cloudwatch-format.txt';

function run(lines: readonly string[], options: AwsVpcCniAdapterOptions = {}): AdapterOutcome[] {
  return runAdapter(createAwsVpcCniAdapter(options), lines);
}
const edge = (flow: Flow): string => {
  const side = (endpoint: Flow['source']) => (endpoint.kind === 'pod' ? `${endpoint.namespace}/${endpoint.workload?.name}` : `${endpoint.kind}:${endpoint.ip ?? ''}`);
  return `${side(flow.source)} -> ${side(flow.destination)} ${flow.protocol}/${flow.port ?? '-'} ${flow.verdict}`;
};

const pod = (namespace: string, name: string, ip: string, options: { created?: string; deleted?: string; owner?: string; ports?: number[] } = {}) => ({
  kind: 'Pod',
  metadata: {
    name,
    namespace,
    creationTimestamp: options.created ?? '2023-01-01T00:00:00Z',
    ...(options.deleted ? { deletionTimestamp: options.deleted } : {}),
    labels: { app: name.replace(/-[a-z0-9]+-[a-z0-9]+$/, '') },
    ...(options.owner ? { ownerReferences: [{ kind: 'ReplicaSet', name: options.owner, controller: true }] } : {}),
  },
  spec: { nodeName: 'node-a', containers: [{ ports: (options.ports ?? []).map((port) => ({ name: 'dns', containerPort: port, protocol: 'UDP' })) }] },
  status: { podIPs: [{ ip }] },
});
const replicaSet = (namespace: string, name: string, deployment: string) => ({
  kind: 'ReplicaSet',
  metadata: { name, namespace, ownerReferences: [{ kind: 'Deployment', name: deployment, controller: true }] },
});

/** The cluster behind the issue-73 sample, as it might have been: a web client, redis, mysql, CoreDNS. */
const CLUSTER = clusterStateFromObjects([
  replicaSet('shop', 'web-6d4b8c9f7d', 'web'),
  replicaSet('shop', 'redis-5c8d9b7f6d', 'redis'),
  replicaSet('kube-system', 'coredns-7f8d9c6b5d', 'coredns'),
  pod('shop', 'web-6d4b8c9f7d-x2v9z', '10.1.206.228', { owner: 'web-6d4b8c9f7d' }),
  pod('shop', 'redis-5c8d9b7f6d-k4w8q', '10.1.6.79', { owner: 'redis-5c8d9b7f6d' }),
  // 10.1.8.149 was a mysql pod until 06:59; a batch pod took the address at 07:05.
  pod('shop', 'mysql-0', '10.1.8.149', { deleted: '2023-12-12T06:59:00Z' }),
  pod('shop', 'batch-0', '10.1.8.149', { created: '2023-12-12T07:05:00Z' }),
  pod('kube-system', 'coredns-7f8d9c6b5d-p9m2x', '10.1.3.3', { owner: 'coredns-7f8d9c6b5d', ports: [53] }),
  {
    kind: 'Service',
    metadata: { name: 'kube-dns', namespace: 'kube-system' },
    spec: { clusterIP: '172.20.0.10', ports: [{ name: 'dns', port: 53, protocol: 'UDP', targetPort: 'dns' }] },
  },
  {
    kind: 'EndpointSlice',
    metadata: { name: 'kube-dns-abc', namespace: 'kube-system', labels: { 'kubernetes.io/service-name': 'kube-dns' } },
    ports: [{ name: 'dns', port: 53, protocol: 'UDP' }],
    endpoints: [{ addresses: ['10.1.3.3'], targetRef: { kind: 'Pod', name: 'coredns-7f8d9c6b5d-p9m2x' } }],
  },
  pod('app', 'api-0', '172.27.32.157'),
  pod('app', 'backend-0', '172.27.38.227'),
  pod('app', 'client-0', 'fd00::10'),
  pod('app', 'server-0', 'fd00::20'),
]);

describe('AWS VPC CNI adapter on every real sample', () => {
  it.each([OLD_FORMAT, CLOUDWATCH])('%s: without cluster state every line is quarantined with the reason, never guessed', (name) => {
    const outcomes = run(sample(name));
    expect(outcomes).toHaveLength(sample(name).length);
    expect(outcomes.every((outcome) => outcome.kind === 'quarantine' && outcome.reason === `source: ${IP_ENDPOINT_REASONS.noClusterState}`)).toBe(true);
  });

  it('old zap JSON format: resolved through the cluster state, DNS through the Service to CoreDNS, a reused IP by time', () => {
    const outcomes = run(sample(OLD_FORMAT), { clusterState: CLUSTER });
    expect(outcomes).toHaveLength(6);
    const flows = flowsOf(outcomes);
    for (const flow of flows) expect(FlowSchema.safeParse(flow).success).toBe(true);
    expect(flows.map(edge)).toEqual([
      'shop/web -> shop/redis TCP/6379 allowed',
      'shop/web -> kube-system/coredns UDP/53 allowed',
      // Line 3: at 07:00:03 mysql-0 was gone and batch-0 not yet created: nobody held the address.
      'shop/web -> kube-system/coredns UDP/53 allowed',
      'shop/web -> shop/redis TCP/6379 allowed',
      'shop/web -> kube-system/coredns UDP/53 allowed',
    ]);
    expect(flows[1]?.serviceName).toBe('kube-system/kube-dns');
    expect(outcomes[2]).toEqual({ kind: 'quarantine', reason: `destination: ${IP_ENDPOINT_REASONS.unknown}` });
  });

  it('CloudWatch format: the two lines of one connection (egress and ingress) give one flow', () => {
    const outcomes = run(sample(CLOUDWATCH), { clusterState: CLUSTER });
    expect(flowsOf(outcomes).map(edge)).toEqual(['app/api-0 -> app/backend-0 TCP/5003 allowed']);
    expect(outcomes[1]).toEqual({ kind: 'skip', reason: AWS_VPC_CNI_REASONS.repeat });
    expect(flowsOf(outcomes)[0]?.time).toBe(Date.parse('2023-12-06T14:25:58.455-06:00'));
  });
});

const TS = '2026-04-13T21:18:46.888Z';
const v4Message = (tuple: string, verdict = 'ACCEPT', direction = 'egress') =>
  JSON.stringify({ level: 'debug', ts: TS, caller: 'runtime/asm_amd64.s:1700', msg: `Flow Info: Src IP: ${tuple} Proto TCP Verdict ${verdict} Direction ${direction}` });
const v4Tuple = (src: string, sport: number, dst: string, dport: number) => `${src} Src Port: ${sport} Dest IP: ${dst} Dest Port: ${dport}`;

describe('AWS VPC CNI line formats', () => {
  it.each([
    ['old zap fields', '{"level":"info","ts":"2023-12-12T07:00:02.818Z","logger":"ebpf-client","msg":"Flow Info:  ","Src IP":"10.1.206.228","Src Port":49880,"Dest IP":"10.1.6.79","Dest Port":6379,"Proto":"TCP","Verdict":"ACCEPT"}', '10.1.206.228', 6379, 'ACCEPT'],
    ['v1.2.2+ IPv4 message in zap JSON', v4Message(v4Tuple('10.0.1.28', 55484, '10.0.1.132', 80)), '10.0.1.28', 80, 'ACCEPT'],
    ['IPv4 message with a Tier after a comma', JSON.stringify({ ts: TS, msg: 'Flow Info: Src IP: 10.0.1.28 Src Port: 55484 Dest IP: 10.0.1.132 Dest Port: 80 Proto TCP Verdict DENY Direction ingress, Tier NETWORK_POLICY' }), '10.0.1.28', 80, 'DENY'],
    ['IPv6 message with colons', JSON.stringify({ ts: TS, msg: 'Flow Info: Src IP: fd00::10 Src Port: 40000 Dest IP: fd00::20 Dest Port: 8080 Proto: TCP Verdict: DENY Direction: ingress Tier: NETWORK_POLICY' }), 'fd00::10', 8080, 'DENY'],
    ['plain text line with a leading time', `${TS} info Flow Info: Src IP: 10.0.1.28 Src Port: 55484 Dest IP: 10.0.1.132 Dest Port: 80 Proto: TCP Verdict: ACCEPT Direction: egress`, '10.0.1.28', 80, 'ACCEPT'],
    ['CloudWatch IPv6', `${TS} Node: ip-10-0-0-1.ec2.internal;SIP: fd00::10;SPORT: 40000;DIP: fd00::20;DPORT: 8080;PROTOCOL: TCP;PolicyVerdict: ACCEPT`, 'fd00::10', 8080, 'ACCEPT'],
  ])('%s', (_name, line, sourceIp, destinationPort, verdict) => {
    const parsed = parseAwsVpcCniLine(line);
    expect(parsed.kind).toBe('flow');
    if (parsed.kind === 'flow') expect([parsed.line.sourceIp, parsed.line.destinationPort, parsed.line.verdict]).toEqual([sourceIp, destinationPort, verdict]);
  });

  it.each([
    ['truncated JSON', '{"level":"info","ts":"2023-12-12T07:00:02.818Z","msg":"Flow Info:  ","Src IP":"10.1', 'dead-letter', /^not valid JSON/],
    ['old format without a destination', '{"ts":"2023-12-12T07:00:02.818Z","msg":"Flow Info:  ","Src IP":"10.1.206.228","Src Port":49880,"Dest Port":6379,"Proto":"TCP","Verdict":"ACCEPT"}', 'dead-letter', /^field Dest IP: missing$/],
    ['a source that is no IP', '{"ts":"2023-12-12T07:00:02.818Z","msg":"Flow Info:  ","Src IP":"10.1.206.2288","Src Port":49880,"Dest IP":"10.1.6.79","Dest Port":6379,"Proto":"TCP","Verdict":"ACCEPT"}', 'dead-letter', /^field Src IP:/],
    ['a port out of range', v4Message(v4Tuple('10.0.1.28', 70000, '10.0.1.132', 80)), 'dead-letter', /^field Src Port:/],
    ['an unknown verdict', v4Message(v4Tuple('10.0.1.28', 5000, '10.0.1.132', 80), 'MAYBE'), 'dead-letter', /^field Verdict:/],
    ['a text line without a time', 'Flow Info: Src IP: 10.0.1.28 Src Port: 55484 Dest IP: 10.0.1.132 Dest Port: 80 Proto: TCP Verdict: ACCEPT', 'dead-letter', /^field ts: missing$/],
    ['an unrelated agent message', '{"level":"info","ts":"2026-05-31T21:57:46.926Z","msg":"Conntrack cleanup Delete - Conntrack Key : Source IP - 10.0.0.5"}', 'skip', /^agent log line that is not a flow$/],
    ['garbage text', 'hello world', 'dead-letter', /^not an AWS network-policy agent flow line/],
    ['binary noise', '\u0000\u0001{\u0002', 'dead-letter', /AWS network-policy agent/],
  ])('%s → %s', (_name, line, kind, reason) => {
    const outcomes = run([line], { clusterState: CLUSTER });
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]?.kind).toBe(kind);
    expect(outcomes[0] && 'reason' in outcomes[0] ? outcomes[0].reason : '').toMatch(reason);
  });
});

describe('AWS VPC CNI orientation and de-duplication', () => {
  const state = clusterStateFromObjects([pod('app', 'client-0', '10.0.1.28'), pod('app', 'server-0', '10.0.1.132'), pod('app', 'client-v6-0', 'fd00::10'), pod('app', 'server-v6-0', 'fd00::20')]);
  const request = v4Message(v4Tuple('10.0.1.28', 55484, '10.0.1.132', 80));
  const requestAtServer = v4Message(v4Tuple('10.0.1.28', 55484, '10.0.1.132', 80), 'ACCEPT', 'ingress');
  const deniedReply = v4Message(v4Tuple('10.0.1.132', 80, '10.0.1.28', 55484), 'DENY', 'ingress');

  it.each<[string, string[], string[], string[]]>([
    ['both ends log the request: one flow', [request, requestAtServer], ['app/client-0 -> app/server-0 TCP/80 allowed'], ['flow', 'skip']],
    ['a reverse-direction DENY after the request (lost conntrack entry) is skipped, not a denial', [request, deniedReply], ['app/client-0 -> app/server-0 TCP/80 allowed'], ['flow', 'skip']],
    ['a reverse-direction DENY alone (low port answering an ephemeral one) is skipped', [deniedReply], [], ['skip']],
    [
      'an accepted reply alone is turned around',
      [v4Message(v4Tuple('10.0.1.132', 80, '10.0.1.28', 55484))],
      ['app/client-0 -> app/server-0 TCP/80 allowed'],
      ['flow'],
    ],
    ['a denied request is a denied flow', [v4Message(v4Tuple('10.0.1.28', 40000, '10.0.1.132', 443), 'DENY', 'ingress')], ['app/client-0 -> app/server-0 TCP/443 denied'], ['flow']],
    [
      'allowed at the client, denied at the server: the denial is emitted as well',
      [request, v4Message(v4Tuple('10.0.1.28', 55484, '10.0.1.132', 80), 'DENY', 'ingress')],
      ['app/client-0 -> app/server-0 TCP/80 allowed', 'app/client-0 -> app/server-0 TCP/80 denied'],
      ['flow', 'flow'],
    ],
    [
      'IPv6 request and its reply',
      [
        JSON.stringify({ ts: TS, msg: 'Flow Info: Src IP: fd00::10 Src Port: 40000 Dest IP: fd00::20 Dest Port: 8080 Proto: TCP Verdict: ACCEPT Direction: egress' }),
        JSON.stringify({ ts: TS, msg: 'Flow Info: Src IP: fd00::20 Src Port: 8080 Dest IP: fd00::10 Dest Port: 40000 Proto: TCP Verdict: DENY Direction: ingress Tier: NETWORK_POLICY' }),
      ],
      ['app/client-v6-0 -> app/server-v6-0 TCP/8080 allowed'],
      ['flow', 'skip'],
    ],
    ['EXPIRED/DELETED is no connection', [v4Message(v4Tuple('10.0.1.28', 55484, '10.0.1.132', 80), 'EXPIRED/DELETED')], [], ['skip']],
  ])('%s', (_name, lines, edges, kinds) => {
    const outcomes = run(lines, { clusterState: state });
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(kinds);
    expect(flowsOf(outcomes).map(edge)).toEqual(edges);
    for (const flow of flowsOf(outcomes)) expect(FlowSchema.safeParse(flow).success).toBe(true);
  });

  it('an ambiguous address (two live pods) is quarantined with the reason', () => {
    const ambiguous = clusterStateFromObjects([pod('app', 'client-0', '10.0.1.28'), pod('app', 'a-0', '10.0.1.132'), pod('app', 'b-0', '10.0.1.132')]);
    expect(run([request], { clusterState: ambiguous })).toEqual([{ kind: 'quarantine', reason: `destination: ${IP_ENDPOINT_REASONS.ambiguous}` }]);
  });

  it('a Service port the Service does not expose is quarantined, not guessed', () => {
    const line = JSON.stringify({ ts: '2023-12-12T07:00:03.731Z', msg: 'Flow Info:  ', 'Src IP': '10.1.206.228', 'Src Port': 56468, 'Dest IP': '172.20.0.10', 'Dest Port': 5353, Proto: 'UDP', Verdict: 'ACCEPT' });
    expect(run([line], { clusterState: CLUSTER })).toEqual([{ kind: 'quarantine', reason: `destination: ${IP_ENDPOINT_REASONS.servicePortUnknown}` }]);
  });
});

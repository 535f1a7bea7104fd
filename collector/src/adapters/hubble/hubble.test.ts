import { describe, expect, it } from 'vitest';
import type { AdapterOutcome } from '../adapter.js';
import { clusterStateFromObjects } from '../../identity/cluster-state.js';
import { EPHEMERAL_PORT_START } from '../connection-tracker.js';
import { FlowSchema, type Flow } from '../../flow/flow.js';
import { createHubbleAdapter, HUBBLE_REASONS, type HubbleAdapterOptions } from './hubble.js';
import { flowsOf, HUBBLE_SAMPLES, runAdapter, sampleLines } from '../testing/adapter-samples.js';

const sample = (name: string): string[] => sampleLines('hubble', name);

function run(lines: readonly string[], options: HubbleAdapterOptions = {}): AdapterOutcome[] {
  return runAdapter(createHubbleAdapter(options), lines);
}
const edge = (flow: Flow): string => {
  const side = (endpoint: Flow['source']) => (endpoint.kind === 'pod' ? `${endpoint.namespace}/${endpoint.workload?.name}` : endpoint.kind);
  return `${side(flow.source)} -> ${side(flow.destination)} ${flow.protocol}/${flow.port ?? '-'}`;
};

describe('Hubble adapter on every real sample', () => {
  it.each(HUBBLE_SAMPLES)('%s: every record accounted for, every flow valid and oriented to a listener port', (name) => {
    const lines = sample(name);
    const outcomes = run(lines);
    expect(outcomes).toHaveLength(lines.length);
    expect(outcomes.filter((outcome) => outcome.kind === 'dead-letter')).toEqual([]);
    const flows = flowsOf(outcomes);
    for (const flow of flows) expect(FlowSchema.safeParse(flow).success).toBe(true);
    // No flow towards a client's ephemeral port: replies are turned around or dropped.
    for (const flow of flows) if (flow.port !== undefined) expect(flow.port).toBeLessThan(EPHEMERAL_PORT_START);
  });

  it('400-tcp (bookinfo on kind): productpage → details and reviews on TCP 9080, one flow per connection', () => {
    const lines = sample('hubble-otel__basic-sample-400-tcp-flows.json');
    const outcomes = run(lines);
    const edges = new Set(flowsOf(outcomes).map(edge));
    for (const expected of [
      'bookinfo/productpage-v1 -> bookinfo/details-v1 TCP/9080',
      'bookinfo/productpage-v1 -> bookinfo/reviews-v1 TCP/9080',
      'bookinfo/productpage-v1 -> bookinfo/reviews-v2 TCP/9080',
      'bookinfo/productpage-v1 -> bookinfo/reviews-v3 TCP/9080',
      'bookinfo/reviews-v2 -> bookinfo/ratings-v1 TCP/9080',
    ])
      expect(edges).toContain(expected);
    // Replies and other observation points are skipped, not emitted again.
    const skips = outcomes.filter((outcome) => outcome.kind === 'skip');
    expect(skips.filter((outcome) => outcome.reason === HUBBLE_REASONS.reply).length).toBeGreaterThan(100);
    expect(skips.filter((outcome) => outcome.reason === HUBBLE_REASONS.health)).toHaveLength(1);
    // Pods on another node known only by identity are attributed through that identity, never left unknown.
    expect(flowsOf(outcomes).filter((flow) => flow.source.kind === 'unknown' || flow.destination.kind === 'unknown')).toEqual([]);
    const productpage = flowsOf(outcomes).find((flow) => flow.source.pod === 'productpage-v1-6b746f74dc-9rcxx');
    expect(productpage?.source.labels).toEqual({ app: 'productpage', 'sidecar.opentelemetry.io/injected': 'bookinfo.otelcol-bookinfo', version: 'v1' });
  });

  it('400-icmpv4: all records are Cilium health checks and skipped', () => {
    const outcomes = run(sample('hubble-otel__basic-sample-400-icmpv4-flows.json'));
    expect(outcomes.every((outcome) => outcome.kind === 'skip' && outcome.reason === HUBBLE_REASONS.health)).toBe(true);
  });

  it.each([
    ['hubble-otel__basic-sample-400-udp-flows.json', 'UDP', 'coredns'],
    ['hubble-otel__basic-sample-330-dns-flows.json', 'TCP', 'kube-dns'],
    ['hubble-otel__basic-sample-5-dns-flows.json', 'TCP', 'kube-dns'],
  ])('%s: DNS flows go to port 53 of the %s… %s pods', (name, protocol, workload) => {
    const flows = flowsOf(run(sample(name)));
    const dns = flows.filter((flow) => flow.port === 53);
    expect(dns.length).toBeGreaterThan(0);
    for (const flow of dns) {
      expect(flow.protocol).toBe(protocol);
      expect(flow.destination).toMatchObject({ kind: 'pod', namespace: 'kube-system', workload: { kind: 'Deployment', name: workload } });
    }
  });

  it('10-flows (old format, `reply` only): replies are turned around towards the listener', () => {
    const edges = flowsOf(run(sample('hubble-otel__basic-sample-10-flows.json'))).map(edge);
    expect(edges).toContain('host -> bookinfo/reviews-v1 TCP/15020');
    expect(edges).toContain('kube-system/event-exporter-gke -> world TCP/443');
  });

  it('l7-redirected: policy-verdict events (REDIRECTED) are allowed flows', () => {
    const flows = flowsOf(run(sample('hubble-otel__basic-sample-400-l7-redirected-flows.json')));
    expect(flows.length).toBeGreaterThan(0);
    expect(flows.every((flow) => flow.verdict === 'allowed')).toBe(true);
  });
});

// ---- hand-made records --------------------------------------------------------------------------

interface Side {
  ip: string;
  port?: number;
  endpoint: Record<string, unknown>;
}
const pod = (name: string, ip: string, identity: number, app: string, namespace = 'shop'): Side => ({
  ip,
  endpoint: { identity, namespace, pod_name: name, labels: [`k8s:app=${app}`, `k8s:io.kubernetes.pod.namespace=${namespace}`, 'k8s:io.cilium.k8s.policy.cluster=default'] },
});
const reserved = (label: string, ip: string, identity: number): Side => ({ ip, endpoint: { identity, labels: [`reserved:${label}`] } });
const client = pod('frontend-6b746f74dc-9rcxx', '10.0.1.10', 1001, 'frontend');
const server = pod('cart-7bf8c9648f-r7bs2', '10.0.2.20', 1002, 'cart');

function record(
  source: Side,
  sourcePort: number | undefined,
  destination: Side,
  destinationPort: number | undefined,
  extra: Record<string, unknown> = {},
  l4?: Record<string, unknown>,
): string {
  return JSON.stringify({
    flow: {
      time: '2025-01-01T10:00:00.000000001Z',
      verdict: 'FORWARDED',
      IP: { source: source.ip, destination: destination.ip, ipVersion: 'IPv4' },
      l4: l4 ?? { TCP: { source_port: sourcePort, destination_port: destinationPort } },
      source: source.endpoint,
      destination: destination.endpoint,
      Type: 'L3_L4',
      event_type: { type: 4 },
      ...extra,
    },
    node_name: 'kind/kind-worker',
    time: '2025-01-01T10:00:00Z',
  });
}
const tcp = (flags: Record<string, boolean>) => ({ TCP: { source_port: 40000, destination_port: 8080, flags } });
const tcpBack = (flags: Record<string, boolean>) => ({ TCP: { source_port: 8080, destination_port: 40000, flags } });

describe('orientation and de-duplication', () => {
  it.each([
    ['is_reply true', record(server, 8080, client, 40000, { is_reply: true })],
    ['trace_reason REPLY', record(server, 8080, client, 40000, { trace_reason: 'REPLY' })],
    ['old `reply: true`', record(server, 8080, client, 40000, { reply: true })],
    ['L7 RESPONSE', record(server, 8080, client, 40000, { l7: { type: 'RESPONSE' }, event_type: { type: 129 } })],
    ['SYN+ACK', record(server, 8080, client, 40000, {}, tcpBack({ SYN: true, ACK: true }))],
    ['port ranges', record(server, 8080, client, 40000)],
  ])('a lone reply (%s) is turned around: frontend → cart:8080', (_, line) => {
    const flows = flowsOf(run([line]));
    expect(flows.map(edge)).toEqual(['shop/frontend -> shop/cart TCP/8080']);
  });

  it.each([
    ['is_reply false', record(client, 40000, server, 8080, { is_reply: false })],
    ['trace_reason NEW', record(client, 40000, server, 8080, { trace_reason: 'NEW' })],
    ['trace_reason ESTABLISHED', record(client, 40000, server, 8080, { trace_reason: 'ESTABLISHED' })],
    ['L7 REQUEST', record(client, 40000, server, 8080, { l7: { type: 'REQUEST' }, event_type: { type: 129 } })],
    ['SYN (old format, reply absent)', record(client, 40000, server, 8080, {}, tcp({ SYN: true }))],
  ])('a request (%s) is kept as it is', (_, line) => {
    expect(flowsOf(run([line])).map(edge)).toEqual(['shop/frontend -> shop/cart TCP/8080']);
  });

  it('`is_reply: false` wins over a misleading port range (the client uses a low port)', () => {
    const line = record(client, 8080, server, 40000, { is_reply: false }, { TCP: { source_port: 8080, destination_port: 40000 } });
    expect(flowsOf(run([line])).map((flow) => flow.port)).toEqual([40000]);
  });

  it('one connection seen at several points and as request and reply gives one flow', () => {
    const lines = [
      record(client, 40000, server, 8080, { event_type: { type: 5 }, is_reply: false }, tcp({ SYN: true })),
      record(client, 40000, server, 8080, { trace_observation_point: 'TO_OVERLAY' }, tcp({ SYN: true })),
      record(server, 8080, client, 40000, { is_reply: true }, tcpBack({ SYN: true, ACK: true })),
      record(client, 40000, server, 8080, {}, tcp({ ACK: true })),
      record(server, 8080, client, 40000, {}, tcpBack({ ACK: true, PSH: true })),
      record(client, 40000, server, 8080, { l7: { type: 'REQUEST' }, event_type: { type: 129 }, is_reply: false }),
    ];
    const outcomes = run(lines);
    expect(flowsOf(outcomes)).toHaveLength(1);
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['flow', 'skip', 'skip', 'skip', 'skip', 'skip']);
  });

  it('orients a direction-less record by the reversed 5-tuple of a known connection', () => {
    // Both ports are low: only the connection already seen tells which side listens.
    const request = record(client, 9000, server, 8080, { is_reply: false }, { TCP: { source_port: 9000, destination_port: 8080 } });
    const reply = record(server, 8080, client, 9000, {}, { TCP: { source_port: 8080, destination_port: 9000, flags: { ACK: true } } });
    expect(run([request, reply]).map((outcome) => outcome.kind === 'skip' && outcome.reason)).toEqual([false, HUBBLE_REASONS.reply]);
  });

  it('orients by a listener port learned from another connection, even when held back first', () => {
    const ambiguous = record(server, 8080, { ...client, ip: '10.0.1.11' }, 9000, {}, { TCP: { source_port: 8080, destination_port: 9000, flags: { ACK: true } } });
    const teacher = record(client, 40001, server, 8080, { is_reply: false }, { TCP: { source_port: 40001, destination_port: 8080 } });
    const outcomes = run([ambiguous, teacher]);
    const flows = flowsOf(outcomes);
    expect(flows.map((flow) => flow.port)).toEqual([8080, 8080]);
    expect(flows.map((flow) => flow.destination.workload?.name)).toEqual(['cart', 'cart']);
    // The held record is settled in finish() and says where it came from.
    expect(outcomes[1]?.origin).toEqual({ source: 'test', line: 1 });
  });

  it('quarantines a record nothing can orient', () => {
    const line = record(client, 9000, server, 8080, {}, { TCP: { source_port: 9000, destination_port: 8080, flags: { ACK: true } } });
    expect(run([line])).toEqual([{ kind: 'quarantine', reason: HUBBLE_REASONS.noDirection, origin: { source: 'test', line: 1 } }]);
  });

  it('ICMP: echo request is the flow, echo reply (type 0, omitted by proto3) a reply, errors skipped', () => {
    const request = record(client, undefined, server, undefined, {}, { ICMPv4: { type: 8 } });
    const reply = record(server, undefined, client, undefined, {}, { ICMPv4: {} });
    const unreachable = record(server, undefined, client, undefined, {}, { ICMPv4: { type: 3, code: 3 } });
    const outcomes = run([reply, request, unreachable]);
    expect(flowsOf(outcomes).map(edge)).toEqual(['shop/frontend -> shop/cart ICMPv4/-']);
    expect(outcomes[1]).toEqual({ kind: 'skip', reason: HUBBLE_REASONS.repeat });
    expect(outcomes[2]).toEqual({ kind: 'skip', reason: HUBBLE_REASONS.icmpError });
  });

  it('a connection dropped after it was emitted as allowed is reported once more, as denied', () => {
    const allowed = record(client, 40000, server, 8080, { is_reply: false });
    const dropped = record(client, 40000, server, 8080, { is_reply: false, verdict: 'DROPPED', event_type: { type: 1 } });
    expect(flowsOf(run([allowed, dropped, dropped])).map((flow) => flow.verdict)).toEqual(['allowed', 'denied']);
  });

  it.each([
    ['FORWARDED', 'allowed'],
    ['REDIRECTED', 'allowed'],
    ['TRACED', 'allowed'],
    ['TRANSLATED', 'allowed'],
    ['AUDIT', 'allowed'],
    ['DROPPED', 'denied'],
    ['ERROR', 'denied'],
  ])('verdict %s → %s', (verdict, expected) => {
    expect(flowsOf(run([record(client, 40000, server, 8080, { is_reply: false, verdict })]))[0]?.verdict).toBe(expected);
  });

  it('verdict VERDICT_UNKNOWN → quarantined: it never teaches an allow rule (issue 11, item 8)', () => {
    expect(run([record(client, 40000, server, 8080, { is_reply: false, verdict: 'VERDICT_UNKNOWN' })]).map((outcome) => outcome.kind)).toEqual(['quarantine']);
  });
});

describe('endpoints', () => {
  it.each([
    ['host', 1, 'host'],
    ['remote-node', 6, 'node'],
    ['kube-apiserver', 7, 'apiserver'],
    ['world', 2, 'world'],
    ['world-ipv4', 9, 'world'],
    ['ingress', 8, 'host'],
  ])('reserved:%s (identity %i) is a %s endpoint', (label, identity, kind) => {
    const byLabel = flowsOf(run([record(client, 40000, reserved(label, '172.18.0.3', identity), 6443, { is_reply: false })]));
    expect(byLabel[0]?.destination.kind).toBe(kind);
    const byNumber = flowsOf(run([record(client, 40000, { ip: '172.18.0.3', endpoint: { identity } }, 6443, { is_reply: false })]));
    expect(byNumber[0]?.destination.kind).toBe(kind);
  });

  it('the local host carries the observing node name (cluster prefix removed)', () => {
    const flows = flowsOf(run([record(reserved('host', '172.18.0.3', 1), 50000, server, 8080, { is_reply: false })]));
    expect(flows[0]?.source).toEqual({ kind: 'host', ip: '172.18.0.3', node: 'kind-worker' });
  });

  it.each([
    ['reserved:health', reserved('health', '10.0.0.4', 4), HUBBLE_REASONS.health, 'skip'],
    ['reserved:init without cluster state', reserved('init', '10.0.0.4', 5), HUBBLE_REASONS.unresolvedIdentity, 'quarantine'],
    ['reserved:unmanaged without cluster state', reserved('unmanaged', '10.0.0.4', 3), HUBBLE_REASONS.unresolvedIdentity, 'quarantine'],
  ] as const)('%s → %s', (_, side, reason, kind) => {
    expect(run([record(side, 40000, server, 8080, { is_reply: false })])).toEqual([{ kind, reason }]);
  });

  it('an endpoint with only an IP is unknown without cluster state', () => {
    const flows = flowsOf(run([record({ ip: '192.0.2.1', endpoint: {} }, 40000, server, 8080, { is_reply: false })]));
    expect(flows[0]?.source).toEqual({ kind: 'unknown', ip: '192.0.2.1' });
  });

  it('a pod known only by identity and labels takes the workload of that identity seen elsewhere', () => {
    const remote: Side = { ip: '10.0.1.10', endpoint: { identity: 1001, labels: ['k8s:app=frontend', 'k8s:io.kubernetes.pod.namespace=shop'] } };
    const outcomes = run([record(remote, 40000, server, 8080, { is_reply: false }), record(client, 40002, server, 8080, { is_reply: false })]);
    const flows = flowsOf(outcomes);
    expect(flows.map((flow) => flow.source.workload)).toEqual([
      { kind: 'Deployment', name: 'frontend' },
      { kind: 'Deployment', name: 'frontend' },
    ]);
  });

  it('…or of an identical label set under another identity number', () => {
    const remote: Side = { ip: '10.0.1.10', endpoint: { identity: 77777, namespace: 'shop', labels: ['k8s:app=frontend', 'k8s:io.kubernetes.pod.namespace=shop', 'k8s:io.cilium.k8s.policy.cluster=default'] } };
    const flows = flowsOf(run([record(client, 40002, server, 8080, { is_reply: false }), record(remote, 40000, server, 8080, { is_reply: false })]));
    expect(flows[1]?.source.workload).toEqual({ kind: 'Deployment', name: 'frontend' });
  });

  it('quarantines an identity never seen with a pod name, and one seen with two workloads', () => {
    const stranger: Side = { ip: '10.0.1.50', endpoint: { identity: 5555, namespace: 'shop', labels: ['k8s:app=ghost'] } };
    expect(run([record(stranger, 40000, server, 8080, { is_reply: false })])).toEqual([
      { kind: 'quarantine', reason: HUBBLE_REASONS.identityUnknown, origin: { source: 'test', line: 1 } },
    ]);
    const twinA = pod('twin-6b746f74dc-aaaaa', '10.0.1.60', 4242, 'twin');
    const twinB = pod('twin-job-x7k2p', '10.0.1.61', 4242, 'twin');
    const shared: Side = { ip: '10.0.1.62', endpoint: { identity: 4242, namespace: 'shop', labels: ['k8s:app=twin'] } };
    const outcomes = run([
      record(twinA, 40000, server, 8080, { is_reply: false }),
      record(twinB, 40000, server, 8080, { is_reply: false }),
      record(shared, 40000, server, 8080, { is_reply: false }),
    ]);
    expect(outcomes[2]).toEqual({ kind: 'quarantine', reason: HUBBLE_REASONS.identityAmbiguous });
  });

  it('takes the workload from Hubble `workloads` when the kind is a root kind', () => {
    const withWorkloads: Side = { ...client, endpoint: { ...client.endpoint, workloads: [{ name: 'storefront', kind: 'Deployment' }] } };
    expect(flowsOf(run([record(withWorkloads, 40000, server, 8080, { is_reply: false })]))[0]?.source.workload).toEqual({ kind: 'Deployment', name: 'storefront' });
  });

  it('names the Service from destination_service (and source_service on replies)', () => {
    const service = { name: 'cart', namespace: 'shop' };
    expect(flowsOf(run([record(client, 40000, server, 8080, { is_reply: false, destination_service: service })]))[0]?.serviceName).toBe('shop/cart');
    expect(flowsOf(run([record(server, 8080, client, 40000, { is_reply: true, source_service: service })]))[0]?.serviceName).toBe('shop/cart');
  });
});

describe('hostile and malformed records are dead letters naming the field', () => {
  const hostile = (labels: string[]): Side => ({ ip: '10.0.1.10', endpoint: { identity: 1001, namespace: 'shop', pod_name: 'frontend-6b746f74dc-9rcxx', labels } });
  it.each([
    ['label value with YAML', record(hostile(['k8s:app=x\nkind: ClusterRole']), 40000, server, 8080, { is_reply: false }), 'field flow.source.labels.0'],
    ['label key with a space', record(hostile(['k8s:app=ok', 'k8s:bad key=x']), 40000, server, 8080, { is_reply: false }), 'field flow.source.labels.1'],
    ['namespace', record({ ip: '10.0.1.10', endpoint: { namespace: 'Shop!', pod_name: 'a' } }, 40000, server, 8080, { is_reply: false }), 'field flow.source.namespace'],
    ['pod name', record({ ip: '10.0.1.10', endpoint: { namespace: 'shop', pod_name: 'a/../b' } }, 40000, server, 8080, { is_reply: false }), 'field flow.source.pod_name'],
    ['IP', record({ ...client, ip: 'not-an-ip' }, 40000, server, 8080), 'field flow.IP.source'],
    ['port', record(client, 70000, server, 8080), 'field flow.l4.TCP.source_port'],
    ['time', record(client, 40000, server, 8080, { time: 'yesterday', is_reply: false }).replace('"time":"2025-01-01T10:00:00Z"', '"time":"x"'), 'field flow.time'],
    ['not JSON', '{"flow": ', 'not valid JSON'],
    ['not an object', '[1,2]', 'not a JSON object'],
  ])('%s', (_, line, reason) => {
    const outcomes = run([line]);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]?.kind).toBe('dead-letter');
    expect(outcomes[0]?.kind === 'dead-letter' && outcomes[0].reason).toContain(reason);
  });

  it('a hostile record is dead-lettered even when its connection is already known', () => {
    const good = record(client, 40000, server, 8080, { is_reply: false });
    const bad = record(hostile(['k8s:app=x y']), 40000, server, 8080, { is_reply: false });
    expect(run([good, bad]).map((outcome) => outcome.kind)).toEqual(['flow', 'dead-letter']);
  });

  it.each([
    ['node_status', JSON.stringify({ node_status: { state_change: 'NODE_CONNECTED' } }), HUBBLE_REASONS.notFlow],
    ['agent event', record(client, 40000, server, 8080, { event_type: { type: 130 } }), HUBBLE_REASONS.eventType],
    ['no IP', JSON.stringify({ flow: { time: '2025-01-01T10:00:00Z', verdict: 'FORWARDED', event_type: { type: 4 } } }), HUBBLE_REASONS.noIp],
  ])('%s is skipped', (_, line, reason) => {
    expect(run([line])).toEqual([{ kind: 'skip', reason }]);
  });
});

describe('with cluster state', () => {
  const state = clusterStateFromObjects([
    { kind: 'ReplicaSet', metadata: { name: 'cart-7bf8c9648f', namespace: 'shop', ownerReferences: [{ kind: 'Deployment', name: 'cart', controller: true }] } },
    {
      kind: 'Pod',
      metadata: { name: 'cart-7bf8c9648f-r7bs2', namespace: 'shop', uid: 'u-1', labels: { app: 'cart' }, creationTimestamp: '2025-01-01T09:00:00Z', ownerReferences: [{ kind: 'ReplicaSet', name: 'cart-7bf8c9648f', controller: true }] },
      spec: { nodeName: 'kind-worker', containers: [{ ports: [{ containerPort: 8080 }] }] },
      status: { podIP: '10.0.2.20' },
    },
    { kind: 'Pod', metadata: { name: 'batch-x', namespace: 'shop', labels: { app: 'batch' } }, status: { podIP: '10.0.3.3' } },
    { kind: 'Pod', metadata: { name: 'batch-y', namespace: 'shop', labels: { app: 'batch' } }, status: { podIP: '10.0.3.3' } },
    { kind: 'Service', metadata: { name: 'cart', namespace: 'shop' }, spec: { clusterIP: '10.96.0.20', ports: [{ port: 80, targetPort: 8080 }] } },
    {
      kind: 'EndpointSlice',
      metadata: { name: 'cart-1', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'cart' } },
      ports: [{ port: 8080, protocol: 'TCP' }],
      endpoints: [{ addresses: ['10.0.2.20'], targetRef: { kind: 'Pod', name: 'cart-7bf8c9648f-r7bs2' } }],
    },
  ]);

  it('translates a ClusterIP destination to the backend pod and its port (rule 8)', () => {
    const toService = record(client, 40000, { ip: '10.96.0.20', endpoint: {} }, 80, { is_reply: false });
    const [flow] = flowsOf(run([toService], { clusterState: state }));
    expect(flow?.port).toBe(8080);
    expect(flow?.serviceName).toBe('shop/cart');
    expect(flow?.destination).toMatchObject({ kind: 'pod', namespace: 'shop', pod: 'cart-7bf8c9648f-r7bs2', workload: { kind: 'Deployment', name: 'cart' } });
  });

  it('resolves an IP-only endpoint to the pod that held it, and quarantines an ambiguous one', () => {
    const byIp = flowsOf(run([record(client, 40000, { ip: '10.0.2.20', endpoint: {} }, 8080, { is_reply: false })], { clusterState: state }));
    expect(byIp[0]?.destination).toMatchObject({ kind: 'pod', pod: 'cart-7bf8c9648f-r7bs2', uid: 'u-1', node: 'kind-worker' });
    const ambiguous = run([record(client, 40000, { ip: '10.0.3.3', endpoint: {} }, 8080, { is_reply: false })], { clusterState: state });
    expect(ambiguous).toEqual([{ kind: 'quarantine', reason: HUBBLE_REASONS.ipAmbiguous }]);
  });

  it('prefers the cluster state for a named pod’s workload', () => {
    const odd: Side = { ip: '10.0.2.20', endpoint: { identity: 9, namespace: 'shop', pod_name: 'cart-7bf8c9648f-r7bs2' } };
    // identity 9 is world-ipv4: a reserved number wins over the pod name, since Cilium says so.
    expect(flowsOf(run([record(client, 40000, odd, 8080, { is_reply: false })], { clusterState: state }))[0]?.destination.kind).toBe('world');
    const named: Side = { ip: '10.0.2.20', endpoint: { identity: 3000, namespace: 'shop', pod_name: 'cart-7bf8c9648f-r7bs2' } };
    expect(flowsOf(run([record(client, 40000, named, 8080, { is_reply: false })], { clusterState: state }))[0]?.destination).toMatchObject({
      workload: { kind: 'Deployment', name: 'cart' },
      uid: 'u-1',
    });
  });
});

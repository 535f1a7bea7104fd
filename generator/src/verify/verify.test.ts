import type { V1NetworkPolicy } from '@kubernetes/client-node';
import type { Edge, Peer } from '@palisade/baseliner';
import type { Endpoint, Flow, PortProtocol } from '@palisade/collector';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluator/evaluator.js';
import type { EndpointResolution } from '../evaluator/flow-endpoint.js';
import { endpointFromFlow, evaluateFlow, podsFromFlows } from '../evaluator/flow-endpoint.js';
import type { EvaluationPod } from '../evaluator/policy-model.js';
import { createEvaluationModel } from '../evaluator/policy-model.js';
import { countUnobservedDeniedPairs, verifyEdges, verifyFlows } from './verify.js';

/** shop: web (2 pods), api, worker; db: pg. web and api serve 8080/TCP, pg 5432/TCP, worker nothing. */
function deployment(namespace: string, name: string, pod: string, ip: string, node: string, ports: EvaluationPod['containerPorts'] = []): EvaluationPod {
  return { namespace, name: pod, labels: { app: name }, ips: [ip], node, workload: { kind: 'Deployment', name }, containerPorts: ports };
}
const HTTP = [{ name: 'http', port: 8080, protocol: 'TCP' as const }];
const PODS: EvaluationPod[] = [
  deployment('shop', 'web', 'web-1', '10.0.0.1', 'n1', HTTP),
  deployment('shop', 'web', 'web-2', '10.0.0.2', 'n2', HTTP),
  deployment('shop', 'api', 'api-1', '10.0.0.3', 'n1', HTTP),
  deployment('shop', 'worker', 'worker-1', '10.0.0.4', 'n2'),
  deployment('db', 'pg', 'pg-1', '10.0.1.1', 'n1', [{ name: 'pg', port: 5432, protocol: 'TCP' }]),
];
const NAMESPACES = ['shop', 'db'].map((name) => ({ name, labels: { 'kubernetes.io/metadata.name': name } }));

function np(namespace: string, name: string, spec: object): V1NetworkPolicy {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace, name }, spec } as V1NetworkPolicy;
}
const app = (name: string): object => ({ matchLabels: { app: name } });

const LEAST_PRIVILEGE = [
  np('shop', 'web', { podSelector: app('web'), policyTypes: ['Ingress', 'Egress'], ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 8080 }] }], egress: [{ to: [{ podSelector: app('api') }], ports: [{ port: 8080 }] }] }),
  np('shop', 'api', { podSelector: app('api'), policyTypes: ['Ingress', 'Egress'], ingress: [{ from: [{ podSelector: app('web') }], ports: [{ port: 'http' }] }], egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'db' } }, podSelector: app('pg') }], ports: [{ port: 5432 }] }] }),
  np('shop', 'worker', { podSelector: app('worker'), policyTypes: ['Ingress', 'Egress'] }),
  np('db', 'pg', { podSelector: app('pg'), ingress: [{ from: [{ namespaceSelector: {}, podSelector: app('api') }], ports: [{ port: 5432 }] }] }),
];
const DENY_ALL = ['shop', 'db'].map((namespace) => np(namespace, 'deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }));

function podEnd(pod: EvaluationPod, withName = true): Endpoint {
  return {
    kind: 'pod',
    ip: pod.ips[0],
    namespace: pod.namespace,
    ...(withName ? { pod: pod.name } : {}),
    labels: { ...pod.labels },
    ...(pod.workload === undefined ? {} : { workload: pod.workload }),
  };
}
function flow(source: Endpoint, destination: Endpoint, protocol: Flow['protocol'], port: number | undefined, count = 1): Flow {
  return { time: 1, source, destination, protocol, ...(port === undefined ? {} : { port }), verdict: 'allowed', format: 'hubble', count };
}
const [WEB1, WEB2, API, WORKER, PG] = PODS as [EvaluationPod, EvaluationPod, EvaluationPod, EvaluationPod, EvaluationPod];
const OBSERVED: Flow[] = [
  flow({ kind: 'world', ip: '198.51.100.7' }, podEnd(WEB1), 'TCP', 8080, 40),
  flow(podEnd(WEB1), podEnd(API), 'TCP', 8080, 25),
  flow(podEnd(WEB2), podEnd(API), 'TCP', 8080, 5),
  flow(podEnd(API), podEnd(PG), 'TCP', 5432, 12),
  flow({ kind: 'host', ip: '192.168.0.1' }, podEnd(WORKER), 'TCP', 9000, 3),
];

describe('endpointFromFlow', () => {
  const model = createEvaluationModel({ namespaces: NAMESPACES, pods: PODS, policies: [] });
  it.each<[string, Endpoint, EndpointResolution, string]>([
    ['by pod name', podEnd(WEB2), 'pod-name', 'pod shop/web-2'],
    ['by IP when the name is unknown to the model', { ...podEnd(WEB2), pod: 'web-gone' , labels: undefined as never }, 'pod-ip', 'pod shop/web-2'],
    ['through its workload when the pod name is not logged', { kind: 'pod', namespace: 'shop', workload: { kind: 'Deployment', name: 'api' } }, 'workload', 'pod shop/api-1'],
    ['from the flow labels when the model lacks it', { kind: 'pod', namespace: 'shop', pod: 'new-1', ip: '10.0.0.99', labels: { app: 'new' }, workload: { kind: 'Deployment', name: 'new' } }, 'flow-labels', 'pod shop/new-1'],
    ['host is the local node', { kind: 'host', ip: '192.168.0.1' }, 'address', 'node local'],
    ['another node', { kind: 'node', ip: '192.168.0.2', node: 'n9' }, 'address', 'node n9'],
    ['the internet', { kind: 'world', ip: '203.0.113.1' }, 'address', 'address 203.0.113.1'],
  ])('%s', (_name, endpoint, resolution, described) => {
    const resolved = endpointFromFlow(model, JSON.parse(JSON.stringify(endpoint)) as Endpoint);
    const e = resolved.endpoint;
    const text = e.kind === 'pod' ? `pod ${e.pod.namespace}/${e.pod.name}` : e.kind === 'node' ? `node ${e.local === true ? 'local' : e.name}` : `address ${e.ip}`;
    expect([resolved.resolution, text]).toEqual([resolution, described]);
  });

  describe("the flow's own identity wins over its address (issue 11 item 11)", () => {
    // 10.0.0.3 is api-1's address; flows of the worker carry it too (a shared proxy address).
    const workerWithApiAddress: Endpoint = { kind: 'pod', namespace: 'shop', ip: '10.0.0.3', labels: { app: 'worker' }, workload: { kind: 'Deployment', name: 'worker' } };
    it('an address held by a pod of another workload does not decide', () => {
      const resolved = endpointFromFlow(model, workerWithApiAddress);
      expect(resolved.resolution).toBe('workload');
      expect(resolved.endpoint.kind === 'pod' && resolved.endpoint.pod.name).toBe('worker-1');
    });

    it('an address held by several pods does not decide, even of the same workload', () => {
      const twins = createEvaluationModel({ namespaces: NAMESPACES, pods: [...PODS, { ...WEB1, name: 'web-3', labels: { app: 'web', track: 'canary' } }], policies: [] });
      const resolved = endpointFromFlow(twins, { kind: 'pod', namespace: 'shop', ip: '10.0.0.1', labels: { app: 'web', track: 'canary' }, workload: { kind: 'Deployment', name: 'web' } });
      expect([resolved.resolution, resolved.endpoint.kind === 'pod' && resolved.endpoint.pod.name]).toEqual(['workload', 'web-3']);
    });

    it('an address of the same workload whose labels the flow contradicts does not decide (a rollout)', () => {
      const rollout = createEvaluationModel({ namespaces: NAMESPACES, pods: [...PODS, { ...WEB1, name: 'web-9', ips: ['10.0.0.9'], labels: { app: 'web', version: 'v2' } }], policies: [] });
      const resolved = endpointFromFlow(rollout, { kind: 'pod', namespace: 'shop', ip: '10.0.0.1', labels: { app: 'web', version: 'v2' }, workload: { kind: 'Deployment', name: 'web' } });
      expect([resolved.resolution, resolved.endpoint.kind === 'pod' && resolved.endpoint.pod.name]).toEqual(['workload', 'web-9']);
    });

    it('a workload pod without the flow labels gives way to the flow labels', () => {
      const resolved = endpointFromFlow(model, { kind: 'pod', namespace: 'shop', labels: { app: 'api', version: 'v9' }, workload: { kind: 'Deployment', name: 'api' } });
      expect(resolved.resolution).toBe('flow-labels');
      expect(resolved.endpoint.kind === 'pod' && resolved.endpoint.pod.labels).toEqual({ app: 'api', version: 'v9' });
    });

    it('stand-ins from flows keep no address that flows show for another workload or a node', () => {
      const shared = '10.0.9.9';
      const apiCallsPg = flow({ ...podEnd(API, false), ip: shared }, podEnd(PG), 'TCP', 5432);
      const workerCallsWeb = flow({ ...podEnd(WORKER, false), ip: shared }, podEnd(WEB1), 'TCP', 8080);
      const probe = flow({ kind: 'host', ip: '10.0.0.4' }, podEnd(WORKER, false), 'TCP', 9000);
      const pods = podsFromFlows([apiCallsPg, workerCallsWeb, probe]);
      expect(pods.map((pod) => [pod.name, pod.ips])).toEqual([
        ['api', []],
        ['pg-1', ['10.0.1.1']],
        ['worker', []],
        ['web-1', ['10.0.0.1']],
      ]);
      const standIns = createEvaluationModel({ namespaces: NAMESPACES, pods, policies: [] });
      const resolved = endpointFromFlow(standIns, workerCallsWeb.source);
      expect(resolved.endpoint.kind === 'pod' && resolved.endpoint.pod.name).toBe('worker');
    });
  });

  it('reuses one made-up pod per identity', () => {
    const model = createEvaluationModel({ namespaces: NAMESPACES, pods: PODS, policies: [] });
    const endpoint: Endpoint = { kind: 'pod', namespace: 'shop', pod: 'new-1', labels: { app: 'new' }, workload: { kind: 'Deployment', name: 'new' } };
    const first = endpointFromFlow(model, endpoint).endpoint;
    expect(endpointFromFlow(model, endpoint).endpoint).toEqual(first);
    expect(first.kind === 'pod' && model.syntheticPods.size).toBe(1);
  });
});

describe('verifyFlows', () => {
  it.each([
    ['no policies: nothing denied', [], 0, []],
    ['least-privilege policies: nothing denied', LEAST_PRIVILEGE, 0, []],
    [
      'deny-all: everything denied, grouped by edge, most flows first',
      DENY_ALL,
      // The kubelet-style flow from the worker's own node stays allowed.
      82,
      [
        ['world:198.51.100.7 → shop/Deployment/web TCP/8080', 'ingress', 40, 1],
        ['shop/Deployment/web → shop/Deployment/api TCP/8080', 'both', 30, 2],
        ['shop/Deployment/api → db/Deployment/pg TCP/5432', 'both', 12, 1],
      ],
    ],
  ] as const)('%s', (_name, policies, denied, edges) => {
    const model = createEvaluationModel({ namespaces: NAMESPACES, pods: PODS, policies });
    const result = verifyFlows(model, OBSERVED);
    expect([result.checked, result.allowed + result.denied, result.denied]).toEqual([85, 85, denied]);
    expect(result.deniedEdges.map((edge) => [`${edge.source} → ${edge.destination} ${edge.protocol}/${edge.port}`, edge.deniedBy, edge.flows, edge.records])).toEqual(edges);
  });

  it('names the isolating policies', () => {
    const model = createEvaluationModel({ namespaces: NAMESPACES, pods: PODS, policies: LEAST_PRIVILEGE });
    const result = verifyFlows(model, [flow(podEnd(WORKER), podEnd(PG), 'TCP', 5432)]);
    expect(result.deniedEdges[0]?.isolatedBy).toEqual(['db/pg', 'shop/worker']);
  });

  it('works from flow labels alone (no cluster state), except for named ports', () => {
    const model = createEvaluationModel({ namespaces: [], pods: podsFromFlows(OBSERVED), policies: LEAST_PRIVILEGE });
    // Flow logs carry no container ports, so api's `port: http` cannot resolve: web → api is denied.
    expect(verifyFlows(model, OBSERVED).deniedEdges.map((e) => [e.destination, e.deniedBy, e.flows])).toEqual([['shop/Deployment/api', 'ingress', 30]]);
    expect(evaluateFlow(model, flow(podEnd(WORKER), podEnd(API), 'TCP', 8080)).deniedBy).toBe('both');
  });
});

const workloadPeer = (pod: EvaluationPod): Peer => ({ kind: 'workload', namespace: pod.namespace, workload: pod.workload ?? { kind: 'Pod', name: pod.name } });
function edge(source: Peer, destination: Peer, protocol: Edge['protocol'], port: number | undefined, flows = 10, deniedFlows = 0): Edge {
  return { source, destination, protocol, ...(port === undefined ? {} : { port }), firstSeen: 0, lastSeen: 1, flows, deniedFlows, lastVerdict: 'allowed' };
}
const EDGES: Edge[] = [
  edge({ kind: 'world', ip: '198.51.100.7' }, workloadPeer(WEB1), 'TCP', 8080),
  edge(workloadPeer(WEB1), workloadPeer(API), 'TCP', 8080),
  edge(workloadPeer(API), workloadPeer(PG), 'TCP', 5432),
  edge({ kind: 'host' }, workloadPeer(WORKER), 'TCP', 9000),
];

describe('verifyEdges (rule 19)', () => {
  it('allows every baseline edge under least privilege', () => {
    const model = createEvaluationModel({ namespaces: NAMESPACES, pods: PODS, policies: LEAST_PRIVILEGE });
    expect(verifyEdges(model, EDGES)).toEqual({ checked: 4, allowed: 4, violations: [], unresolved: [], skipped: 0 });
  });

  it('lists violations, unresolved workloads and skipped edges', () => {
    const model = createEvaluationModel({ namespaces: NAMESPACES, pods: PODS, policies: DENY_ALL });
    const ghost: Peer = { kind: 'workload', namespace: 'shop', workload: { kind: 'Deployment', name: 'ghost' } };
    const result = verifyEdges(model, [
      ...EDGES,
      edge(workloadPeer(API), ghost, 'TCP', 1),
      edge(workloadPeer(API), workloadPeer(PG), 'ICMPv4', undefined),
      edge(workloadPeer(WEB1), workloadPeer(PG), 'TCP', 5432, 3, 3),
    ]);
    expect(result.violations.map((v) => `${v.source} → ${v.destination} ${v.deniedBy}`)).toEqual([
      'shop/Deployment/api → db/Deployment/pg both',
      'shop/Deployment/web → shop/Deployment/api both',
      'world:198.51.100.7 → shop/Deployment/web ingress',
    ]);
    expect([result.checked, result.allowed, result.unresolved, result.skipped]).toEqual([4, 1, ['shop/Deployment/api -> shop/Deployment/ghost TCP/1'], 2]);
  });
});

describe('countUnobservedDeniedPairs', () => {
  /** The same count, by evaluating every ordered pair on every port: the reference for the pruned version. */
  function bruteForce(policies: readonly V1NetworkPolicy[]): { allowed: number; denied: number } {
    const model = createEvaluationModel({ namespaces: NAMESPACES, pods: PODS, policies });
    const reps = [WEB1, API, WORKER, PG];
    const observed = new Set(EDGES.filter((e) => e.source.kind === 'workload').map((e) => `${JSON.stringify(e.source)}>${JSON.stringify(e.destination)}`));
    const portsOf = (pod: EvaluationPod): { protocol: PortProtocol; port: number }[] => [
      ...pod.containerPorts.map((p) => ({ protocol: p.protocol, port: p.port })),
      ...EDGES.filter((e) => JSON.stringify(e.destination) === JSON.stringify(workloadPeer(pod)) && e.port !== undefined).map((e) => ({ protocol: e.protocol as PortProtocol, port: e.port as number })),
    ];
    let allowed = 0;
    let denied = 0;
    for (const a of reps)
      for (const b of reps) {
        if (a === b || observed.has(`${JSON.stringify(workloadPeer(a))}>${JSON.stringify(workloadPeer(b))}`)) continue;
        const ok = portsOf(b).some((p) => evaluate(model, { source: { kind: 'pod', pod: a }, destination: { kind: 'pod', pod: b }, ...p }).allowed);
        if (ok) allowed += 1;
        else denied += 1;
      }
    return { allowed, denied };
  }

  it.each([
    ['no policies', []],
    ['least privilege', LEAST_PRIVILEGE],
    ['deny-all', DENY_ALL],
    ['ingress allow-all in shop', [np('shop', 'open', { podSelector: {}, ingress: [{}] })]],
  ] as const)('%s matches the brute-force count', (_name, policies) => {
    const result = countUnobservedDeniedPairs(createEvaluationModel({ namespaces: NAMESPACES, pods: PODS, policies }), EDGES);
    expect([result.workloads, result.pairs, result.observed]).toEqual([4, 12, 2]);
    expect({ allowed: result.unobservedAllowed, denied: result.unobservedDenied }).toEqual(bruteForce(policies));
    expect(result.unobservedAllowed + result.unobservedDenied + result.unjudged).toBe(10);
  });

  it('denies every unobserved pair under least privilege but the one a 0.0.0.0/0 ipBlock admits', () => {
    const result = countUnobservedDeniedPairs(createEvaluationModel({ namespaces: NAMESPACES, pods: PODS, policies: LEAST_PRIVILEGE }), EDGES);
    // web's ingress from 0.0.0.0/0 also covers pod IPs, so pg (not egress-isolated) reaches web.
    expect(result).toMatchObject({ unobservedAllowed: 1, unobservedDenied: 9, unjudged: 0 });
  });
});

describe('countUnobservedDeniedPairs per pod pair (issue 11 item 13)', () => {
  // A rollout: web-1 still runs v1, web-2 already v2. pg admits only web v1 (and api, as observed).
  const ROLLOUT = PODS.map((pod) => (pod === WEB1 ? { ...pod, labels: { app: 'web', version: 'v1' } } : pod === WEB2 ? { ...pod, labels: { app: 'web', version: 'v2' } } : pod));
  const pgAdmits = (...selectors: object[]) => [np('db', 'pg', { podSelector: app('pg'), ingress: [{ from: selectors.map((podSelector) => ({ namespaceSelector: {}, podSelector })) }] })];
  const count = (policies: V1NetworkPolicy[]) => countUnobservedDeniedPairs(createEvaluationModel({ namespaces: NAMESPACES, pods: ROLLOUT, policies }), EDGES);
  const pg = (result: ReturnType<typeof count>) => result.byDestination.find((entry) => entry.destination === 'db/Deployment/pg');

  it('a workload pair with some pod pairs allowed is partly denied, not allowed nor denied', () => {
    const result = count(pgAdmits(app('api'), { matchLabels: { app: 'web', version: 'v1' } }));
    expect(pg(result)).toEqual({
      destination: 'db/Deployment/pg',
      pods: 1,
      ports: ['TCP/5432'],
      observedSources: ['shop/Deployment/api'],
      allowedSources: [],
      partlyDeniedSources: [{ source: 'shop/Deployment/web', podPairs: 2, podPairsDenied: 1 }],
      deniedSources: 1,
      unjudgedSources: 0,
    });
    expect(result.unobservedPartlyDenied).toBe(1);
  });

  it('a workload pair is denied only when every pod pair is, and allowed only when every pod pair is', () => {
    expect(pg(count(pgAdmits(app('api')))) ).toMatchObject({ allowedSources: [], partlyDeniedSources: [], deniedSources: 2 });
    expect(pg(count(pgAdmits(app('api'), app('web'))))).toMatchObject({ allowedSources: ['shop/Deployment/web'], partlyDeniedSources: [], deniedSources: 1 });
  });

  it('lists every pair exactly: the denied sources of a destination are the workloads it does not list', () => {
    const result = count(pgAdmits(app('api'), { matchLabels: { app: 'web', version: 'v1' } }));
    expect(result.workloadIds).toEqual(['db/Deployment/pg', 'shop/Deployment/api', 'shop/Deployment/web', 'shop/Deployment/worker']);
    for (const entry of result.byDestination) {
      const listed = entry.observedSources.length + entry.allowedSources.length + entry.partlyDeniedSources.length;
      expect(listed + entry.deniedSources + entry.unjudgedSources).toBe(result.workloads - 1);
    }
    expect(result.unobservedAllowed + result.unobservedDenied + result.unobservedPartlyDenied + result.unjudged + result.observed).toBe(result.pairs);
  });
});

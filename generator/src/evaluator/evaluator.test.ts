import type { V1NetworkPolicy } from '@kubernetes/client-node';
import type { Protocol } from '@palisade/collector';
import { describe, expect, it } from 'vitest';
import type { EvaluationEndpoint, SideVerdict } from './evaluator.js';
import { evaluate, podEndpoint } from './evaluator.js';
import type { EvaluationPod } from './policy-model.js';
import { compilePolicy, createEvaluationModel, InvalidPolicyError } from './policy-model.js';

const pods: EvaluationPod[] = [
  { namespace: 'shop', name: 'web-1', labels: { app: 'web' }, ips: ['10.1.0.10'], node: 'n1', containerPorts: [{ name: 'http', port: 8080, protocol: 'TCP' }] },
  { namespace: 'shop', name: 'api-1', labels: { app: 'api' }, ips: ['10.1.0.11'], node: 'n2', containerPorts: [{ name: 'grpc', port: 9090, protocol: 'TCP' }] },
  { namespace: 'db', name: 'pg-1', labels: { app: 'pg' }, ips: ['fd00::5'], node: 'n1', containerPorts: [{ name: 'pg', port: 5432, protocol: 'TCP' }] },
  { namespace: 'shop', name: 'agent', labels: { app: 'agent' }, ips: ['192.168.0.2'], node: 'n2', hostNetwork: true, containerPorts: [] },
];

const policies = [
  {
    metadata: { namespace: 'shop', name: 'web-ingress' },
    spec: {
      podSelector: { matchLabels: { app: 'web' } },
      ingress: [
        { from: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 'http' }] },
        { from: [{ ipBlock: { cidr: '203.0.113.0/24', except: ['203.0.113.128/25'] } }] },
      ],
    },
  },
  {
    metadata: { namespace: 'shop', name: 'api-egress' },
    spec: {
      podSelector: { matchLabels: { app: 'api' } },
      policyTypes: ['Egress'],
      egress: [
        { to: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 8080 }] },
        { to: [{ ipBlock: { cidr: 'fd00::/64' } }], ports: [{ port: 5432 }] },
      ],
    },
  },
  {
    metadata: { namespace: 'db', name: 'pg' },
    spec: { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'a' } } }], ports: [{ port: 'pg' }] }] },
  },
] as unknown as V1NetworkPolicy[];

const model = createEvaluationModel({
  namespaces: [
    { name: 'shop', labels: { 'kubernetes.io/metadata.name': 'shop', team: 'a' } },
    { name: 'db', labels: { 'kubernetes.io/metadata.name': 'db' } },
  ],
  pods,
  policies,
});

function at(name: string): EvaluationEndpoint {
  const [namespace, pod] = name.split('/') as [string, string];
  const endpoint = podEndpoint(model, namespace, pod);
  if (endpoint === undefined) throw new Error(`no pod ${name}`);
  return endpoint;
}
const address = (ip: string): EvaluationEndpoint => ({ kind: 'address', ip });

function summary(verdict: SideVerdict): string {
  if (!verdict.allowed) return `denied (${verdict.isolatedBy.join(', ')})`;
  return verdict.reason === 'rule' ? `${verdict.by.namespace}/${verdict.by.policy} ${verdict.by.direction}[${verdict.by.rule}]` : verdict.reason;
}

describe('evaluate', () => {
  it.each<[string, EvaluationEndpoint, EvaluationEndpoint, Protocol, number | undefined, string, string, string | undefined]>([
    ['both sides by rule, named port on ingress', at('shop/api-1'), at('shop/web-1'), 'TCP', 8080, 'shop/api-egress egress[0]', 'shop/web-ingress ingress[0]', undefined],
    ['port outside both rules', at('shop/api-1'), at('shop/web-1'), 'TCP', 8081, 'denied (shop/api-egress)', 'denied (shop/web-ingress)', 'both'],
    ['nothing isolates', at('shop/web-1'), at('shop/api-1'), 'TCP', 9090, 'not-isolated', 'not-isolated', undefined],
    ['ipBlock admits an external address', address('203.0.113.7'), at('shop/web-1'), 'TCP', 8080, 'not-a-pod', 'shop/web-ingress ingress[1]', undefined],
    ['ipBlock except removes it', address('203.0.113.200'), at('shop/web-1'), 'TCP', 8080, 'not-a-pod', 'denied (shop/web-ingress)', 'ingress'],
    ['IPv6 ipBlock matches a pod IP; namespaceSelector + named port', at('shop/api-1'), at('db/pg-1'), 'TCP', 5432, 'shop/api-egress egress[1]', 'db/pg ingress[0]', undefined],
    ['IPv6 ipBlock to an external address', at('shop/api-1'), address('fd00::99'), 'TCP', 5432, 'shop/api-egress egress[1]', 'not-a-pod', undefined],
    ['egress isolated to the internet', at('shop/api-1'), address('8.8.8.8'), 'UDP', 53, 'denied (shop/api-egress)', 'not-a-pod', 'egress'],
    ['a pod cannot block itself', at('db/pg-1'), at('db/pg-1'), 'TCP', 5432, 'self', 'self', undefined],
    ['the local node (kubelet probe)', { kind: 'node', local: true }, at('shop/web-1'), 'TCP', 9999, 'not-a-pod', 'own-node', undefined],
    ['the own node by name', { kind: 'node', name: 'n1', ip: '192.168.0.1' }, at('shop/web-1'), 'TCP', 9999, 'not-a-pod', 'own-node', undefined],
    ['another node is only an address', { kind: 'node', name: 'n2', ip: '192.168.0.2' }, at('shop/web-1'), 'TCP', 9999, 'not-a-pod', 'denied (shop/web-ingress)', 'ingress'],
    ['a pod reaching its own node', at('shop/api-1'), { kind: 'node', name: 'n2' }, 'TCP', 10250, 'own-node', 'not-a-pod', undefined],
    ['a host-network pod is seen as its node', at('shop/agent'), at('shop/web-1'), 'TCP', 8080, 'host-network', 'denied (shop/web-ingress)', 'ingress'],
    ['a host-network pod on the same node is the own node', at('shop/api-1'), at('shop/agent'), 'TCP', 8080, 'own-node', 'host-network', undefined],
    ['ICMP only matches rules without ports', address('203.0.113.9'), at('shop/web-1'), 'ICMPv4', undefined, 'not-a-pod', 'shop/web-ingress ingress[1]', undefined],
    ['ICMP never matches ports', at('shop/api-1'), at('shop/web-1'), 'ICMPv4', undefined, 'denied (shop/api-egress)', 'denied (shop/web-ingress)', 'both'],
    ['UDP does not match a TCP named port', at('shop/web-1'), at('db/pg-1'), 'UDP', 5432, 'not-isolated', 'denied (db/pg)', 'ingress'],
  ])('%s', (_name, source, destination, protocol, port, egress, ingress, deniedBy) => {
    const decision = evaluate(model, { source, destination, protocol, ...(port === undefined ? {} : { port }) });
    expect({ egress: summary(decision.egress), ingress: summary(decision.ingress), deniedBy: decision.deniedBy, allowed: decision.allowed }).toEqual({
      egress,
      ingress,
      deniedBy,
      allowed: deniedBy === undefined,
    });
  });

  it('names the first matching policy in namespace/name order', () => {
    const twice = createEvaluationModel({
      namespaces: [],
      pods,
      policies: ['b-allow', 'a-allow'].map((name) => ({ metadata: { namespace: 'shop', name }, spec: { podSelector: {}, ingress: [{}] } })) as V1NetworkPolicy[],
    });
    const decision = evaluate(twice, { source: address('1.2.3.4'), destination: { kind: 'pod', pod: pods[0] as EvaluationPod }, protocol: 'TCP', port: 1 });
    expect(summary(decision.ingress)).toBe('shop/a-allow ingress[0]');
  });
});

describe('compilePolicy', () => {
  it.each<[string, object, boolean, boolean]>([
    ['no policyTypes, no egress: Ingress only', { podSelector: {} }, true, false],
    ['no policyTypes, egress rules: both', { podSelector: {}, egress: [{}] }, true, true],
    ['no policyTypes, egress: []: Ingress only (API defaulting counts rules)', { podSelector: {}, egress: [] }, true, false],
    ['policyTypes [Egress]', { podSelector: {}, policyTypes: ['Egress'], ingress: [{}] }, false, true],
    ['policyTypes [Ingress, Egress] with no rules', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }, true, true],
  ])('%s', (_name, spec, ingress, egress) => {
    const compiled = compilePolicy({ metadata: { name: 'p', namespace: 'n' }, spec } as V1NetworkPolicy);
    expect([compiled.ingress !== undefined, compiled.egress !== undefined]).toEqual([ingress, egress]);
  });

  it.each<[string, object, string]>([
    ['a bad operator', { podSelector: { matchExpressions: [{ key: 'a', operator: 'Equals' }] } }, 'n/p: spec.podSelector.matchExpressions[0].operator: unknown operator "Equals"'],
    ['a bad CIDR', { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/33' } }] }] }, 'n/p: spec.egress[0].to[0].ipBlock: invalid CIDR "10.0.0.0/33"'],
    ['an empty peer', { podSelector: {}, ingress: [{ from: [{}] }] }, 'n/p: spec.ingress[0].from[0]: a peer needs podSelector, namespaceSelector or ipBlock'],
    ['endPort on a named port', { podSelector: {}, ingress: [{ ports: [{ port: 'http', endPort: 9 }] }] }, 'n/p: spec.ingress[0].ports[0]: endPort needs a numeric port'],
    ['an unknown policy type', { podSelector: {}, policyTypes: ['Both'] }, 'n/p: spec.policyTypes[0]: unknown type "Both"'],
  ])('rejects %s', (_name, spec, message) => {
    const compile = (): unknown => compilePolicy({ metadata: { name: 'p', namespace: 'n' }, spec } as V1NetworkPolicy);
    expect(compile).toThrow(InvalidPolicyError);
    expect(compile).toThrow(message);
  });

  it('reads client-node objects (_from) like manifests (from)', () => {
    const typed = compilePolicy({ metadata: { name: 'p' }, spec: { podSelector: {}, ingress: [{ _from: [{ podSelector: {} }] }] } });
    expect(typed.namespace).toBe('default');
    expect(typed.ingress?.[0]?.peers).toMatchObject([{ kind: 'selector', podSelector: { selector: {}, empty: true } }]);
  });
});

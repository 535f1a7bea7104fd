import type { V1NetworkPolicy } from '@kubernetes/client-node';
import type { ContainerPortInfo, PortProtocol } from '@palisade/collector';
import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluator.js';
import type { EvaluationNamespace, EvaluationPod } from './policy-model.js';
import { createEvaluationModel } from './policy-model.js';

/**
 * Reachability tables for the scenarios of the upstream Kubernetes e2e network-policy suite
 * (test/e2e/network/netpol): namespaces x, y, z (labels `ns` and `kubernetes.io/metadata.name`),
 * pods a, b, c in each (label `pod`), every pod serving 80 and 81 over TCP, UDP and SCTP with
 * container ports named `serve-<port>-<proto>`.
 *
 * Each probe starts from a default (everything allowed unless said otherwise) and applies its
 * `expect` lines in order, like the upstream truth tables: `[from, to, allowed]` where a pattern is
 * a single star (every pod), `x/` plus a star (every pod of namespace x), a star plus `/b` (pod b
 * of every namespace) or `x/a` (one pod). As upstream, a pod's traffic to itself is not part of the table
 * (the API says a pod cannot block itself; see evaluator.test.ts).
 */

type Labels = Record<string, string>;
interface Selector {
  matchLabels?: Labels;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}
interface Peer {
  podSelector?: Selector;
  namespaceSelector?: Selector;
  ipBlock?: { cidr: string; except?: string[] };
}
interface Port {
  protocol?: PortProtocol;
  port?: number | string;
  endPort?: number;
}
interface Spec {
  podSelector: Selector;
  policyTypes?: ('Ingress' | 'Egress')[];
  ingress?: { from?: Peer[]; ports?: Port[] }[];
  egress?: { to?: Peer[]; ports?: Port[] }[];
}
type Expectation = readonly [from: string, to: string, allowed: boolean];
interface Probe {
  readonly protocol: PortProtocol;
  readonly port: number;
  readonly expect: readonly Expectation[];
}
interface Scenario {
  readonly name: string;
  readonly policies: readonly V1NetworkPolicy[];
  readonly probes: readonly Probe[];
  /** Extra namespace labels (upstream "updated namespace" tests). */
  readonly namespaceLabels?: Readonly<Record<string, Labels>>;
  /** Extra pod labels, key `ns/pod` (upstream "updated pod" tests). */
  readonly podLabels?: Readonly<Record<string, Labels>>;
  /** Pods beyond the 9 (the DNS scenarios add kube-system/dns). */
  readonly extraPods?: readonly EvaluationPod[];
}

/** A manifest as a user writes it (`from`, not client-node's `_from`): the evaluator reads both. */
function np(namespace: string, name: string, spec: Spec): V1NetworkPolicy {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace, name }, spec } as V1NetworkPolicy;
}
const ns = (name: string): Selector => ({ matchLabels: { 'kubernetes.io/metadata.name': name } });
const pod = (name: string): Selector => ({ matchLabels: { pod: name } });
const tcp = (port: number | string): Port => ({ protocol: 'TCP', port });
const TCP80 = (...expect: Expectation[]): Probe => ({ protocol: 'TCP', port: 80, expect });
const TCP81 = (...expect: Expectation[]): Probe => ({ protocol: 'TCP', port: 81, expect });
const UDP80 = (...expect: Expectation[]): Probe => ({ protocol: 'UDP', port: 80, expect });
const UDP81 = (...expect: Expectation[]): Probe => ({ protocol: 'UDP', port: 81, expect });
const SCTP80 = (...expect: Expectation[]): Probe => ({ protocol: 'SCTP', port: 80, expect });
const SCTP81 = (...expect: Expectation[]): Probe => ({ protocol: 'SCTP', port: 81, expect });

const NAMESPACES = ['x', 'y', 'z'] as const;
const POD_NAMES = ['a', 'b', 'c'] as const;
const CONTAINER_PORTS: ContainerPortInfo[] = [80, 81].flatMap((port) =>
  (['TCP', 'UDP', 'SCTP'] as const).map((protocol) => ({ name: `serve-${port}-${protocol.toLowerCase()}`, port, protocol })),
);
/** Pod x/a is 10.0.1.1, y/b 10.0.2.2, z/c 10.0.3.3. */
const podIp = (namespace: string, name: string): string => `10.0.${NAMESPACES.indexOf(namespace as 'x') + 1}.${POD_NAMES.indexOf(name as 'a') + 1}`;

const DNS_POD: EvaluationPod = {
  namespace: 'kube-system',
  name: 'dns',
  labels: { 'k8s-app': 'kube-dns' },
  ips: ['10.0.9.10'],
  node: 'node-2',
  containerPorts: [
    { name: 'dns', port: 53, protocol: 'UDP' },
    { name: 'dns-tcp', port: 53, protocol: 'TCP' },
  ],
};
const DNS_EGRESS = { to: [{ namespaceSelector: ns('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ protocol: 'UDP' as const, port: 53 }, tcp(53)] };

const SCENARIOS: readonly Scenario[] = [
  // ---- default deny ----
  { name: 'default-deny-ingress', policies: [np('x', 'deny-ingress', { podSelector: {}, ingress: [] })], probes: [TCP80(['*', 'x/*', false])] },
  {
    name: 'default-deny-all (ingress and egress)',
    policies: [np('x', 'deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })],
    probes: [TCP80(['*', 'x/*', false], ['x/*', '*', false])],
  },
  { name: 'UDP: default-deny-ingress', policies: [np('x', 'deny-all', { podSelector: {}, policyTypes: ['Ingress'] })], probes: [UDP80(['*', 'x/*', false])] },
  { name: 'SCTP: default-deny-ingress', policies: [np('x', 'deny-all', { podSelector: {}, policyTypes: ['Ingress'] })], probes: [SCTP80(['*', 'x/*', false])] },
  { name: 'no policies: everything allowed (policies deleted)', policies: [], probes: [TCP80(), UDP81(), SCTP80()] },
  {
    name: 'ingress: [] isolates like deny-all (updated policy)',
    policies: [np('x', 'allow-all-mutate-to-deny-all', { podSelector: {}, ingress: [] })],
    probes: [TCP81(['*', 'x/*', false])],
  },
  {
    name: 'a policy in y leaves x alone',
    policies: [np('y', 'deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })],
    probes: [TCP80(['*', 'y/*', false], ['y/*', '*', false])],
  },
  // ---- pod selectors ----
  {
    name: 'x/a allows x/b by podSelector',
    policies: [np('x', 'x-a-allows-x-b', { podSelector: pod('a'), ingress: [{ from: [{ podSelector: pod('b') }] }] })],
    probes: [TCP80(['*', 'x/a', false], ['x/b', 'x/a', true])],
  },
  {
    name: 'podSelector with matchExpressions In',
    policies: [
      np('x', 'x-a-allows-x-b', {
        podSelector: pod('a'),
        ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'pod', operator: 'In', values: ['b'] }] } }] }],
      }),
    ],
    probes: [TCP80(['*', 'x/a', false], ['x/b', 'x/a', true])],
  },
  {
    name: 'any of several podSelectors (pod=b OR pod=c)',
    policies: [np('x', 'allow-x-b-c', { podSelector: pod('a'), ingress: [{ from: [{ podSelector: pod('b') }, { podSelector: pod('c') }] }] })],
    probes: [TCP80(['*', 'x/a', false], ['x/b', 'x/a', true], ['x/c', 'x/a', true])],
  },
  {
    name: 'deny-all ingress plus allow-all to x/a from every namespace',
    policies: [
      np('x', 'deny-all', { podSelector: {}, ingress: [] }),
      np('x', 'allow-all-to-a', { podSelector: pod('a'), ingress: [{ from: [{ podSelector: {}, namespaceSelector: {} }] }] }),
    ],
    probes: [TCP80(['*', 'x/*', false], ['*', 'x/a', true])],
  },
  {
    name: 'empty podSelector peer: same namespace only (deny other namespaces)',
    policies: [np('x', 'deny-empty-policy', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] })],
    probes: [TCP80(['y/*', 'x/*', false], ['z/*', 'x/*', false])],
  },
  {
    name: 'allow-all ingress rule on both ports',
    policies: [np('x', 'allow-all', { podSelector: {}, ingress: [{}] })],
    probes: [TCP80(), TCP81()],
  },
  {
    name: 'updated pod labels: before the label, x/b is denied',
    policies: [np('x', 'allow-client-a-via-pod-selector', { podSelector: pod('a'), ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b', pod2: 'updated' } } }] }] })],
    probes: [TCP80(['*', 'x/a', false])],
  },
  {
    name: 'updated pod labels: after x/b gets pod2=updated it is allowed',
    podLabels: { 'x/b': { pod2: 'updated' } },
    policies: [np('x', 'allow-client-a-via-pod-selector', { podSelector: pod('a'), ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b', pod2: 'updated' } } }] }] })],
    probes: [TCP80(['*', 'x/a', false], ['x/b', 'x/a', true])],
  },
  {
    name: 'deny ingress to updated pod: without target=isolated nothing changes',
    policies: [np('x', 'deny-ingress-via-label-selector', { podSelector: { matchLabels: { target: 'isolated' } }, ingress: [] })],
    probes: [TCP80()],
  },
  {
    name: 'deny ingress to updated pod: x/a labeled target=isolated',
    podLabels: { 'x/a': { target: 'isolated' } },
    policies: [np('x', 'deny-ingress-via-label-selector', { podSelector: { matchLabels: { target: 'isolated' } }, ingress: [] })],
    probes: [TCP80(['*', 'x/a', false])],
  },
  // ---- namespace selectors ----
  {
    name: 'all namespaces (namespaceSelector {})',
    policies: [np('x', 'allow-from-another-ns', { podSelector: pod('a'), ingress: [{ from: [{ namespaceSelector: {} }] }] })],
    probes: [TCP80()],
  },
  {
    name: 'only namespace y (custom ns label)',
    policies: [np('x', 'allow-client-a-via-ns-selector', { podSelector: pod('a'), ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }] }] })],
    probes: [TCP80(['x/*', 'x/a', false], ['z/*', 'x/a', false])],
  },
  {
    name: 'only namespace y (kubernetes.io/metadata.name)',
    policies: [np('x', 'allow-client-a-via-ns-selector-for-immutable-ns-label', { podSelector: pod('a'), ingress: [{ from: [{ namespaceSelector: ns('y') }] }] })],
    probes: [TCP80(['x/*', 'x/a', false], ['z/*', 'x/a', false])],
  },
  {
    name: 'namespaceSelector with matchExpressions In [y]',
    policies: [
      np('x', 'allow-ns-y-match-selector', {
        podSelector: pod('a'),
        ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['y'] }] } }] }],
      }),
    ],
    probes: [TCP80(['x/*', 'x/a', false], ['z/*', 'x/a', false])],
  },
  {
    name: 'egress namespaceSelector NotIn [y] (default ns label)',
    policies: [
      np('x', 'allow-ns-y-match-selector-for-immutable-ns-label', {
        podSelector: pod('a'),
        policyTypes: ['Egress'],
        egress: [{ to: [{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['y'] }] } }] }],
      }),
    ],
    probes: [TCP80(['x/a', 'y/*', false])],
  },
  {
    name: 'updated namespace labels: before y has ns2=updated',
    policies: [np('x', 'allow-client-a-via-ns-selector', { podSelector: pod('a'), ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns2: 'updated' } } }] }] })],
    probes: [TCP80(['*', 'x/a', false])],
  },
  {
    name: 'updated namespace labels: after y has ns2=updated',
    namespaceLabels: { y: { ns2: 'updated' } },
    policies: [np('x', 'allow-client-a-via-ns-selector', { podSelector: pod('a'), ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns2: 'updated' } } }] }] })],
    probes: [TCP80(['*', 'x/a', false], ['y/*', 'x/a', true])],
  },
  {
    name: 'namespaceSelector Exists AND podSelector NotIn [a, b]',
    policies: [
      np('x', 'allow-c-everywhere', {
        podSelector: pod('a'),
        ingress: [
          {
            from: [
              {
                namespaceSelector: { matchExpressions: [{ key: 'ns', operator: 'Exists' }] },
                podSelector: { matchExpressions: [{ key: 'pod', operator: 'NotIn', values: ['a', 'b'] }] },
              },
            ],
          },
        ],
      }),
    ],
    probes: [TCP80(['*', 'x/a', false], ['*/c', 'x/a', true])],
  },
  {
    name: 'namespaceSelector DoesNotExist (y carries team=blue)',
    namespaceLabels: { y: { team: 'blue' } },
    policies: [
      np('x', 'allow-untagged-namespaces', { podSelector: pod('a'), ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'DoesNotExist' }] } }] }] }),
    ],
    probes: [TCP80(['y/*', 'x/a', false])],
  },
  // ---- pod AND namespace vs pod OR namespace ----
  {
    name: 'podSelector OR namespaceSelector (two peers)',
    policies: [
      np('x', 'allow-ns-y-match-selector', {
        podSelector: pod('a'),
        ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['x'] }] } }, { podSelector: pod('b') }] }],
      }),
    ],
    probes: [TCP80(['x/c', 'x/a', false])],
  },
  {
    name: 'podSelector AND namespaceSelector (one peer)',
    policies: [
      np('x', 'allow-ns-y-podselector-and-nsselector', {
        podSelector: pod('a'),
        ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['x'] }] }, podSelector: pod('b') }] }],
      }),
    ],
    probes: [TCP80(['*', 'x/a', false], ['y/b', 'x/a', true], ['z/b', 'x/a', true])],
  },
  {
    name: 'multiple podSelectors and namespaceSelectors (pods b, c outside x)',
    policies: [
      np('x', 'allow-ns-y-z-pod-b-c', {
        podSelector: pod('a'),
        ingress: [
          {
            from: [
              {
                namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['x'] }] },
                podSelector: { matchExpressions: [{ key: 'pod', operator: 'In', values: ['b', 'c'] }] },
              },
            ],
          },
        ],
      }),
    ],
    probes: [TCP80(['x/*', 'x/a', false], ['*/a', 'x/a', false])],
  },
  {
    name: 'only y/a by podSelector AND namespaceSelector',
    policies: [np('x', 'allow-ns-y-pod-a-via-namespace-pod-selector', { podSelector: pod('a'), ingress: [{ from: [{ namespaceSelector: ns('y'), podSelector: pod('a') }] }] })],
    probes: [TCP80(['*', 'x/a', false], ['y/a', 'x/a', true])],
  },
  {
    name: 'UDP: only y/a by podSelector AND namespaceSelector',
    policies: [np('x', 'allow-ns-y-pod-a-via-namespace-pod-selector', { podSelector: pod('a'), ingress: [{ from: [{ namespaceSelector: ns('y'), podSelector: pod('a') }] }] })],
    probes: [UDP80(['*', 'x/a', false], ['y/a', 'x/a', true])],
  },
  {
    name: 'SCTP: only y/a by podSelector AND namespaceSelector',
    policies: [np('x', 'allow-ns-y-pod-a-via-namespace-pod-selector', { podSelector: pod('a'), ingress: [{ from: [{ namespaceSelector: ns('y'), podSelector: pod('a') }] }] })],
    probes: [SCTP80(['*', 'x/a', false], ['y/a', 'x/a', true])],
  },
  {
    name: 'empty namespaceSelector AND podSelector: pod b of every namespace',
    policies: [np('x', 'allow-any-b', { podSelector: pod('a'), ingress: [{ from: [{ namespaceSelector: {}, podSelector: pod('b') }] }] })],
    probes: [TCP80(['*', 'x/a', false], ['*/b', 'x/a', true])],
  },
  // ---- ports and protocols ----
  {
    name: 'ports: namespace y on TCP 81 only',
    policies: [np('x', 'allow-client-a-via-ns-selector', { podSelector: pod('a'), ingress: [{ from: [{ namespaceSelector: ns('y') }], ports: [tcp(81)] }] })],
    probes: [TCP81(['x/*', 'x/a', false], ['z/*', 'x/a', false]), TCP80(['*', 'x/a', false])],
  },
  {
    name: 'stacked policies with overlapping podSelectors add up (81 then 80)',
    policies: [
      np('x', 'allow-client-a-via-ns-selector', { podSelector: pod('a'), ingress: [{ from: [{ namespaceSelector: ns('y') }], ports: [tcp(81)] }] }),
      np('x', 'allow-client-a-via-ns-selector-80', { podSelector: pod('a'), ingress: [{ from: [{ namespaceSelector: ns('y') }], ports: [tcp(80)] }] }),
    ],
    probes: [TCP81(['x/*', 'x/a', false], ['z/*', 'x/a', false]), TCP80(['x/*', 'x/a', false], ['z/*', 'x/a', false])],
  },
  {
    name: 'UDP: namespace y on UDP 81 only',
    policies: [np('x', 'allow-ingress-on-port-81-ns-x', { podSelector: pod('a'), ingress: [{ from: [{ namespaceSelector: ns('y') }], ports: [{ protocol: 'UDP', port: 81 }] }] })],
    probes: [UDP81(['x/*', 'x/a', false], ['z/*', 'x/a', false]), TCP81(['*', 'x/a', false])],
  },
  {
    name: 'SCTP: namespace y on SCTP 81 only',
    policies: [np('x', 'allow-ingress-on-port-81-ns-x', { podSelector: pod('a'), ingress: [{ from: [{ namespaceSelector: ns('y') }], ports: [{ protocol: 'SCTP', port: 81 }] }] })],
    probes: [SCTP81(['x/*', 'x/a', false], ['z/*', 'x/a', false]), TCP81(['*', 'x/a', false])],
  },
  {
    name: 'any port on one protocol (protocol TCP, no port)',
    policies: [np('x', 'allow-ingress-by-proto', { podSelector: pod('a'), ingress: [{ ports: [{ protocol: 'TCP' }] }] })],
    probes: [TCP80(), TCP81(), UDP80(['*', 'x/a', false])],
  },
  {
    name: 'protocol defaults to TCP',
    policies: [np('x', 'allow-80', { podSelector: pod('a'), ingress: [{ ports: [{ port: 80 }] }] })],
    probes: [TCP80(), UDP80(['*', 'x/a', false]), SCTP80(['*', 'x/a', false])],
  },
  {
    name: "'protocol: SCTP' is not TCP (deny-ingress + SCTP 81)",
    policies: [
      np('x', 'deny-ingress', { podSelector: {}, ingress: [] }),
      np('x', 'allow-only-sctp-ingress-on-port-81', { podSelector: pod('a'), ingress: [{ ports: [{ protocol: 'SCTP', port: 81 }] }] }),
    ],
    probes: [TCP81(['*', 'x/*', false]), SCTP81(['*', 'x/*', false], ['*', 'x/a', true])],
  },
  {
    name: 'an SCTP-only policy isolates the pod for TCP',
    policies: [np('x', 'allow-only-sctp-ingress-on-port-80', { podSelector: pod('a'), ingress: [{ ports: [{ protocol: 'SCTP', port: 80 }] }] })],
    probes: [TCP81(['*', 'x/a', false]), SCTP80()],
  },
  {
    name: 'a UDP-only policy does not allow TCP',
    policies: [np('x', 'allow-only-udp-ingress-on-port-81', { podSelector: pod('a'), ingress: [{ ports: [{ protocol: 'UDP', port: 81 }] }] })],
    probes: [TCP81(['*', 'x/a', false]), UDP81()],
  },
  {
    name: 'endPort: TCP 80-81 from everywhere',
    policies: [np('x', 'allow-range', { podSelector: pod('a'), ingress: [{ ports: [{ protocol: 'TCP', port: 80, endPort: 81 }] }] })],
    probes: [TCP80(), TCP81(), UDP81(['*', 'x/a', false])],
  },
  {
    name: 'endPort: TCP 81-90 excludes 80',
    policies: [np('x', 'allow-range', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: 81, endPort: 90 }] }] })],
    probes: [TCP80(['*', 'x/*', false]), TCP81()],
  },
  {
    name: 'egress endPort: x to y on 81-82 only',
    policies: [np('x', 'egress-range', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: ns('y') }], ports: [{ port: 81, endPort: 82 }] }] })],
    probes: [TCP80(['x/*', '*', false]), TCP81(['x/*', '*', false], ['x/*', 'y/*', true])],
  },
  // ---- named ports ----
  {
    name: 'named port serve-81-tcp on every pod of x',
    policies: [np('x', 'allow-all', { podSelector: {}, ingress: [{ ports: [{ port: 'serve-81-tcp' }] }] })],
    probes: [TCP81(), TCP80(['*', 'x/*', false])],
  },
  {
    name: 'named port serve-80-tcp from namespace y',
    policies: [np('x', 'allow-client-a-via-ns-selector-80', { podSelector: pod('a'), ingress: [{ from: [{ namespaceSelector: ns('y') }], ports: [tcp('serve-80-tcp')] }] })],
    probes: [TCP80(['x/*', 'x/a', false], ['z/*', 'x/a', false]), TCP81(['*', 'x/a', false])],
  },
  {
    name: 'egress named port serve-80-tcp resolves on the destination pod',
    policies: [np('x', 'allow-egress', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'serve-80-tcp' }] }] })],
    probes: [TCP80(), TCP81(['x/*', '*', false])],
  },
  {
    name: 'named port with the wrong protocol matches nothing (serve-80-udp over TCP)',
    policies: [np('x', 'named-udp', { podSelector: pod('a'), ingress: [{ ports: [{ protocol: 'TCP', port: 'serve-80-udp' }] }] })],
    probes: [TCP80(['*', 'x/a', false]), UDP80(['*', 'x/a', false])],
  },
  // ---- egress ----
  { name: 'deny egress from x/a by podSelector', policies: [np('x', 'deny-egress-pod-a', { podSelector: pod('a'), policyTypes: ['Egress'] })], probes: [TCP80(['x/a', '*', false])] },
  { name: 'deny egress from every pod of x', policies: [np('x', 'deny-egress-ns-x', { podSelector: {}, policyTypes: ['Egress'] })], probes: [TCP80(['x/*', '*', false])] },
  {
    name: 'ingress and egress together on x/a (egress only to port 80)',
    policies: [
      np('x', 'allow-client-a-via-pod-selector', {
        podSelector: pod('a'),
        policyTypes: ['Egress', 'Ingress'],
        ingress: [{ from: [{ podSelector: pod('b') }] }],
        egress: [{ ports: [{ port: 80 }] }],
      }),
    ],
    probes: [TCP80(['*', 'x/a', false], ['x/b', 'x/a', true]), TCP81(['*', 'x/a', false], ['x/a', '*', false], ['x/b', 'x/a', true])],
  },
  {
    name: 'egress denied on the client even when the server allows it',
    policies: [
      np('x', 'allow-to-ns-y-pod-a', { podSelector: pod('a'), policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: ns('y'), podSelector: pod('a') }] }] }),
      np('y', 'allow-from-xa-on-ya-match-selector', { podSelector: pod('a'), ingress: [{ from: [{ namespaceSelector: ns('x'), podSelector: pod('a') }] }] }),
      np('y', 'allow-from-xa-on-yb-match-selector', { podSelector: pod('b'), ingress: [{ from: [{ namespaceSelector: ns('x'), podSelector: pod('a') }] }] }),
    ],
    probes: [TCP80(['x/a', '*', false], ['*', 'y/a', false], ['x/a', 'y/a', true], ['*', 'y/b', false])],
  },
  {
    name: 'egress to a server in another namespace by podSelector AND namespaceSelector',
    policies: [np('x', 'allow-to-ns-y-pod-a', { podSelector: pod('a'), policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: ns('y'), podSelector: pod('a') }] }] })],
    probes: [TCP80(['x/a', '*', false], ['x/a', 'y/a', true])],
  },
  {
    name: 'egress policies add up: port 80 only, 81 blocked',
    policies: [np('x', 'allow-egress-port-80', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 80 }] }] })],
    probes: [TCP81(['x/*', '*', false]), TCP80()],
  },
  {
    name: 'egress allow-all takes precedence over port 80 only',
    policies: [np('x', 'allow-egress-port-80', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 80 }] }] }), np('x', 'allow-egress', { podSelector: {}, policyTypes: ['Egress'], egress: [{}] })],
    probes: [TCP81()],
  },
  {
    name: 'ingress policies add up: port 80 only, 81 blocked',
    policies: [np('x', 'allow-ingress-port-80', { podSelector: {}, ingress: [{ ports: [{ port: 80 }] }] })],
    probes: [TCP81(['*', 'x/*', false])],
  },
  {
    name: 'ingress allow-all takes precedence over port 80 only',
    policies: [np('x', 'allow-ingress-port-80', { podSelector: {}, ingress: [{ ports: [{ port: 80 }] }] }), np('x', 'allow-ingress', { podSelector: {}, ingress: [{}] })],
    probes: [TCP81()],
  },
  {
    name: 'ingress and egress controlled independently',
    policies: [
      np('x', 'allow-egress-for-target', { podSelector: pod('a'), policyTypes: ['Egress'], egress: [{}] }),
      np('x', 'deny-ingress-via-label-selector', { podSelector: pod('a'), policyTypes: ['Ingress'] }),
    ],
    probes: [TCP80(['*', 'x/a', false])],
  },
  {
    name: 'egress with DNS: deny-all egress in x except cluster DNS',
    extraPods: [DNS_POD],
    policies: [np('x', 'default-deny-egress-allow-dns', { podSelector: {}, policyTypes: ['Egress'], egress: [DNS_EGRESS] })],
    probes: [
      { protocol: 'UDP', port: 53, expect: [['x/*', '*', false], ['x/*', 'kube-system/dns', true]] },
      { protocol: 'TCP', port: 53, expect: [['x/*', '*', false], ['x/*', 'kube-system/dns', true]] },
      TCP80(['x/*', '*', false]),
    ],
  },
  {
    name: 'egress with DNS: x/a to y on 80 plus DNS, nothing else',
    extraPods: [DNS_POD],
    policies: [np('x', 'a-egress', { podSelector: pod('a'), egress: [{ to: [{ namespaceSelector: ns('y') }], ports: [tcp(80)] }, DNS_EGRESS] })],
    probes: [
      // policyTypes omitted: the egress rules make it Ingress+Egress, and Ingress has no rule.
      TCP80(['*', 'x/a', false], ['x/a', '*', false], ['x/a', 'y/*', true]),
      { protocol: 'UDP', port: 53, expect: [['*', 'x/a', false], ['x/a', '*', false], ['x/a', 'kube-system/dns', true]] },
    ],
  },
  // ---- policyTypes defaulting ----
  {
    name: 'policyTypes omitted with egress rules: Ingress and Egress',
    policies: [np('x', 'a-to-b', { podSelector: pod('a'), egress: [{ to: [{ podSelector: pod('b') }] }] })],
    probes: [TCP80(['*', 'x/a', false], ['x/a', '*', false], ['x/a', 'x/b', true])],
  },
  {
    name: 'policyTypes omitted with egress: [] is Ingress only',
    policies: [np('x', 'empty-egress', { podSelector: pod('a'), egress: [] })],
    probes: [TCP80(['*', 'x/a', false])],
  },
  {
    name: 'policyTypes [Egress] ignores ingress rules',
    policies: [np('x', 'egress-only', { podSelector: pod('a'), policyTypes: ['Egress'], ingress: [{ from: [{ podSelector: pod('b') }] }] })],
    probes: [TCP80(['x/a', '*', false])],
  },
  // ---- ipBlock ----
  {
    name: 'egress to a server in a CIDR block (y/b /32)',
    policies: [np('x', 'allow-client-a-via-cidr-egress-rule', { podSelector: pod('a'), policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.2.2/32' } }] }] })],
    probes: [TCP80(['x/a', '*', false], ['x/a', 'y/b', true])],
  },
  {
    name: 'ipBlock except removes x/b from a wide block',
    policies: [np('x', 'allow-client-a-via-cidr-egress-rule', { podSelector: pod('a'), policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.1.2/32'] } }] }] })],
    probes: [TCP80(['x/a', 'x/b', false])],
  },
  {
    name: 'ipBlock: the excepted IP allowed by a second policy (union)',
    policies: [
      np('x', 'allow-client-a-via-cidr-egress-rule', { podSelector: pod('a'), policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.1.2/32'] } }] }] }),
      np('x', 'allow-x-b-cidr', { podSelector: pod('a'), policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.1.2/32' } }] }] }),
    ],
    probes: [TCP80()],
  },
  {
    name: 'ipBlock: policy replaced by x/b /32 only',
    policies: [np('x', 'allow-client-a-via-cidr-egress-rule', { podSelector: pod('a'), policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.1.2/32' } }] }] })],
    probes: [TCP80(['x/a', '*', false], ['x/a', 'x/b', true])],
  },
  {
    name: 'ingress ipBlock: namespace y range except y/c',
    policies: [np('x', 'from-y-range', { podSelector: pod('a'), ingress: [{ from: [{ ipBlock: { cidr: '10.0.2.0/24', except: ['10.0.2.3/32'] } }] }] })],
    probes: [TCP80(['*', 'x/a', false], ['y/*', 'x/a', true], ['y/c', 'x/a', false])],
  },
];

function buildWorld(scenario: Scenario): { namespaces: EvaluationNamespace[]; pods: EvaluationPod[] } {
  const namespaces: EvaluationNamespace[] = [
    ...NAMESPACES.map((name) => ({ name, labels: { ns: name, 'kubernetes.io/metadata.name': name, ...scenario.namespaceLabels?.[name] } })),
    { name: 'kube-system', labels: { 'kubernetes.io/metadata.name': 'kube-system' } },
  ];
  const pods: EvaluationPod[] = NAMESPACES.flatMap((namespace) =>
    POD_NAMES.map((name) => ({
      namespace,
      name,
      labels: { pod: name, ...scenario.podLabels?.[`${namespace}/${name}`] },
      ips: [podIp(namespace, name)],
      node: 'node-1',
      workload: { kind: 'Pod' as const, name },
      containerPorts: CONTAINER_PORTS,
    })),
  );
  return { namespaces, pods: [...pods, ...(scenario.extraPods ?? [])] };
}

function patternMatches(pattern: string, target: EvaluationPod): boolean {
  if (pattern === '*') return true;
  const [namespace, name] = pattern.split('/');
  return (namespace === '*' || namespace === target.namespace) && (name === '*' || name === target.name);
}

/** Expected reachability of every ordered pair of distinct pods for one probe. */
function expectedMatrix(pods: readonly EvaluationPod[], probe: Probe): Map<string, boolean> {
  const matrix = new Map<string, boolean>();
  for (const from of pods)
    for (const to of pods) {
      if (from === to) continue;
      let allowed = true;
      for (const [fromPattern, toPattern, value] of probe.expect) if (patternMatches(fromPattern, from) && patternMatches(toPattern, to)) allowed = value;
      matrix.set(`${from.namespace}/${from.name} -> ${to.namespace}/${to.name}`, allowed);
    }
  return matrix;
}

describe('upstream e2e network-policy scenarios', () => {
  it('has at least 40 scenarios and 9 pods per matrix', () => {
    expect(SCENARIOS.length).toBeGreaterThanOrEqual(40);
    expect(buildWorld(SCENARIOS[0] as Scenario).pods).toHaveLength(9);
  });

  it.each(SCENARIOS.map((scenario) => [scenario.name, scenario] as const))('%s', (_name, scenario) => {
    const world = buildWorld(scenario);
    const model = createEvaluationModel({ ...world, policies: scenario.policies });
    for (const probe of scenario.probes) {
      const expected = expectedMatrix(world.pods, probe);
      const actual = new Map<string, boolean>();
      for (const from of world.pods)
        for (const to of world.pods) {
          if (from === to) continue;
          const decision = evaluate(model, { source: { kind: 'pod', pod: from }, destination: { kind: 'pod', pod: to }, protocol: probe.protocol, port: probe.port });
          actual.set(`${from.namespace}/${from.name} -> ${to.namespace}/${to.name}`, decision.allowed);
        }
      const wrong = [...expected].filter(([pair, allowed]) => actual.get(pair) !== allowed).map(([pair, allowed]) => `${probe.protocol}/${probe.port} ${pair}: expected ${allowed ? 'allowed' : 'denied'}`);
      expect(wrong).toEqual([]);
    }
  });
});

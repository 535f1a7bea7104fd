import { describe, expect, it } from 'vitest';
import type { V1NetworkPolicy } from '@kubernetes/client-node';
import { FlowSchema } from '@palisade/collector';
import { RefusedError } from '../errors.js';
import { policyToYaml } from '../render/policy-yaml.js';
import { policyName } from './policy-name.js';
import { address, cluster, deploymentObjects, flow, longFlow, pod, policyOf, synthesize, T0 } from './testing/synthesis-fixtures.js';

/**
 * One block per rule of POLICY-RULES.md. Each builds the smallest baseline that exercises the rule
 * and checks the policy objects. Rule 15 (identity at the time of the flow) is a collector concern,
 * tested in collector/src/identity-resolver.test.ts (a reused IP resolved by time, an ambiguous one
 * quarantined) and against the real API server in test/integration/collector/cluster-identity.test.ts;
 * rule 19 (self-verification) in self-verification.test.ts.
 */

const web = pod('shop', 'web');
const api = pod('shop', 'api');
const db = pod('data', 'db', { app: 'db' }, 'StatefulSet');
const dns = pod('kube-system', 'coredns', { 'k8s-app': 'kube-dns' });
const basic = [...longFlow(web, api, 8080), ...longFlow(api, db, 5432), ...longFlow(web, dns, 53, { protocol: 'UDP' })];

const ingressPeers = (policy: V1NetworkPolicy) => policy.spec?.ingress?.flatMap((rule) => rule._from ?? []) ?? [];
const egressPeers = (policy: V1NetworkPolicy) => policy.spec?.egress?.flatMap((rule) => rule.to ?? []) ?? [];
const codes = (result: ReturnType<typeof synthesize>) => result.warnings.map((warning) => warning.code);

describe('rule 1: one policy per workload, owned by Palisade', () => {
  it('names each policy palisade-<workload> and labels it managed-by palisade', () => {
    const result = synthesize(basic);
    expect(result.policies.map((plan) => `${plan.namespace}/${plan.name}`)).toEqual(['data/palisade-db', 'shop/palisade-api', 'shop/palisade-web']);
    for (const plan of result.policies) {
      expect(plan.policy.metadata?.labels).toEqual({ 'app.kubernetes.io/managed-by': 'palisade' });
      expect(plan.policy.metadata?.name?.startsWith('palisade-')).toBe(true);
    }
  });

  it('shortens names past 253 characters with a hash suffix that keeps them distinct', () => {
    const a = policyName(`${'a'.repeat(260)}-one`);
    const b = policyName(`${'a'.repeat(260)}-two`);
    expect(a.length).toBeLessThanOrEqual(253);
    expect(b.length).toBeLessThanOrEqual(253);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
  });

  it('gives workloads of different kinds with one name different policies', () => {
    const reportJob = pod('shop', 'report', { app: 'report-job' }, 'CronJob');
    const reportDeploy = pod('shop', 'report', { app: 'report-ui' });
    const result = synthesize([...longFlow(reportJob, api, 8080), ...longFlow(reportDeploy, api, 8080)]);
    const names = result.policies.filter((plan) => plan.namespace === 'shop').map((plan) => plan.name);
    expect(names).toEqual(['palisade-api', 'palisade-cronjob-report', 'palisade-deployment-report']);
  });
});

describe('rule 2: policyTypes is always set', () => {
  it('sets policyTypes on every policy, also when only egress is isolated', () => {
    // A workload reached from another node keeps ingress unisolated: its policy is egress-only.
    const result = synthesize([...basic, ...longFlow(address('node', '10.0.0.7'), api, 8080)]);
    for (const plan of result.policies) expect(plan.policy.spec?.policyTypes?.length).toBeGreaterThan(0);
    expect(policyOf(result, 'shop', 'api').spec?.policyTypes).toEqual(['Egress']);
    expect(policyOf(result, 'shop', 'web').spec?.policyTypes).toEqual(['Ingress', 'Egress']);
  });
});

describe('rule 3: deterministic output', () => {
  it('gives byte-identical YAML whatever the order of the flows', () => {
    const render = (flows: typeof basic) => synthesize(flows).policies.map((plan) => policyToYaml(plan.policy)).join('---\n');
    const once = render(basic);
    expect(render([...basic].reverse())).toBe(once);
    expect(render([basic[3], basic[0], basic[5], basic[1], basic[4], basic[2]] as typeof basic)).toBe(once);
  });

  it('keeps timestamps out of the objects and puts a short evidence annotation on them', () => {
    const yaml = synthesize(basic).policies.map((plan) => policyToYaml(plan.policy)).join('');
    expect(yaml).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    expect(policyOf(synthesize(basic), 'shop', 'api').metadata?.annotations?.['palisade.io/evidence']).toBe(
      '1 ingress and 2 egress rule(s) from 2 observed edge(s); see report.json',
    );
  });

  it('sorts peers and ports', () => {
    const cart = pod('shop', 'cart');
    const result = synthesize([...longFlow(web, api, 9090), ...longFlow(cart, api, 9090), ...longFlow(web, api, 8080), ...longFlow(cart, api, 8080)]);
    const ingress = policyOf(result, 'shop', 'api').spec?.ingress;
    expect(ingress).toEqual([
      { _from: [{ podSelector: { matchLabels: { app: 'cart' } } }, { podSelector: { matchLabels: { app: 'web' } } }], ports: [{ protocol: 'TCP', port: 8080 }, { protocol: 'TCP', port: 9090 }] },
    ]);
  });
});

describe('rule 4: values from flow logs are validated before use', () => {
  it.each([
    ['a label value with a newline', { app: 'web\nkind: Secret' }, 'source.labels.app'],
    ['a label key with a space', { 'app name': 'web' }, 'source.labels.app name'],
    ['a label value of 64 characters', { app: 'a'.repeat(64) }, 'source.labels.app'],
  ])('rejects %s, naming the field', (_what, labels, field) => {
    const result = FlowSchema.safeParse(flow({ ...web, labels }, api, 8080));
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain(field);
  });

  it('rejects a namespace that is not a DNS label', () => {
    const result = FlowSchema.safeParse(flow({ ...web, namespace: 'shop"; rm -rf' }, api, 8080));
    expect(result.error?.issues[0]?.path).toEqual(['source', 'namespace']);
  });

  it('renders typed objects, so label values stay scalar strings in the YAML', () => {
    const tricky = pod('shop', 'yes', { app: 'yes', 'x.io/on': 'true', n: '0123' });
    const yaml = policyToYaml(policyOf(synthesize([...longFlow(tricky, api, 8080)]), 'shop', 'yes'));
    expect(yaml).toContain("app: 'yes'");
    expect(yaml).toContain("x.io/on: 'true'");
    expect(yaml).toContain("'n': '0123'");
  });
});

describe('rule 5: the workload is selected with its own selector', () => {
  it("uses the owner's spec.selector.matchLabels when the cluster state is known", () => {
    const state = cluster(deploymentObjects('shop', 'api', { selector: { app: 'api', tier: 'backend' }, podLabels: { version: 'v7' } }), deploymentObjects('shop', 'web', { ips: ['10.244.1.11'] }));
    const apiPod = pod('shop', 'api', { app: 'api', tier: 'backend', version: 'v7' });
    const result = synthesize([...longFlow(web, apiPod, 8080)], {}, state);
    expect(policyOf(result, 'shop', 'api').spec?.podSelector).toEqual({ matchLabels: { app: 'api', tier: 'backend' } });
  });

  it('uses the pod labels minus the unstable ones without the cluster state', () => {
    const labels = {
      app: 'api',
      'pod-template-hash': '7d4b9c8f6d',
      'controller-revision-hash': 'api-5d8f',
      'statefulset.kubernetes.io/pod-name': 'api-0',
      'apps.kubernetes.io/pod-index': '0',
      'job-name': 'api-28391',
      'controller-uid': 'f00',
      'batch.kubernetes.io/job-name': 'api-28391',
      'io.cilium.k8s.policy.cluster': 'default',
      'io.kubernetes.pod.namespace': 'shop',
    };
    const result = synthesize([...longFlow(web, pod('shop', 'api', labels), 8080)]);
    expect(policyOf(result, 'shop', 'api').spec?.podSelector).toEqual({ matchLabels: { app: 'api' } });
  });
});

describe('rule 6: the selector is checked against the other workloads', () => {
  const shared = { app: 'web' };
  const state = cluster(
    deploymentObjects('shop', 'web', { selector: shared, podLabels: { track: 'stable' }, ips: ['10.244.1.20'] }),
    deploymentObjects('shop', 'web-canary', { selector: { ...shared, track: 'canary' }, ips: ['10.244.1.21'] }),
    deploymentObjects('shop', 'api', { ips: ['10.244.1.22'] }),
  );
  const stable = pod('shop', 'web', { app: 'web', track: 'stable' });

  it('narrows a selector that would also select another workload, with a note', () => {
    const result = synthesize([...longFlow(stable, api, 8080)], {}, state);
    expect(policyOf(result, 'shop', 'web').spec?.podSelector).toEqual({ matchLabels: { app: 'web', track: 'stable' } });
    expect(policyOf(result, 'shop', 'api').spec?.ingress?.[0]?._from).toEqual([{ podSelector: { matchLabels: { app: 'web', track: 'stable' } } }]);
    expect(codes(result)).toContain('unselectable-workload');
  });

  it('emits no policy and no rule admitting the other workload when no selector separates them', () => {
    const ambiguous = cluster(
      deploymentObjects('shop', 'web', { selector: shared, ips: ['10.244.1.20'] }),
      deploymentObjects('shop', 'web-canary', { selector: shared, ips: ['10.244.1.21'] }),
      deploymentObjects('shop', 'api', { ips: ['10.244.1.22'] }),
    );
    const result = synthesize([...longFlow(pod('shop', 'web', shared), api, 8080), ...longFlow(api, db, 5432)], {}, ambiguous);
    expect(result.policies.map((plan) => plan.name)).not.toContain('palisade-web');
    const apiPolicy = policyOf(result, 'shop', 'api');
    // api's ingress stays unisolated rather than naming a selector that also admits web-canary.
    expect(apiPolicy.spec?.policyTypes).toEqual(['Egress']);
    expect(JSON.stringify(apiPolicy)).not.toContain('"app":"web"');
    const warning = result.warnings.find((w) => w.code === 'unselectable-workload' && w.severity === 'warning');
    expect(warning?.message).toContain('shop/Deployment/web-canary');
  });
});

describe('rule 7: peers by labels, never by pod IP', () => {
  it('puts namespaceSelector and podSelector in one peer element across namespaces', () => {
    const result = synthesize(basic);
    expect(policyOf(result, 'shop', 'api').spec?.egress).toContainEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'data' } }, podSelector: { matchLabels: { app: 'db' } } }],
      ports: [{ protocol: 'TCP', port: 5432 }],
    });
  });

  it('uses the podSelector alone in the same namespace, and no ipBlock for pods', () => {
    const policy = policyOf(synthesize(basic), 'shop', 'api');
    expect(ingressPeers(policy)).toEqual([{ podSelector: { matchLabels: { app: 'web' } } }]);
    expect([...ingressPeers(policy), ...egressPeers(policy)].some((peer) => peer.ipBlock !== undefined)).toBe(false);
  });
});

describe('rule 8: the listener port', () => {
  it('translates a Service port to the pods target port', () => {
    const state = cluster(deploymentObjects('shop', 'api', { ports: [{ name: 'http', containerPort: 8080 }] }), deploymentObjects('shop', 'web', { ips: ['10.244.1.11'] }), [
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'shop' }, spec: { clusterIP: '10.96.0.20', selector: { app: 'api' }, ports: [{ port: 80, targetPort: 'http' }] } },
    ]);
    const result = synthesize([...longFlow(web, api, 80)], {}, state);
    expect(policyOf(result, 'shop', 'api').spec?.ingress?.[0]?.ports).toEqual([{ protocol: 'TCP', port: 8080 }]);
    expect(policyOf(result, 'shop', 'web').spec?.egress).toContainEqual({ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ protocol: 'TCP', port: 8080 }] });
    expect(codes(result)).toContain('service-port-translated');
  });

  it('keeps a port the pods declare', () => {
    const state = cluster(deploymentObjects('shop', 'api', { ports: [{ containerPort: 80 }] }), deploymentObjects('shop', 'web', { ips: ['10.244.1.11'] }));
    const result = synthesize([...longFlow(web, api, 80)], {}, state);
    expect(policyOf(result, 'shop', 'api').spec?.ingress?.[0]?.ports).toEqual([{ protocol: 'TCP', port: 80 }]);
  });
});

describe('rule 9: numeric ports with an explicit protocol', () => {
  const ranged = [8080, 8081, 8082, 9000].flatMap((port) => longFlow(web, api, port));

  it('lists each port with its protocol and no endPort by default', () => {
    const ports = policyOf(synthesize(ranged), 'shop', 'api').spec?.ingress?.[0]?.ports;
    expect(ports).toEqual([8080, 8081, 8082, 9000].map((port) => ({ protocol: 'TCP', port })));
  });

  it('collapses contiguous ports into endPort only when asked', () => {
    const ports = policyOf(synthesize(ranged, { collapsePortRanges: true }), 'shop', 'api').spec?.ingress?.[0]?.ports;
    expect(ports).toEqual([{ protocol: 'TCP', port: 8080, endPort: 8082 }, { protocol: 'TCP', port: 9000 }]);
  });

  it('notes ICMP, which NetworkPolicy cannot express', () => {
    const result = synthesize([...basic, ...longFlow(web, api, undefined, { protocol: 'ICMPv4' })]);
    expect(result.warnings.find((w) => w.code === 'icmp-not-expressible')?.workload).toBe('shop/Deployment/api');
  });
});

describe('rule 10: DNS', () => {
  const dnsRule = (policy: V1NetworkPolicy) => policy.spec?.egress?.find((rule) => rule.ports?.some((port) => port.port === 53));

  it('lets every egress-isolated workload reach the DNS pods by their observed labels on UDP and TCP 53', () => {
    const result = synthesize(basic);
    for (const [namespace, name] of [['shop', 'api'], ['shop', 'web'], ['data', 'db']] as const) {
      expect(dnsRule(policyOf(result, namespace, name))).toEqual({
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ protocol: 'TCP', port: 53 }, { protocol: 'UDP', port: 53 }],
      });
    }
  });

  it('reads the DNS pods labels from the cluster state, and keeps an observed port that differs (5353)', () => {
    const openshiftDns = pod('openshift-dns', 'dns-default', { 'dns.operator.openshift.io/daemonset-dns': 'default' }, 'DaemonSet');
    const state = cluster(
      [
        { kind: 'DaemonSet', apiVersion: 'apps/v1', metadata: { name: 'dns-default', namespace: 'openshift-dns' }, spec: { selector: { matchLabels: { 'dns.operator.openshift.io/daemonset-dns': 'default' } } } },
        { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'dns-default-x7k2p', namespace: 'openshift-dns', labels: { 'dns.operator.openshift.io/daemonset-dns': 'default' }, ownerReferences: [{ kind: 'DaemonSet', name: 'dns-default', controller: true }] }, status: { podIP: '10.128.0.5' } },
        { kind: 'Service', apiVersion: 'v1', metadata: { name: 'dns-default', namespace: 'openshift-dns' }, spec: { clusterIP: '172.30.0.10', selector: { 'dns.operator.openshift.io/daemonset-dns': 'default' }, ports: [{ name: 'dns', port: 53, protocol: 'UDP', targetPort: 'dns' }] } },
      ],
      deploymentObjects('shop', 'web', { ips: ['10.128.1.5'] }),
      deploymentObjects('shop', 'api', { ips: ['10.128.1.6'] }),
    );
    const result = synthesize([...longFlow(web, api, 8080), ...longFlow(web, openshiftDns, 5353, { protocol: 'UDP' })], { excludeNamespaces: ['openshift-dns'] }, state);
    expect(dnsRule(policyOf(result, 'shop', 'api'))).toEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'openshift-dns' } }, podSelector: { matchLabels: { 'dns.operator.openshift.io/daemonset-dns': 'default' } } }],
      ports: [53, 5353].flatMap((port) => [{ protocol: 'TCP', port }]).concat([53, 5353].map((port) => ({ protocol: 'UDP', port }))),
    });
  });

  it('does not take the DNS pods probe ports for DNS ports', () => {
    const result = synthesize([...basic, ...longFlow(address('host', '10.0.0.5'), dns, 8181), ...longFlow(address('host', '10.0.0.5'), dns, 8080)]);
    expect(dnsRule(policyOf(result, 'shop', 'web'))?.ports).toEqual([{ protocol: 'TCP', port: 53 }, { protocol: 'UDP', port: 53 }]);
  });

  it('falls back to k8s-app: kube-dns in kube-system, with a warning, when nothing shows the DNS', () => {
    const result = synthesize([...longFlow(web, api, 8080)]);
    expect(dnsRule(policyOf(result, 'shop', 'web'))?.to).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } },
    ]);
    expect(codes(result)).toContain('dns-fallback');
  });

  it('adds an ipBlock for a node-local DNS cache the flows show, without unisolating egress', () => {
    const result = synthesize([...basic, ...longFlow(web, address('host', '169.254.20.10'), 53, { protocol: 'UDP' })]);
    const policy = policyOf(result, 'shop', 'api');
    expect(policy.spec?.policyTypes).toContain('Egress');
    expect(dnsRule(policy)?.to).toContainEqual({ ipBlock: { cidr: '169.254.20.10/32' } });
  });
});

describe('rule 11: nodes, host network, kubelet', () => {
  it('needs no rule for probes from the pod’s own node', () => {
    const result = synthesize([...basic, ...longFlow(address('host', '10.0.0.5'), api, 8081)]);
    const policy = policyOf(result, 'shop', 'api');
    expect(policy.spec?.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(JSON.stringify(policy.spec?.ingress)).not.toContain('8081');
  });

  it('keeps ingress unisolated, with a warning naming the flows, for traffic from other nodes', () => {
    const result = synthesize([...basic, ...longFlow(address('node', '10.0.0.7'), api, 8080)]);
    expect(policyOf(result, 'shop', 'api').spec?.policyTypes).toEqual(['Egress']);
    const warning = result.warnings.find((w) => w.code === 'node-traffic');
    expect(warning?.message).toContain('ingress of shop/Deployment/api stays unisolated');
    expect(warning?.edges?.[0]?.source).toBe('node:10.0.0.7');
  });

  it('keeps egress unisolated for traffic to a host-network endpoint', () => {
    const result = synthesize([...basic, ...longFlow(api, address('host', '10.0.0.5'), 10250)]);
    expect(policyOf(result, 'shop', 'api').spec?.policyTypes).toEqual(['Ingress']);
    expect(codes(result)).toContain('host-traffic');
  });

  it('turns node traffic into an ipBlock on the observed port when node CIDRs are given', () => {
    const result = synthesize([...basic, ...longFlow(address('node', '10.0.0.7'), api, 8080)], { nodeCidrs: ['10.0.0.0/24'] });
    const policy = policyOf(result, 'shop', 'api');
    expect(policy.spec?.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.spec?.ingress).toContainEqual({ _from: [{ ipBlock: { cidr: '10.0.0.0/24' } }, { podSelector: { matchLabels: { app: 'web' } } }], ports: [{ protocol: 'TCP', port: 8080 }] });
  });

  it('never turns node or host traffic into a selector', () => {
    const result = synthesize([...basic, ...longFlow(address('node', '10.0.0.7'), web, 8080), ...longFlow(api, address('host', '10.0.0.5'), 9100)]);
    const all = JSON.stringify(result.policies.map((plan) => plan.policy));
    expect(all).not.toContain('10.0.0.');
  });
});

describe('rule 12: the API server', () => {
  it('allows the addresses and port of the default/kubernetes EndpointSlice, with a Cilium note', () => {
    const operator = pod('ops', 'operator');
    const state = cluster(deploymentObjects('ops', 'operator', { ips: ['10.244.2.2'] }), [
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'kubernetes', namespace: 'default' }, spec: { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, targetPort: 6443 }] } },
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes' } },
        addressType: 'IPv4',
        endpoints: [{ addresses: ['172.18.0.2'] }, { addresses: ['172.18.0.3'] }],
        ports: [{ name: 'https', port: 6443, protocol: 'TCP' }],
      },
    ]);
    const result = synthesize([...longFlow(operator, address('apiserver', '172.18.0.2'), 6443)], {}, state);
    expect(policyOf(result, 'ops', 'operator').spec?.egress).toContainEqual({
      to: [{ ipBlock: { cidr: '172.18.0.2/32' } }, { ipBlock: { cidr: '172.18.0.3/32' } }],
      ports: [{ protocol: 'TCP', port: 6443 }],
    });
    expect(codes(result)).toContain('apiserver-cilium');
  });
});

describe('rule 13: the outside world', () => {
  const partner = (last: number) => address('world', `203.0.113.${last}`);

  it('allows single external addresses as /32', () => {
    const result = synthesize([...basic, ...longFlow(api, partner(7), 443)]);
    expect(policyOf(result, 'shop', 'api').spec?.egress).toContainEqual({ to: [{ ipBlock: { cidr: '203.0.113.7/32' } }], ports: [{ protocol: 'TCP', port: 443 }] });
  });

  it('folds many addresses of one prefix into the prefix past the configured count', () => {
    const flows = [...basic, ...[1, 2, 3, 4].flatMap((last) => longFlow(api, partner(last), 443))];
    expect(JSON.stringify(policyOf(synthesize(flows, { worldFoldMinAddresses: 4 }), 'shop', 'api'))).toContain('203.0.113.0/24');
    expect(JSON.stringify(policyOf(synthesize(flows, { worldFoldMinAddresses: 5 }), 'shop', 'api'))).not.toContain('203.0.113.0/24');
  });

  it('never folds over the pod, Service or node ranges', () => {
    const flows = [...basic, ...[1, 2, 3, 4].flatMap((last) => longFlow(api, address('world', `10.96.5.${last}`), 443))];
    const policy = JSON.stringify(policyOf(synthesize(flows, { worldFoldMinAddresses: 4, serviceCidrs: ['10.96.0.0/12'] }), 'shop', 'api'));
    expect(policy).not.toContain('10.96.5.0/24');
    expect(policy).toContain('10.96.5.1/32');
  });

  it('allows ingress from the world on the observed port only, flagged as internet-exposed', () => {
    const flows = [...basic, ...longFlow(partner(50), web, 8443), ...longFlow(partner(51), web, 8443)];
    const result = synthesize(flows, { podCidrs: ['10.244.0.0/16'] });
    expect(policyOf(result, 'shop', 'web').spec?.ingress).toEqual([
      { _from: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.244.0.0/16'] } }], ports: [{ protocol: 'TCP', port: 8443 }] },
    ]);
    expect(result.warnings.find((w) => w.code === 'internet-exposed')?.message).toContain('internet-exposed on TCP/8443: 2 external client address(es)');
  });

  it('warns that 0.0.0.0/0 also admits pods when the pod network is not given', () => {
    const withoutPodCidr = synthesize([...basic, ...longFlow(partner(50), web, 8443)]);
    expect(withoutPodCidr.warnings.find((w) => w.code === 'internet-exposed')?.message).toContain('without --pod-cidr the 0.0.0.0/0 rule also admits every pod');
    const withPodCidr = synthesize([...basic, ...longFlow(partner(50), web, 8443)], { podCidrs: ['10.244.0.0/16'] });
    expect(withPodCidr.warnings.find((w) => w.code === 'internet-exposed')?.message).not.toContain('--pod-cidr');
  });

  it('allows only the observed client addresses when asked', () => {
    const result = synthesize([...basic, ...longFlow(partner(50), web, 8443)], { worldIngress: 'observed' });
    expect(policyOf(result, 'shop', 'web').spec?.ingress).toEqual([{ _from: [{ ipBlock: { cidr: '203.0.113.50/32' } }], ports: [{ protocol: 'TCP', port: 8443 }] }]);
  });
});

describe('rule 14: only allowed traffic teaches', () => {
  const attempt = longFlow(web, db, 5432, { verdict: 'denied' });

  it('lists denied flows as blocked attempts and makes no rule from them', () => {
    const result = synthesize([...basic, ...attempt]);
    expect(JSON.stringify(policyOf(result, 'data', 'db').spec?.ingress)).not.toContain('"app":"web"');
    expect(result.blockedAttempts).toEqual([expect.objectContaining({ source: 'shop/Deployment/web', destination: 'data/StatefulSet/db', port: 5432, deniedFlows: 2 })]);
  });

  it('lets them teach with --include-denied', () => {
    const result = synthesize([...basic, ...attempt], { includeDenied: true });
    expect(JSON.stringify(policyOf(result, 'data', 'db').spec?.ingress)).toContain('"app":"web"');
  });
});

describe('rule 16: no policy from too little', () => {
  it('refuses an empty baseline', () => {
    expect(() => synthesize([])).toThrow(RefusedError);
  });

  it('refuses a baseline of denied flows only', () => {
    expect(() => synthesize([flow(web, api, 8080, { verdict: 'denied' })])).toThrow(/no allowed traffic/);
  });

  it('reports the observation window and warns when it is short', () => {
    const result = synthesize([...basic, flow(pod('shop', 'cart'), api, 8080, { time: T0 + 3_600_000 })]);
    const cart = result.policies.find((plan) => plan.name === 'palisade-cart');
    expect(cart?.window).toEqual({ firstSeen: '2026-01-01T01:00:00.000Z', lastSeen: '2026-01-01T01:00:00.000Z', hours: 0 });
    expect(result.warnings.filter((w) => w.code === 'short-observation-window').map((w) => w.workload)).toEqual(['shop/Deployment/cart']);
  });
});

describe('rule 17: system namespaces', () => {
  it('gives kube-system workloads no policy but lets others reach the DNS there', () => {
    const result = synthesize(basic);
    expect(result.policies.some((plan) => plan.namespace === 'kube-system')).toBe(false);
    expect(result.excludedWorkloads).toEqual(['kube-system/Deployment/coredns']);
  });

  it('excludes namespaces given with --exclude-namespace', () => {
    const result = synthesize(basic, { excludeNamespaces: ['data'] });
    expect(result.policies.some((plan) => plan.namespace === 'data')).toBe(false);
    expect(policyOf(result, 'shop', 'api').spec?.egress).toContainEqual(expect.objectContaining({ ports: [{ protocol: 'TCP', port: 5432 }] }));
  });
});

describe('rule 18: default deny last', () => {
  it('is not emitted unless asked', () => {
    expect(synthesize(basic).policies.some((plan) => plan.name === 'palisade-default-deny')).toBe(false);
  });

  it('is emitted after the allow policies for namespaces where every workload has its own policy', () => {
    const result = synthesize(basic, { defaultDeny: true });
    const names = result.policies.map((plan) => `${plan.namespace}/${plan.name}`);
    expect(names).toEqual(['data/palisade-db', 'shop/palisade-api', 'shop/palisade-web', 'data/palisade-default-deny', 'shop/palisade-default-deny']);
    expect(result.policies.at(-1)?.policy.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  it('is skipped for a namespace with a workload that has no policy of its own', () => {
    const state = cluster(deploymentObjects('shop', 'web'), deploymentObjects('shop', 'api', { ips: ['10.244.1.11'] }), deploymentObjects('shop', 'idle', { ips: ['10.244.1.12'] }));
    const result = synthesize(basic, { defaultDeny: true }, state);
    expect(result.policies.map((plan) => `${plan.namespace}/${plan.name}`)).not.toContain('shop/palisade-default-deny');
    expect(result.warnings.find((w) => w.code === 'default-deny-skipped')?.message).toContain('shop/Deployment/idle');
  });
});

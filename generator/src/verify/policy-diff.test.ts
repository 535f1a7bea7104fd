import type { V1NetworkPolicy } from '@kubernetes/client-node';
import type { Flow } from '@palisade/collector';
import { describe, expect, it } from 'vitest';
import { renderDiffJson, renderDiffMarkdown, renderDiffText, renderVerifyText } from '../render/diff-render.js';
import { evaluate } from '../evaluator/evaluator.js';
import { diffPolicyObjects, normalizedPolicyYaml } from './object-diff.js';
import type { EvaluationPod } from '../evaluator/policy-model.js';
import { createEvaluationModel, withPolicies } from '../evaluator/policy-model.js';
import { portRangesText, semanticDiff } from './semantic-diff.js';

function np(namespace: string, name: string, spec: object, metadata: object = {}): V1NetworkPolicy {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace, name, ...metadata }, spec } as V1NetworkPolicy;
}
const app = (name: string): object => ({ matchLabels: { app: name } });

describe('diffPolicyObjects', () => {
  const web = np('shop', 'web', { podSelector: app('web'), ingress: [{ from: [{ podSelector: app('api') }], ports: [{ port: 8080 }] }] });

  it('ignores server fields and API defaults', () => {
    const fromCluster = np(
      'shop',
      'web',
      { podSelector: app('web'), policyTypes: ['Ingress'], ingress: [{ _from: [{ podSelector: app('api') }], ports: [{ port: 8080, protocol: 'TCP' }] }] },
      { uid: 'u-1', resourceVersion: '42', generation: 3, creationTimestamp: '2026-01-01T00:00:00Z', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
    );
    expect(diffPolicyObjects([fromCluster], [web])).toEqual({ added: [], removed: [], changed: [], unchanged: 1 });
  });

  it('lists added, removed and changed policies by namespace/name with a unified YAML diff', () => {
    const widened = np('shop', 'web', { podSelector: app('web'), ingress: [{ from: [{ podSelector: app('api') }], ports: [{ port: 8081 }] }] });
    const result = diffPolicyObjects([web, np('shop', 'old', { podSelector: {} })], [widened, np('db', 'pg', { podSelector: {} })]);
    expect([result.added.map((c) => c.key), result.removed.map((c) => c.key), result.changed.map((c) => c.key), result.unchanged]).toEqual([['db/pg'], ['shop/old'], ['shop/web'], 0]);
    expect(result.changed[0]?.diff).toBe(
      [
        '--- current/shop/web.yaml',
        '+++ proposed/shop/web.yaml',
        '@@ -10,7 +10,7 @@',
        '             matchLabels:',
        '               app: api',
        '       ports:',
        '-        - port: 8080',
        '+        - port: 8081',
        '           protocol: TCP',
        '   podSelector:',
        '     matchLabels:',
        '',
      ].join('\n'),
    );
    expect(result.added[0]?.diff).toContain('+kind: NetworkPolicy');
  });

  it('prints normalized YAML with sorted keys', () => {
    expect(normalizedPolicyYaml(np('shop', 'deny', { podSelector: {} }))).toBe(
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\n  namespace: shop\nspec:\n  podSelector: {}\n  policyTypes:\n    - Ingress\n',
    );
  });
});

/** shop/web, shop/api, db/pg (one pod each), serving 8080, 8080 and 5432. */
function pod(namespace: string, name: string, ip: string, port: number): EvaluationPod {
  return { namespace, name: `${name}-1`, labels: { app: name }, ips: [ip], workload: { kind: 'Deployment', name }, containerPorts: [{ name: 'main', port, protocol: 'TCP' }] };
}
const PODS = [pod('shop', 'web', '10.0.0.1', 8080), pod('shop', 'api', '10.0.0.2', 8080), pod('db', 'pg', '10.0.1.1', 5432)];
const NAMESPACES = ['shop', 'db'].map((name) => ({ name, labels: { 'kubernetes.io/metadata.name': name } }));
function flow(from: EvaluationPod, to: EvaluationPod, port: number, count: number): Flow {
  const end = (p: EvaluationPod): Flow['source'] => ({ kind: 'pod', namespace: p.namespace, pod: p.name, ip: p.ips[0], labels: { ...p.labels }, ...(p.workload ? { workload: p.workload } : {}) });
  return { time: 0, source: end(from), destination: end(to), protocol: 'TCP', port, verdict: 'allowed', format: 'hubble', count };
}
const [WEB, API, PG] = PODS as [EvaluationPod, EvaluationPod, EvaluationPod];
const FLOWS = [flow(WEB, API, 8080, 30), flow(API, PG, 5432, 7)];

const CURRENT = [np('db', 'pg', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] })];
const PROPOSED = [
  np('db', 'pg', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {}, podSelector: app('web') }] }] }),
  np('shop', 'api', { podSelector: app('api'), ingress: [{ from: [{ podSelector: app('web') }], ports: [{ port: 8080 }] }] }),
];

describe('semanticDiff', () => {
  const base = createEvaluationModel({ namespaces: NAMESPACES, pods: PODS, policies: CURRENT });
  const diff = semanticDiff({ current: base, proposed: withPolicies(base, PROPOSED), flows: FLOWS });

  it('finds what each set allows as sets: every port of every protocol, observed changes first', () => {
    expect(diff.newlyDenied.map((c) => `${c.source} → ${c.destination} ${c.protocol}/${portRangesText(c.ports)} observed=${c.observed}: ${c.proposed}`)).toEqual([
      'shop/Deployment/api → db/Deployment/pg TCP/1-65535 observed=true: denied: ingress isolated by db/pg',
      'db/Deployment/pg → shop/Deployment/api SCTP/1-65535 observed=false: denied: ingress isolated by shop/api',
      'db/Deployment/pg → shop/Deployment/api TCP/1-65535 observed=false: denied: ingress isolated by shop/api',
      'db/Deployment/pg → shop/Deployment/api UDP/1-65535 observed=false: denied: ingress isolated by shop/api',
      'shop/Deployment/api → db/Deployment/pg SCTP/1-65535 observed=false: denied: ingress isolated by db/pg',
      'shop/Deployment/api → db/Deployment/pg UDP/1-65535 observed=false: denied: ingress isolated by db/pg',
      'shop/Deployment/web → shop/Deployment/api SCTP/1-65535 observed=false: denied: ingress isolated by shop/api',
      // Only web's observed 8080 stays open towards api.
      'shop/Deployment/web → shop/Deployment/api TCP/1-8079,8081-65535 observed=false: denied: ingress isolated by shop/api',
      'shop/Deployment/web → shop/Deployment/api UDP/1-65535 observed=false: denied: ingress isolated by shop/api',
    ]);
    expect(diff.newlyAllowed).toEqual([]);
    // api's ingress from outside the pod network, open before, is closed on every port.
    expect(diff.newlyDeniedExternal.map((c) => `${c.direction} ${c.workload} ${c.protocol}/${portRangesText(c.ports)} ${c.cidrs.join(' ')}`)).toEqual([
      'ingress shop/Deployment/api SCTP/1-65535 0.0.0.0/0 ::/0',
      'ingress shop/Deployment/api TCP/1-65535 0.0.0.0/0 ::/0',
      'ingress shop/Deployment/api UDP/1-65535 0.0.0.0/0 ::/0',
    ]);
    expect([diff.deniedByCurrent.denied, diff.deniedByProposed.denied]).toEqual([0, 7]);
  });

  it('agrees with evaluating every pair on every port of every protocol', () => {
    const proposed = withPolicies(base, PROPOSED);
    const changes = [...diff.newlyAllowed, ...diff.newlyDenied];
    let changed = 0;
    let listed = 0;
    for (const a of PODS)
      for (const b of PODS) {
        if (a === b) continue;
        for (const protocol of ['TCP', 'UDP', 'SCTP'] as const)
          for (let port = 1; port <= 65535; port++) {
            const connection = { source: { kind: 'pod' as const, pod: a }, destination: { kind: 'pod' as const, pod: b }, protocol, port };
            if (evaluate(base, connection).allowed !== evaluate(proposed, connection).allowed) changed += 1;
          }
      }
    for (const change of changes) for (const range of change.ports) listed += range.to - range.from + 1;
    expect(listed).toBe(changed);
  });

  it('reverses into newly allowed', () => {
    const reverse = semanticDiff({ current: withPolicies(base, PROPOSED), proposed: base, flows: FLOWS });
    expect(reverse.newlyAllowed.filter((c) => c.protocol === 'TCP').map((c) => `${c.source} → ${c.destination} ${portRangesText(c.ports)}: ${c.proposed}`)).toEqual([
      'shop/Deployment/api → db/Deployment/pg 1-65535: allowed by db/pg ingress[0]',
      'db/Deployment/pg → shop/Deployment/api 1-65535: allowed (no policy applies)',
      'shop/Deployment/web → shop/Deployment/api 1-8079,8081-65535: allowed (no policy applies)',
    ]);
    expect(reverse.newlyAllowedExternal.map((c) => c.cidrs)).toEqual([['0.0.0.0/0', '::/0'], ['0.0.0.0/0', '::/0'], ['0.0.0.0/0', '::/0']]);
  });

  describe('connectivity changes that declared and observed ports miss (issue 11 item 12)', () => {
    const egressTo = (to: object[], ports: object[]) => np('shop', 'web', { podSelector: app('web'), policyTypes: ['Egress'], egress: [{ to, ports }] });
    const partners = [1, 2, 3, 4].map((last) => ({ ipBlock: { cidr: `203.0.113.${last}/32` } }));

    it('widening an egress ipBlock from four /32s to a /24 reports the newly allowed external range', () => {
      const before = createEvaluationModel({ namespaces: NAMESPACES, pods: PODS, policies: [egressTo(partners, [{ port: 443 }])] });
      const widened = semanticDiff({ current: before, proposed: withPolicies(before, [egressTo([{ ipBlock: { cidr: '203.0.113.0/24' } }], [{ port: 443 }])]) });
      expect(widened.newlyAllowedExternal).toEqual([
        {
          workload: 'shop/Deployment/web',
          direction: 'egress',
          protocol: 'TCP',
          ports: [{ from: 443, to: 443 }],
          cidrs: ['203.0.113.0/32', '203.0.113.5/32', '203.0.113.6/31', '203.0.113.8/29', '203.0.113.16/28', '203.0.113.32/27', '203.0.113.64/26', '203.0.113.128/25'],
        },
      ]);
      expect([widened.newlyDeniedExternal, widened.newlyAllowed, widened.newlyDenied]).toEqual([[], [], []]);
      expect(renderDiffText({ objects: diffPolicyObjects([], []), semantic: widened })).toContain(
        'Newly allowed external ranges:\n  shop/Deployment/web → 203.0.113.0/32, 203.0.113.5/32, 203.0.113.6/31, 203.0.113.8/29, 203.0.113.16/28, 203.0.113.32/27, 203.0.113.64/26, 203.0.113.128/25 TCP/443',
      );
      expect(renderDiffMarkdown({ objects: diffPolicyObjects([], []), semantic: widened })).toContain('| `shop/Deployment/web` | egress | `203.0.113.0/32`, `203.0.113.5/32`');
    });

    it('adding TCP 9999 towards a workload that declares no such port reports it newly allowed', () => {
      const toApi = [{ podSelector: app('api') }];
      const before = createEvaluationModel({ namespaces: NAMESPACES, pods: PODS, policies: [egressTo(toApi, [{ port: 8080 }])] });
      const opened = semanticDiff({ current: before, proposed: withPolicies(before, [egressTo(toApi, [{ port: 8080 }, { port: 9999 }])]) });
      expect(opened.newlyAllowed.map((c) => `${c.source} → ${c.destination} ${c.protocol}/${portRangesText(c.ports)}: ${c.proposed}`)).toEqual([
        'shop/Deployment/web → shop/Deployment/api TCP/9999: allowed by shop/web egress[0]',
      ]);
      expect(opened.newlyDenied).toEqual([]);
      expect(renderDiffMarkdown({ objects: diffPolicyObjects([], []), semantic: opened })).toContain('| `shop/Deployment/web` | `shop/Deployment/api` | TCP/9999 | no | allowed by shop/web egress[0] |');
    });
  });

  const report = { objects: diffPolicyObjects(CURRENT, PROPOSED), semantic: diff };

  it('renders Markdown for a pull request', () => {
    const markdown = renderDiffMarkdown(report);
    expect(markdown.split('\n').slice(0, 13)).toEqual([
      '## NetworkPolicy changes',
      '',
      '- Policies: 1 added, 0 removed, 1 changed, 0 unchanged',
      '- Connections between workloads: **0** newly allowed, **9** newly denied (**1 observed in traffic**)',
      '- External address ranges: **0** newly allowed, **3** newly denied',
      '- Observed flows denied today: 0 of 37',
      '- Observed flows the proposed policies would deny: **7** of 37',
      '',
      '### ⚠️ Observed traffic these policies would deny',
      '',
      '| source | destination | port | flows | denied by | isolating policies |',
      '|---|---|---|---:|---|---|',
      '| `shop/Deployment/api` | `db/Deployment/pg` | TCP/5432 | 7 | ingress | `db/pg` |',
    ]);
    expect(markdown).toContain('<details><summary>changed <code>db/pg</code></summary>');
    expect(markdown).toContain('```diff\n--- current/db/pg.yaml');
  });

  it('renders text with a limit', () => {
    const text = renderDiffText(report, { limit: 1 });
    expect(text).toContain('Connections: 0 newly allowed, 9 newly denied (6 pod-group pairs compared over 3 workloads, every port)');
    expect(text).toContain('Newly denied:\n  shop/Deployment/api → db/Deployment/pg TCP/1-65535 [observed]: denied: ingress isolated by db/pg\n  … and 8 more');
    expect(text).toContain('External address ranges: 0 newly allowed, 3 newly denied\n\nNewly denied external ranges:\n  0.0.0.0/0, ::/0 → shop/Deployment/api SCTP/1-65535\n  … and 2 more');
    expect(text).toContain('ADDED shop/api');
  });

  it('renders JSON that parses back to the report', () => {
    expect(JSON.parse(renderDiffJson(report))).toEqual(JSON.parse(JSON.stringify(report)));
  });

  it('renders a verify result', () => {
    expect(renderVerifyText(diff.deniedByProposed)).toBe(
      'Checked 37 flows: 30 allowed, 7 denied.\n\nDenied, by edge (1):\n  shop/Deployment/api → db/Deployment/pg TCP/5432: 7 flows, denied by ingress (db/pg)\n',
    );
  });
});

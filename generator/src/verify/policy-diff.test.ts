import type { V1NetworkPolicy } from '@kubernetes/client-node';
import type { Flow, PortProtocol } from '@palisade/collector';
import { describe, expect, it } from 'vitest';
import { renderDiffJson, renderDiffMarkdown, renderDiffText, renderVerifyText } from '../render/diff-render.js';
import { evaluate } from '../evaluator/evaluator.js';
import { diffPolicyObjects, normalizedPolicyYaml } from './object-diff.js';
import type { EvaluationPod } from '../evaluator/policy-model.js';
import { createEvaluationModel, withPolicies } from '../evaluator/policy-model.js';
import { semanticDiff } from './semantic-diff.js';

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

  it('finds newly denied and newly allowed connections, observed ones first', () => {
    expect(diff.newlyDenied.map((c) => `${c.source} → ${c.destination} ${c.protocol}/${c.port} observed=${c.observed}: ${c.proposed}`)).toEqual([
      'shop/Deployment/api → db/Deployment/pg TCP/5432 observed=true: denied: ingress isolated by db/pg',
      'db/Deployment/pg → shop/Deployment/api TCP/8080 observed=false: denied: ingress isolated by shop/api',
    ]);
    expect(diff.newlyAllowed).toEqual([]);
    expect([diff.deniedByCurrent.denied, diff.deniedByProposed.denied]).toEqual([0, 7]);
  });

  it('agrees with evaluating every pair and port', () => {
    const proposed = withPolicies(base, PROPOSED);
    const ports: Record<string, { protocol: PortProtocol; port: number }[]> = { 'web-1': [{ protocol: 'TCP', port: 8080 }], 'api-1': [{ protocol: 'TCP', port: 8080 }], 'pg-1': [{ protocol: 'TCP', port: 5432 }] };
    let changes = 0;
    for (const a of PODS)
      for (const b of PODS)
        for (const p of a === b ? [] : (ports[b.name] ?? [])) {
          const connection = { source: { kind: 'pod' as const, pod: a }, destination: { kind: 'pod' as const, pod: b }, ...p };
          if (evaluate(base, connection).allowed !== evaluate(proposed, connection).allowed) changes += 1;
        }
    expect(diff.newlyAllowed.length + diff.newlyDenied.length).toBe(changes);
  });

  it('reverses into newly allowed', () => {
    const reverse = semanticDiff({ current: withPolicies(base, PROPOSED), proposed: base, flows: FLOWS });
    expect(reverse.newlyAllowed.map((c) => `${c.source} → ${c.destination}: ${c.proposed}`)).toEqual([
      'shop/Deployment/api → db/Deployment/pg: allowed by db/pg ingress[0]',
      'db/Deployment/pg → shop/Deployment/api: allowed (no policy applies)',
    ]);
  });

  const report = { objects: diffPolicyObjects(CURRENT, PROPOSED), semantic: diff };

  it('renders Markdown for a pull request', () => {
    const markdown = renderDiffMarkdown(report);
    expect(markdown.split('\n').slice(0, 12)).toEqual([
      '## NetworkPolicy changes',
      '',
      '- Policies: 1 added, 0 removed, 1 changed, 0 unchanged',
      '- Connections between workloads: **0** newly allowed, **2** newly denied (**1 observed in traffic**)',
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
    expect(text).toContain('Connections: 0 newly allowed, 2 newly denied (6 compared over 3 workloads)');
    expect(text).toContain('Newly denied:\n  shop/Deployment/api → db/Deployment/pg TCP/5432 [observed]: denied: ingress isolated by db/pg\n  … and 1 more');
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

import type { V1NetworkPolicy } from '@kubernetes/client-node';
import type { ClusterState } from '@palisade/collector';
import { EMPTY_CLUSTER_STATE } from '@palisade/collector';
import { describe, expect, it } from 'vitest';
import type { ApplyPlanInput, DesiredPolicy } from './apply-plan.js';
import { planApply } from './apply-plan.js';

const OWNED = { 'app.kubernetes.io/managed-by': 'palisade' };

function policy(name: string, options: { owned?: boolean; workload?: string; port?: number; resourceVersion?: string } = {}): V1NetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name,
      namespace: 'shop',
      ...(options.owned === false ? {} : { labels: { ...OWNED } }),
      ...(options.workload ? { annotations: { 'palisade.io/workload': options.workload } } : {}),
      ...(options.resourceVersion ? { resourceVersion: options.resourceVersion } : {}),
    },
    spec: {
      podSelector: { matchLabels: { app: name } },
      policyTypes: ['Ingress'],
      ingress: [{ _from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: options.port ?? 5432 }] }],
    },
  };
}

function desired(name: string, options: { hours?: number; workload?: string; port?: number; owned?: boolean } = {}): DesiredPolicy {
  const workload = options.workload ?? `Deployment/${name.replace(/^palisade-/, '')}`;
  return {
    policy: policy(name, { workload, ...(options.port ? { port: options.port } : {}), ...(options.owned === false ? { owned: false } : {}) }),
    workload: `shop/${workload}`,
    window: { hours: options.hours ?? 48 },
  };
}

/** A live copy as the API server returns it: server fields, defaulted protocol, manifest `from`. */
function live(source: V1NetworkPolicy): V1NetworkPolicy {
  const copy = JSON.parse(JSON.stringify(source)) as V1NetworkPolicy & { spec: { ingress: Record<string, unknown>[] } };
  copy.metadata = { ...copy.metadata, resourceVersion: '42', uid: 'u-1', managedFields: [{ manager: 'palisade', operation: 'Apply' }] };
  copy.spec.ingress = copy.spec.ingress.map(({ _from, ports }) => ({ from: _from, ports: (ports as object[]).map((port) => ({ protocol: 'TCP', ...port })) }));
  return copy;
}

const state = (...deployments: string[]): ClusterState => ({
  ...EMPTY_CLUSTER_STATE,
  workloads: deployments.map((name) => ({ namespace: 'shop', kind: 'Deployment' as const, name, templateLabels: { app: name } })),
});

function plan(input: Partial<ApplyPlanInput>) {
  return planApply({ desired: [], live: [], state: state('db', 'web'), gates: { minWindowMs: 24 * 3_600_000 }, ...input });
}

describe('planApply', () => {
  it('creates what is missing, skips what the cluster already has (API defaults aside), updates what changed', () => {
    const result = plan({
      desired: [desired('palisade-db'), desired('palisade-web', { port: 8080 }), desired('palisade-new')],
      live: [live(policy('palisade-db', { workload: 'Deployment/db' })), live(policy('palisade-web', { workload: 'Deployment/web', port: 9090 }))],
    });
    expect(result.refusals).toEqual([]);
    expect(result.steps.map((step) => `${step.action} ${step.key}`)).toEqual(['unchanged shop/palisade-db', 'create shop/palisade-new', 'update shop/palisade-web']);
    expect(result.changes).toBe(2);
  });

  it('orders allow policies, then default-deny (rule 18), then prunes', () => {
    const deny: DesiredPolicy = { policy: { ...policy('palisade-default-deny'), spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } } };
    const result = plan({
      desired: [deny, desired('palisade-web')],
      live: [live(policy('palisade-gone', { workload: 'Deployment/gone' }))],
    });
    expect(result.steps.map((step) => `${step.phase}:${step.action} ${step.key}`)).toEqual([
      'allow:create shop/palisade-web',
      'default-deny:create shop/palisade-default-deny',
      'prune:prune shop/palisade-gone',
    ]);
  });

  it('prunes only Palisade policies whose workload is gone; keeps the rest', () => {
    const result = plan({
      desired: [desired('palisade-web')],
      live: [
        live(policy('palisade-gone', { workload: 'Deployment/gone' })),
        live(policy('palisade-db', { workload: 'Deployment/db' })),
        live(policy('hand-written', { owned: false, workload: 'Deployment/gone' })),
        live(policy('palisade-default-deny')),
      ],
    });
    expect(result.steps.filter((step) => step.action !== 'create').map((step) => `${step.action} ${step.key}`)).toEqual([
      'keep shop/palisade-db',
      'keep shop/palisade-default-deny',
      'prune shop/palisade-gone',
    ]);
  });

  it.each([
    ['an empty baseline', { desired: [desired('palisade-web')], gates: { minWindowMs: 0, baselineEdges: 0 } }, 'empty-baseline'],
    ['no policies at all', { desired: [] }, 'empty-baseline'],
    ['a short observation window', { desired: [desired('palisade-web', { hours: 3 })] }, 'observation-window'],
    ['an unknown observation window', { desired: [{ policy: policy('palisade-web', { workload: 'Deployment/web' }), workload: 'shop/Deployment/web' }] }, 'observation-window'],
    ['more changes than --max-changes', { desired: [desired('palisade-web'), desired('palisade-db')], gates: { minWindowMs: 0, maxChanges: 1 } }, 'max-changes'],
    ['a same-named policy Palisade does not own', { desired: [desired('palisade-web')], live: [live(policy('palisade-web', { owned: false }))] }, 'not-owned'],
    ['a desired policy without the managed-by label', { desired: [desired('palisade-web', { owned: false })] }, 'not-labelled'],
    ['a namespace outside --namespace', { desired: [desired('palisade-web')], namespaces: ['other'] }, 'outside-scope'],
  ] as const)('refuses %s', (_name, input, gate) => {
    const result = plan(input as Partial<ApplyPlanInput>);
    expect(result.refusals.map((refusal) => refusal.gate)).toEqual([gate]);
  });

  it('lets --min-window 0 skip the window gate, and exempts default-deny policies from it', () => {
    expect(plan({ desired: [desired('palisade-web', { hours: 0 })], gates: { minWindowMs: 0 } }).refusals).toEqual([]);
    expect(plan({ desired: [{ policy: policy('palisade-default-deny') }] }).refusals).toEqual([]);
  });
});

describe('planApply and the namespaces Palisade never writes to (rule 17, issue 11 item 5)', () => {
  const inNamespace = (namespace: string, source: V1NetworkPolicy): V1NetworkPolicy => ({ ...source, metadata: { ...source.metadata, namespace } });

  it('skips a desired policy in a system or an excluded namespace, with why, and leaves live ones there alone', () => {
    const result = plan({
      desired: [
        { policy: inNamespace('kube-system', policy('palisade-default-deny')) },
        { ...desired('palisade-db'), policy: inNamespace('payments', desired('palisade-db').policy) },
        desired('palisade-web'),
      ],
      // A Palisade policy whose workload is gone, in an excluded namespace: not pruned either.
      live: [live(inNamespace('payments', policy('palisade-old', { workload: 'Deployment/old' })))],
      excludedNamespaces: ['payments'],
    });
    expect(result.refusals).toEqual([]);
    expect(result.steps.map((step) => `${step.action} ${step.key}: ${step.reason}`)).toEqual([
      'skip payments/palisade-db: payments is excluded (--exclude-namespace); Palisade writes no policy there',
      'create shop/palisade-web: not in the cluster',
      'skip kube-system/palisade-default-deny: kube-system is a system namespace; Palisade writes no policy there (rule 17)',
    ]);
    expect(result.changes).toBe(1);
  });
});

describe('planApply and who wrote a live policy (issue 11 items 9 and 27)', () => {
  const writtenBy = (manager: string, source: V1NetworkPolicy): V1NetworkPolicy => ({ ...source, metadata: { ...source.metadata, managedFields: [{ manager, operation: 'Update' }] } });

  it('never prunes a labelled policy another field manager wrote, and never takes one over', () => {
    const result = plan({
      desired: [desired('palisade-db')],
      live: [writtenBy('kubectl-create', live(policy('palisade-db', { workload: 'Deployment/db' }))), writtenBy('kubectl-create', live(policy('palisade-gone', { workload: 'Deployment/gone' })))],
    });
    expect(result.steps.map((step) => `${step.action} ${step.key}: ${step.reason}`)).toEqual([
      'keep shop/palisade-gone: not written by Palisade (field managers: kubectl-create), so never pruned',
    ]);
    expect(result.refusals.map((refusal) => refusal.gate)).toEqual(['not-owned']);
    expect(result.refusals[0]?.message).toMatch(/^shop\/palisade-db exists with Palisade's label but was not written by Palisade \(field managers: kubectl-create\)/);
  });

  it('says why it keeps a Palisade policy that names no workload: a default deny, or not one', () => {
    const copied = live(policy('copied-exception'));
    const defaultDeny: V1NetworkPolicy = { ...copied, metadata: { ...copied.metadata, name: 'palisade-default-deny' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } };
    const result = plan({ desired: [desired('palisade-db')], live: [copied, defaultDeny] });
    expect(result.steps.filter((step) => step.action === 'keep').map((step) => `${step.key}: ${step.reason}`)).toEqual([
      'shop/copied-exception: not proposed any more, and it names no workload (no palisade.io/workload annotation), so Palisade cannot tell whether it is still needed and never prunes it',
      'shop/palisade-default-deny: not proposed any more; a default-deny is never pruned by itself',
    ]);
  });
});

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KubernetesObjectApi, NetworkingV1Api, PatchStrategy, type V1NetworkPolicy } from '@kubernetes/client-node';
import { describe, expect, it, onTestFinished } from 'vitest';
import { palisade } from '../../../generator/src/cli/testing/cli-harness.js';
import { loadTestKubeConfig } from '../../helpers/kubernetes.js';
import { readServiceEnv } from '../../helpers/service-env.js';
import { createShop } from './scenario.js';

/** `palisade apply` against the real kube-apiserver, each test in its own namespace. */

const kubeConfig = loadTestKubeConfig();
const networking = kubeConfig.makeApiClient(NetworkingV1Api);
const kubeconfigPath = () => readServiceEnv().kubeconfig;

async function policies(namespace: string): Promise<Map<string, V1NetworkPolicy>> {
  const list = await networking.listNamespacedNetworkPolicy({ namespace });
  return new Map(list.items.map((policy) => [policy.metadata?.name ?? '', policy]));
}

function versions(map: Map<string, V1NetworkPolicy>): Record<string, string | undefined> {
  return Object.fromEntries([...map].map(([name, policy]) => [name, policy.metadata?.resourceVersion]));
}

describe('palisade apply (real kube-apiserver)', () => {
  it('applies with field manager palisade, changes nothing on a second run, and prunes a policy whose workload is gone', async () => {
    const shop = await createShop(kubeConfig, onTestFinished);
    const flows = await shop.writeFlows(48);
    const args = ['apply', '--kubeconfig', kubeconfigPath(), '--namespace', shop.namespace, '--flows', flows];

    const first = await palisade(args);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const applied = await policies(shop.namespace);
    expect([...applied.keys()].sort()).toEqual(['palisade-db', 'palisade-web']);
    const db = applied.get('palisade-db');
    expect(db?.metadata?.labels?.['app.kubernetes.io/managed-by']).toBe('palisade');
    expect(db?.metadata?.managedFields?.map((entry) => `${entry.manager}:${entry.operation}`)).toEqual(['palisade:Apply']);
    expect(db?.spec?.ingress?.[0]?.ports).toEqual([{ protocol: 'TCP', port: 5432 }]);
    expect(first.stdout).toMatch(/Applied: 2 created, 0 updated, 0 pruned, 0 unchanged/);

    const second = await palisade(args);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/No change: 0 created, 0 updated, 0 pruned, 2 unchanged/);
    expect(versions(await policies(shop.namespace))).toEqual(versions(applied));

    // A policy Palisade wrote (its field manager) for a workload that no longer exists is pruned;
    // hand-written ones stay.
    const orphan: V1NetworkPolicy = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: {
        name: 'palisade-old-api',
        namespace: shop.namespace,
        labels: { 'app.kubernetes.io/managed-by': 'palisade' },
        annotations: { 'palisade.io/workload': 'Deployment/old-api' },
      },
      spec: { podSelector: { matchLabels: { app: 'old-api' } }, policyTypes: ['Ingress'] },
    };
    await KubernetesObjectApi.makeApiClient(kubeConfig).patch<V1NetworkPolicy>(orphan, undefined, undefined, 'palisade', false, PatchStrategy.ServerSideApply);
    await networking.createNamespacedNetworkPolicy({
      namespace: shop.namespace,
      body: { metadata: { name: 'hand-written' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } },
    });
    const dryRun = await palisade([...args, '--dry-run']);
    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout).toMatch(/prune\s+\S+\/palisade-old-api: its workload \S+\/Deployment\/old-api is gone/);
    expect((await policies(shop.namespace)).has('palisade-old-api')).toBe(true);

    const pruned = await palisade(args);
    expect(pruned.code).toBe(0);
    expect(pruned.stdout).toMatch(/Applied: 0 created, 0 updated, 1 pruned, 2 unchanged/);
    expect([...(await policies(shop.namespace)).keys()].sort()).toEqual(['hand-written', 'palisade-db', 'palisade-web']);
  });

  it('stops with exit 4 on a same-named policy Palisade does not own, and applies nothing', async () => {
    const shop = await createShop(kubeConfig, onTestFinished);
    const flows = await shop.writeFlows(48);
    await networking.createNamespacedNetworkPolicy({
      namespace: shop.namespace,
      body: { metadata: { name: 'palisade-db' }, spec: { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress'] } },
    });
    const run = await palisade(['apply', '--kubeconfig', kubeconfigPath(), '--namespace', shop.namespace, '--flows', flows]);
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/^palisade: refused: nothing was applied: \S+\/palisade-db exists and is not Palisade's/);
    expect([...(await policies(shop.namespace)).keys()]).toEqual(['palisade-db']);
  });

  it('stops with exit 4 when another field manager owns the fields, never forcing, and applies nothing', async () => {
    const shop = await createShop(kubeConfig, onTestFinished);
    const flows = await shop.writeFlows(48);
    // Palisade wrote its policy, then someone else took over its rules (kubectl apply --server-side --force-conflicts).
    const objects = KubernetesObjectApi.makeApiClient(kubeConfig);
    const manifest = (port: number): V1NetworkPolicy => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'palisade-db', namespace: shop.namespace, labels: { 'app.kubernetes.io/managed-by': 'palisade' } },
      spec: { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress'], ingress: [{ ports: [{ protocol: 'TCP', port }] }] },
    });
    await objects.patch<V1NetworkPolicy>(manifest(5432), undefined, undefined, 'palisade', false, PatchStrategy.ServerSideApply);
    await objects.patch<V1NetworkPolicy>(manifest(9999), undefined, undefined, 'kubectl', true, PatchStrategy.ServerSideApply);
    const before = versions(await policies(shop.namespace));
    const run = await palisade(['apply', '--kubeconfig', kubeconfigPath(), '--namespace', shop.namespace, '--flows', flows]);
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/server-side dry run refused 1 of 2 change\(s\), nothing was applied: update \S+\/palisade-db: .*conflict.*kubectl/i);
    expect(versions(await policies(shop.namespace))).toEqual(before);
  });

  it('applies nothing when the server rejects one object of the set', async () => {
    const shop = await createShop(kubeConfig, onTestFinished);
    const proposed = join(shop.dir, 'proposed', shop.namespace);
    await mkdir(proposed, { recursive: true });
    const policy = (name: string, app: string) =>
      [
        'apiVersion: networking.k8s.io/v1',
        'kind: NetworkPolicy',
        'metadata:',
        `  name: ${name}`,
        `  namespace: ${shop.namespace}`,
        '  labels: {app.kubernetes.io/managed-by: palisade}',
        '  annotations: {palisade.io/workload: Deployment/web}',
        'spec:',
        `  podSelector: {matchLabels: {app: ${JSON.stringify(app)}}}`,
        '  policyTypes: [Ingress]',
        '',
      ].join('\n');
    await writeFile(join(proposed, 'palisade-a.yaml'), policy('palisade-a', 'web'));
    // A label value with a space: valid YAML, rejected by the API server's validation.
    await writeFile(join(proposed, 'palisade-b.yaml'), policy('palisade-b', 'not valid'));
    const run = await palisade(['apply', '--kubeconfig', kubeconfigPath(), '--namespace', shop.namespace, '--proposed', join(shop.dir, 'proposed'), '--min-window', '0s']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/server-side dry run refused 1 of 2 change\(s\), nothing was applied: create \S+\/palisade-b: .*Invalid value: "not valid"/);
    expect((await policies(shop.namespace)).size).toBe(0);
  });

  it('refuses workloads observed for less than --min-window (rule 16) and applies nothing', async () => {
    const shop = await createShop(kubeConfig, onTestFinished);
    const flows = await shop.writeFlows(2);
    const run = await palisade(['apply', '--kubeconfig', kubeconfigPath(), '--namespace', shop.namespace, '--flows', flows]);
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/Deployment\/db was observed for 2h, less than --min-window 24h/);
    expect((await policies(shop.namespace)).size).toBe(0);

    const allowed = await palisade(['apply', '--kubeconfig', kubeconfigPath(), '--namespace', shop.namespace, '--flows', flows, '--min-window', '1h', '--max-changes', '1']);
    expect(allowed.code).toBe(4);
    expect(allowed.stderr).toMatch(/2 policies would change, more than --max-changes 1/);
  });
});

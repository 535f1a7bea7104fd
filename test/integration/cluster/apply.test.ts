import { NetworkingV1Api, type V1NetworkPolicy } from '@kubernetes/client-node';
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

    // A policy of Palisade's for a workload that no longer exists is pruned; hand-written ones stay.
    const orphan: V1NetworkPolicy = {
      metadata: {
        name: 'palisade-old-api',
        labels: { 'app.kubernetes.io/managed-by': 'palisade' },
        annotations: { 'palisade.io/workload': 'Deployment/old-api' },
      },
      spec: { podSelector: { matchLabels: { app: 'old-api' } }, policyTypes: ['Ingress'] },
    };
    await networking.createNamespacedNetworkPolicy({ namespace: shop.namespace, body: orphan });
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
});

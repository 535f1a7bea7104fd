import { NetworkingV1Api, type V1NetworkPolicy } from '@kubernetes/client-node';
import { describe, expect, it, onTestFinished } from 'vitest';
import { palisade } from '../../../generator/src/cli/testing/cli-harness.js';
import { loadTestKubeConfig } from '../../helpers/kubernetes.js';
import { readServiceEnv } from '../../helpers/service-env.js';
import { createShop } from './scenario.js';

/**
 * Issue 11 item 9: Palisade's label and workload annotation are not proof that Palisade wrote a
 * policy; anyone can set them. Ownership is Palisade's field manager in managedFields, plus the
 * label. Against the real kube-apiserver, with policies created by another field manager.
 */

const kubeConfig = loadTestKubeConfig();
const networking = kubeConfig.makeApiClient(NetworkingV1Api);

const lookalike = (name: string, workload: string): V1NetworkPolicy => ({
  metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'palisade' }, annotations: { 'palisade.io/workload': workload } },
  spec: { podSelector: { matchLabels: { app: workload.split('/')[1] ?? '' } }, policyTypes: ['Ingress'] },
});

async function names(namespace: string): Promise<string[]> {
  return (await networking.listNamespacedNetworkPolicy({ namespace })).items.map((policy) => policy.metadata?.name ?? '').sort();
}

describe('apply proves ownership by its field manager (item 9, real kube-apiserver)', () => {
  it('never prunes a policy kubectl created with Palisade\'s label and annotation', async () => {
    const shop = await createShop(kubeConfig, onTestFinished);
    await networking.createNamespacedNetworkPolicy({ namespace: shop.namespace, fieldManager: 'kubectl-create', body: lookalike('palisade-old-api', 'Deployment/old-api') });
    const created = (await networking.readNamespacedNetworkPolicy({ namespace: shop.namespace, name: 'palisade-old-api' })).metadata?.managedFields?.map((entry) => entry.manager);
    expect(created).toEqual(['kubectl-create']);

    const run = await palisade(['apply', '--kubeconfig', readServiceEnv().kubeconfig, '--namespace', shop.namespace, '--flows', await shop.writeFlows(48)]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`keep      ${shop.namespace}/palisade-old-api: not written by Palisade (field managers: kubectl-create), so never pruned`);
    expect(run.stdout).toMatch(/Applied: 2 created, 0 updated, 0 pruned, 0 unchanged/);
    expect(await names(shop.namespace)).toEqual(['palisade-db', 'palisade-old-api', 'palisade-web']);
  });

  it('refuses to take over a same-named policy kubectl created with Palisade\'s label', async () => {
    const shop = await createShop(kubeConfig, onTestFinished);
    await networking.createNamespacedNetworkPolicy({ namespace: shop.namespace, fieldManager: 'kubectl-create', body: lookalike('palisade-db', 'Deployment/db') });
    const run = await palisade(['apply', '--kubeconfig', readServiceEnv().kubeconfig, '--namespace', shop.namespace, '--flows', await shop.writeFlows(48)]);
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/refused: nothing was applied: \S+\/palisade-db exists with Palisade's label but was not written by Palisade \(field managers: kubectl-create\)/);
    expect(await names(shop.namespace)).toEqual(['palisade-db']);
  });
});

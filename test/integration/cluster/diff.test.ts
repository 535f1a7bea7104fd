import { NetworkingV1Api } from '@kubernetes/client-node';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { PolicyDiffReport } from '../../../generator/src/render/diff-render.js';
import { palisade } from '../../../generator/src/cli/testing/cli-harness.js';
import { loadTestKubeConfig } from '../../helpers/kubernetes.js';
import { readServiceEnv } from '../../helpers/service-env.js';
import { createShop } from './scenario.js';

describe('palisade diff --kubeconfig (real kube-apiserver)', () => {
  it('compares hand-written live policies with the cluster as apply would leave it', async () => {
    const kubeConfig = loadTestKubeConfig();
    const shop = await createShop(kubeConfig, onTestFinished);
    const flows = await shop.writeFlows(48);
    // Someone isolated every pod's ingress by hand: web → db is denied today.
    await kubeConfig.makeApiClient(NetworkingV1Api).createNamespacedNetworkPolicy({
      namespace: shop.namespace,
      body: { metadata: { name: 'deny-all-ingress' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } },
    });

    const run = await palisade(['diff', '--kubeconfig', readServiceEnv().kubeconfig, '--namespace', shop.namespace, '--flows', flows, '-o', 'json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as PolicyDiffReport;
    expect(report.objects.added.map((change) => change.key)).toEqual([`${shop.namespace}/palisade-db`, `${shop.namespace}/palisade-web`]);
    expect(report.objects.removed).toEqual([]);
    expect(report.objects.unchanged).toBe(1);
    expect(report.semantic?.deniedByCurrent.denied).toBeGreaterThan(0);
    expect(report.semantic?.deniedByCurrent.deniedEdges.map((edge) => `${edge.source} → ${edge.destination}`)).toEqual([
      `${shop.namespace}/Deployment/web → ${shop.namespace}/Deployment/db`,
    ]);
    expect(report.semantic?.deniedByProposed.denied).toBe(0);

    const markdown = await palisade(['diff', '--kubeconfig', readServiceEnv().kubeconfig, '--namespace', shop.namespace, '--flows', flows, '-o', 'markdown']);
    expect(markdown.code).toBe(0);
    expect(markdown.stdout).toContain('palisade-db');

    // The scheduled job's diff: printed and exit 10 while the live policies differ from the proposal.
    const scheduled = await palisade(['refresh', '--then', 'diff', '--kubeconfig', readServiceEnv().kubeconfig, '--namespace', shop.namespace, '--flows', flows]);
    expect(scheduled.code).toBe(10);
    expect(scheduled.stdout).toMatch(/^Policies: 2 added, 0 removed, 0 changed, 1 unchanged/);
  });
});

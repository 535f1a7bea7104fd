import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NetworkingV1Api } from '@kubernetes/client-node';
import { describe, expect, it, onTestFinished } from 'vitest';
import { palisade } from '../../../generator/src/cli/testing/cli-harness.js';
import { freshNamespace, loadTestKubeConfig } from '../../helpers/kubernetes.js';
import { readServiceEnv } from '../../helpers/service-env.js';
import { createShop } from './scenario.js';

/**
 * Issue 11 item 5: system namespaces (rule 17) and `--exclude-namespace` bind every command that
 * writes, not only `generate`: a `--proposed` directory holding a labelled deny-all for kube-system
 * must not reach kube-system. Against the real kube-apiserver.
 */

const kubeConfig = loadTestKubeConfig();
const networking = kubeConfig.makeApiClient(NetworkingV1Api);

const denyAll = (namespace: string, name: string) =>
  [
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${namespace}`,
    '  labels: {app.kubernetes.io/managed-by: palisade}',
    'spec:',
    '  podSelector: {}',
    '  policyTypes: [Ingress, Egress]',
    '',
  ].join('\n');

async function names(namespace: string): Promise<string[]> {
  return (await networking.listNamespacedNetworkPolicy({ namespace })).items.map((policy) => policy.metadata?.name ?? '').sort();
}

describe('apply and the excluded namespaces (item 5, real kube-apiserver)', () => {
  it('skips, with a line, a proposed policy in kube-system or in an --exclude-namespace, and applies the rest', async () => {
    const shop = await createShop(kubeConfig, onTestFinished);
    const excluded = await freshNamespace(kubeConfig);
    const systemName = `palisade-test-deny-${randomUUID().slice(0, 8)}`;
    onTestFinished(async () => {
      // Only when the defect is back: never leave a deny-all in the shared kube-system.
      await networking.deleteNamespacedNetworkPolicy({ namespace: 'kube-system', name: systemName }).catch(() => undefined);
    });
    const proposed = join(shop.dir, 'proposed');
    for (const [namespace, name] of [['kube-system', systemName], [excluded, 'palisade-default-deny'], [shop.namespace, 'palisade-default-deny']] as const) {
      await mkdir(join(proposed, namespace), { recursive: true });
      await writeFile(join(proposed, namespace, `${name}.yaml`), denyAll(namespace, name));
    }

    const run = await palisade([
      'apply', '--kubeconfig', readServiceEnv().kubeconfig, '--proposed', proposed, '--min-window', '0s',
      '--namespace', 'kube-system', '--namespace', excluded, '--namespace', shop.namespace, '--exclude-namespace', excluded,
    ]);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`skip      kube-system/${systemName}: kube-system is a system namespace; Palisade writes no policy there (rule 17)`);
    expect(run.stdout).toContain(`skip      ${excluded}/palisade-default-deny: ${excluded} is excluded (--exclude-namespace); Palisade writes no policy there`);
    expect(run.stdout).toMatch(/Applied: 1 created, 0 updated, 0 pruned, 0 unchanged, 2 skipped/);
    expect(await names('kube-system')).not.toContain(systemName);
    expect(await names(excluded)).toEqual([]);
    expect(await names(shop.namespace)).toEqual(['palisade-default-deny']);
  });

  it('pr leaves a proposed kube-system policy out of the repository, with a line', async () => {
    const shop = await createShop(kubeConfig, onTestFinished);
    const proposed = join(shop.dir, 'proposed');
    for (const namespace of ['kube-system', shop.namespace]) {
      await mkdir(join(proposed, namespace), { recursive: true });
      await writeFile(join(proposed, namespace, 'palisade-default-deny.yaml'), denyAll(namespace, 'palisade-default-deny'));
    }
    const remote = join(shop.dir, 'gitops.git');
    const workingCopy = join(shop.dir, 'work');
    const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };
    execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', remote]);
    execFileSync('git', ['clone', '--quiet', remote, workingCopy], { stdio: 'ignore' });
    execFileSync('git', ['-C', workingCopy, 'commit', '--quiet', '--allow-empty', '-m', 'initial'], { env });
    execFileSync('git', ['-C', workingCopy, 'push', '--quiet', 'origin', 'HEAD:main'], { env });

    const run = await palisade(['pr', '--proposed', proposed, '--git-dir', workingCopy, '--path', 'netpol', '--base', 'main']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^skip      kube-system\/palisade-default-deny: kube-system is a system namespace; Palisade writes no policy there \(rule 17\)\nPushed /);
    const files = execFileSync('git', ['-C', remote, 'ls-tree', '-r', '--name-only', 'palisade/network-policies', 'netpol'], { encoding: 'utf8' }).trim().split('\n');
    expect(files).toEqual([`netpol/${shop.namespace}/palisade-default-deny.yaml`]);
  });
});

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CoreV1Api, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { describe, expect, it, onTestFinished } from 'vitest';
import { palisade } from '../../../generator/src/cli/testing/cli-harness.js';
import { loadTestKubeConfig } from '../../helpers/kubernetes.js';
import { createShop } from './scenario.js';

/**
 * A reader allowed only inside one namespace (a ServiceAccount with a Role there, no cluster-wide
 * access) runs `--namespace X` (issue 11, item 26): Palisade reads only what that scope needs and
 * works, instead of failing on a cluster-wide Namespace list and telling the user to do what they did.
 */

/** Read access to what Palisade reads, in one namespace; `namespaces: get` only when asked. */
function readerRules(withNamespaceGet: boolean) {
  return [
    { apiGroups: [''], resources: ['pods', 'services'], verbs: ['get', 'list'] },
    { apiGroups: ['apps'], resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'], verbs: ['get', 'list'] },
    { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: ['get', 'list'] },
    { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list'] },
    { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['get', 'list'] },
    ...(withNamespaceGet ? [{ apiGroups: [''], resources: ['namespaces'], verbs: ['get'] }] : []),
  ];
}

/** A kubeconfig file of a ServiceAccount bound to a Role in `namespace`, nothing else. */
async function namespacedReader(namespace: string, dir: string, rules: ReturnType<typeof readerRules>): Promise<string> {
  const admin = loadTestKubeConfig();
  const core = admin.makeApiClient(CoreV1Api);
  const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: 'palisade-reader' } } });
  await rbac.createNamespacedRole({ namespace, body: { metadata: { name: 'palisade-reader' }, rules } });
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name: 'palisade-reader' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'palisade-reader' },
      subjects: [{ kind: 'ServiceAccount', name: 'palisade-reader', namespace }],
    },
  });
  const token = await core.createNamespacedServiceAccountToken({ namespace, name: 'palisade-reader', body: { spec: { audiences: [], expirationSeconds: 600 } } });
  const cluster = admin.getCurrentCluster();
  if (cluster === null || token.status?.token === undefined) throw new Error('no cluster or no token');
  const file = join(dir, 'reader.kubeconfig');
  const caData = cluster.caData ?? '';
  await writeFile(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'test', cluster: { server: cluster.server, ...(caData ? { 'certificate-authority-data': caData } : { 'certificate-authority': cluster.caFile }) } }],
      users: [{ name: 'reader', user: { token: token.status.token } }],
      contexts: [{ name: 'reader', context: { cluster: 'test', user: 'reader', namespace } }],
      'current-context': 'reader',
    }),
  );
  return file;
}

describe('a reader with access to one namespace only', () => {
  it.each([
    ['and get on its own Namespace', true],
    ['and not even get on its own Namespace', false],
  ])('palisade diff --namespace X works %s', async (_label, withNamespaceGet) => {
    const shop = await createShop(loadTestKubeConfig(), onTestFinished);
    const flows = await shop.writeFlows(48);
    const kubeconfig = await namespacedReader(shop.namespace, shop.dir, readerRules(withNamespaceGet));
    const run = await palisade(['diff', '--kubeconfig', kubeconfig, '--namespace', shop.namespace, '--flows', flows, '-o', 'json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { objects: { added: { key: string }[] } };
    expect(report.objects.added.map((change) => change.key)).toEqual([`${shop.namespace}/palisade-db`, `${shop.namespace}/palisade-web`]);
  });

  it('a permission the scope needs and the reader lacks: exit 2 or 4 with a line naming it, never "limit the read with --namespace"', async () => {
    const shop = await createShop(loadTestKubeConfig(), onTestFinished);
    const flows = await shop.writeFlows(48);
    const kubeconfig = await namespacedReader(shop.namespace, shop.dir, readerRules(true).filter((rule) => !rule.resources.includes('pods')));
    const run = await palisade(['diff', '--kubeconfig', kubeconfig, '--namespace', shop.namespace, '--flows', flows]);
    expect([2, 4]).toContain(run.code);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(`cannot read Pods in namespace ${shop.namespace}`);
    expect(run.stderr).toContain(`needs get and list on pods in namespace ${shop.namespace}`);
    expect(run.stderr).not.toContain('limit the read with --namespace');
  });
});

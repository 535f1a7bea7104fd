import {
  AppsV1Api,
  CoreV1Api,
  DiscoveryV1Api,
  KubernetesObjectApi,
  NetworkingV1Api,
  PatchStrategy,
  type V1NetworkPolicy,
} from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { expectApiRefusal, freshNamespace, loadTestKubeConfig } from '../../helpers/kubernetes.js';
import { createWorkload, exposeWorkload } from '../../helpers/workload.js';

function allowWebToDb(namespace: string): V1NetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'db-allow-web', namespace },
    spec: {
      podSelector: { matchLabels: { app: 'db' } },
      policyTypes: ['Ingress'],
      ingress: [{ _from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ protocol: 'TCP', port: 5432 }] }],
    },
  };
}

describe('kube-apiserver round trip (real API server on etcd)', () => {
  it('holds a workload as a cluster shows it: Deployment → ReplicaSet → Pods with IPs, Service and EndpointSlice', async () => {
    const kubeConfig = loadTestKubeConfig();
    const namespace = await freshNamespace(kubeConfig);

    const db = await createWorkload(kubeConfig, {
      namespace,
      name: 'db',
      labels: { app: 'db' },
      ports: [{ name: 'postgres', containerPort: 5432 }],
      podIPs: ['10.1.0.9', '10.1.0.10'],
    });
    const { service, endpointSlice } = await exposeWorkload(kubeConfig, db, {
      name: 'db',
      ports: [{ name: 'sql', port: 5432, targetPort: 'postgres' }],
    });

    // Read everything back from the API server rather than trusting what the helper returned.
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const apps = kubeConfig.makeApiClient(AppsV1Api);
    const discovery = kubeConfig.makeApiClient(DiscoveryV1Api);
    const replicaSets = await apps.listNamespacedReplicaSet({ namespace });
    const pods = await core.listNamespacedPod({ namespace, labelSelector: 'app=db' });
    const deployment = await apps.readNamespacedDeployment({ name: 'db', namespace });
    const replicaSet = replicaSets.items[0];

    expect(replicaSets.items).toHaveLength(1);
    expect(replicaSet?.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: 'Deployment',
      name: 'db',
      uid: deployment.metadata?.uid,
      controller: true,
    });
    const hash = replicaSet?.metadata?.labels?.['pod-template-hash'];
    expect(replicaSet?.metadata?.name).toBe(`db-${hash}`);
    expect(deployment.status?.readyReplicas).toBe(2);

    expect(pods.items.map((pod) => pod.status?.podIP).sort()).toEqual(['10.1.0.10', '10.1.0.9']);
    for (const pod of pods.items) {
      expect(pod.metadata?.labels).toEqual({ app: 'db', 'pod-template-hash': hash });
      expect(pod.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'ReplicaSet', uid: replicaSet?.metadata?.uid });
      expect(pod.status?.podIPs).toEqual([{ ip: pod.status?.podIP }]);
      expect(pod.status?.phase).toBe('Running');
      expect(pod.spec?.containers[0]?.ports).toEqual([{ name: 'postgres', containerPort: 5432, protocol: 'TCP' }]);
    }

    expect(service.spec?.clusterIP).toMatch(/^10\.96\.\d+\.\d+$/);
    const slices = await discovery.listNamespacedEndpointSlice({ namespace, labelSelector: 'kubernetes.io/service-name=db' });
    expect(slices.items.map((slice) => slice.metadata?.name)).toEqual([endpointSlice.metadata?.name]);
    expect(slices.items[0]?.ports).toEqual([{ name: 'sql', port: 5432, protocol: 'TCP' }]);
    expect(slices.items[0]?.endpoints.flatMap((endpoint) => endpoint.addresses).sort()).toEqual(['10.1.0.10', '10.1.0.9']);
  });

  it('server-side applies a NetworkPolicy, dry run first, then for real under the palisade field manager', async () => {
    const kubeConfig = loadTestKubeConfig();
    const namespace = await freshNamespace(kubeConfig);
    const objects = KubernetesObjectApi.makeApiClient(kubeConfig);
    const networking = kubeConfig.makeApiClient(NetworkingV1Api);
    const policy = allowWebToDb(namespace);

    const dryRun = await objects.patch(policy, undefined, 'All', 'palisade', true, PatchStrategy.ServerSideApply);
    expect(dryRun.metadata?.name).toBe('db-allow-web');
    // A dry run is validated and defaulted like the real thing but stores nothing.
    const beforeApply = await networking.listNamespacedNetworkPolicy({ namespace });
    expect(beforeApply.items).toEqual([]);

    await objects.patch(policy, undefined, undefined, 'palisade', true, PatchStrategy.ServerSideApply);
    const stored = await networking.readNamespacedNetworkPolicy({ name: 'db-allow-web', namespace });
    expect(stored.spec?.podSelector).toEqual({ matchLabels: { app: 'db' } });
    expect(stored.spec?.ingress?.[0]?.ports).toEqual([{ protocol: 'TCP', port: 5432 }]);
    expect(stored.spec?.ingress?.[0]?._from).toEqual([{ podSelector: { matchLabels: { app: 'web' } } }]);
    expect(stored.metadata?.managedFields?.map((entry) => [entry.manager, entry.operation])).toEqual([['palisade', 'Apply']]);
  });

  it('rejects an invalid NetworkPolicy with 422 naming the offending field', async () => {
    const kubeConfig = loadTestKubeConfig();
    const namespace = await freshNamespace(kubeConfig);
    const networking = kubeConfig.makeApiClient(NetworkingV1Api);
    const policy = allowWebToDb(namespace);
    const invalid: V1NetworkPolicy = {
      ...policy,
      spec: { ...policy.spec, ingress: [{ ports: [{ protocol: 'TCP', port: 70000 }] }] },
    };

    const refusal = await expectApiRefusal(() => networking.createNamespacedNetworkPolicy({ namespace, body: invalid }));

    expect(refusal.code).toBe(422);
    expect(refusal.status.reason).toBe('Invalid');
    expect(refusal.status.details?.causes?.map((cause) => cause.field)).toContain('spec.ingress[0].ports[0].port');
  });
});

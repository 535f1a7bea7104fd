import { randomInt } from 'node:crypto';
import { BatchV1Api, CoreV1Api } from '@kubernetes/client-node';
import { ClusterWatch, type IdentityResolver } from '@palisade/collector';
import { kubernetesInformers } from '@palisade/collector/service';
import { describe, expect, it, onTestFinished } from 'vitest';
import { freshNamespace, loadTestKubeConfig } from '../../helpers/kubernetes.js';
import { createWorkload, exposeWorkload, TEST_NODE_NAME } from '../../helpers/workload.js';
import { untilWatchSees } from './collector-harness.js';

const workloadOf = (resolver: IdentityResolver, ip: string, time: number): string | undefined => {
  const resolution = resolver.resolveIp(ip, time);
  return resolution.kind === 'pod' ? `${resolution.pod.workload.kind}/${resolution.pod.workload.name}` : undefined;
};

describe('ClusterWatch with client-node informers (real kube-apiserver)', () => {
  it('follows pods, ReplicaSets, Jobs, Services and EndpointSlices of a namespace as they change', async () => {
    const kubeConfig = loadTestKubeConfig();
    const namespace = await freshNamespace(kubeConfig);
    const watch = new ClusterWatch({ informers: kubernetesInformers(kubeConfig, { namespace }), minRebuildIntervalMs: 0 });
    await watch.start();
    onTestFinished(() => watch.stop());
    const net = `10.${randomInt(100, 200)}.${randomInt(0, 256)}`;

    // Pods created after the watch started, their IPs set by a status update, as a kubelet reports them.
    const api = await createWorkload(kubeConfig, { namespace, name: 'api', labels: { app: 'api' }, podIPs: [`${net}.1`, `${net}.2`], ports: [{ name: 'http', containerPort: 8080 }] });
    const { service } = await exposeWorkload(kubeConfig, api, { name: 'api', ports: [{ name: 'web', port: 80, targetPort: 'http' }] });
    const batch = kubeConfig.makeApiClient(BatchV1Api);
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const job = await batch.createNamespacedJob({
      namespace,
      body: {
        metadata: { name: 'report-29000000', ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'report', uid: '00000000-0000-0000-0000-000000000001', controller: true }] },
        spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'report', image: 'registry.example/report:1' }] } } },
      },
    });
    const jobPod = await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'report-29000000-abcde', ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: job.metadata?.name ?? '', uid: job.metadata?.uid ?? '', controller: true }] },
        spec: { nodeName: TEST_NODE_NAME, restartPolicy: 'Never', containers: [{ name: 'report', image: 'registry.example/report:1' }] },
      },
    });
    await core.replaceNamespacedPodStatus({ name: jobPod.metadata?.name ?? '', namespace, body: { ...jobPod, status: { phase: 'Running', podIP: `${net}.3`, podIPs: [{ ip: `${net}.3` }] } } });

    const resolver = watch.resolver;
    await untilWatchSees('the pods with their IPs', () => workloadOf(resolver, `${net}.2`, Date.now()) === 'Deployment/api' && workloadOf(resolver, `${net}.3`, Date.now()) === 'CronJob/report');
    const serviceIp = service.spec?.clusterIP ?? '';
    await untilWatchSees('the Service and its EndpointSlice', () => resolver.translateService(serviceIp, 80, 'TCP', Date.now())?.backend !== undefined);
    expect(resolver.translateService(serviceIp, 80, 'TCP', Date.now())).toMatchObject({ service: { namespace, name: 'api' }, targetPort: 8080, backend: { workload: { kind: 'Deployment', name: 'api' } } });

    // A deleted pod still answers for flows from before its deletion.
    const beforeDeletion = Date.now();
    await core.deleteNamespacedPod({ name: api.pods[0]?.metadata?.name ?? '', namespace, gracePeriodSeconds: 0 });
    await untilWatchSees('the deletion', () => watch.counts.deletedPods === 1);
    expect(workloadOf(resolver, `${net}.1`, beforeDeletion)).toBe('Deployment/api');
    expect(watch.counts).toMatchObject({ Pod: 2, ReplicaSet: 1, Job: 1, Service: 1, EndpointSlice: 1 });
  });
});

import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { PassThrough } from 'node:stream';
import { CoreV1Api } from '@kubernetes/client-node';
import { decodeFlow, type Flow, type IdentityResolver } from '@palisade/collector';
import { startCollect } from '@palisade/collector/service';
import { describe, expect, it } from 'vitest';
import { createTestKafka } from '../../helpers/kafka.js';
import { freshNamespace, loadTestKubeConfig } from '../../helpers/kubernetes.js';
import { readServiceEnv } from '../../helpers/service-env.js';
import { createWorkload, exposeWorkload } from '../../helpers/workload.js';
import { freshCollectorTopics, readTopic, testCollectConfig, untilWatchSees } from './collector-harness.js';

/** An AWS network-policy agent line in the CloudWatch form: addresses only, identity from the cluster. */
function awsLine(time: number, source: string, sourcePort: number, destination: string, port: number): string {
  return `${new Date(time).toISOString()} Node: ip-10-0-0-1.ec2.internal;SIP: ${source};SPORT: ${sourcePort};DIP: ${destination};DPORT: ${port};PROTOCOL: TCP;PolicyVerdict: ACCEPT`;
}

const podName = (resolver: IdentityResolver, ip: string, time: number): string | undefined => {
  const resolution = resolver.resolveIp(ip, time);
  return resolution.kind === 'pod' ? resolution.pod.workload.name : undefined;
};

describe('palisade collect with --kubeconfig (real kube-apiserver and broker)', () => {
  it('resolves address-only AWS VPC CNI flows to workloads: pods, a reused IP by time, a Service ClusterIP', async () => {
    const kubeConfig = loadTestKubeConfig();
    const namespace = await freshNamespace(kubeConfig);
    const core = kubeConfig.makeApiClient(CoreV1Api);
    // Addresses of this test only: other tests' pods (and namespaces never collected) share the cluster.
    const net = `10.${randomInt(100, 200)}.${randomInt(0, 256)}`;
    const [clientIp, dbIp, reusedIp] = [`${net}.10`, `${net}.20`, `${net}.30`];

    const client = await createWorkload(kubeConfig, { namespace, name: 'client', labels: { app: 'client' }, podIPs: [clientIp] });
    const db = await createWorkload(kubeConfig, { namespace, name: 'db', labels: { app: 'db' }, podIPs: [dbIp], ports: [{ name: 'pg', containerPort: 5432 }] });
    const { service } = await exposeWorkload(kubeConfig, db, { name: 'db', ports: [{ name: 'sql', port: 80, targetPort: 'pg' }] });
    const serviceIp = service.spec?.clusterIP ?? '';
    const old = await createWorkload(kubeConfig, { namespace, name: 'old-web', labels: { app: 'old-web' }, podIPs: [reusedIp], ports: [{ containerPort: 8080 }] });
    expect(client.pods).toHaveLength(1);

    const kafka = createTestKafka();
    const topics = freshCollectorTopics(kafka);
    const stdin = new PassThrough();
    const running = await startCollect({
      config: testCollectConfig(topics, { source: 'stdin', format: 'aws-vpc-cni', kubeconfig: readServiceEnv().kubeconfig }),
      stdin,
      handleSignals: false,
    });
    const resolver = running.resolver;
    if (resolver === undefined) throw new Error('collect --kubeconfig made no resolver');
    await untilWatchSees('the pods and the Service', () => podName(resolver, clientIp, Date.now()) === 'client' && podName(resolver, reusedIp, Date.now()) === 'old-web' && resolver.isServiceIp(serviceIp));

    // The old pod goes away and a new workload's pod gets its address. Creation times have
    // one-second resolution, so the new pod is created in a later second than the deletion.
    const oldTime = Date.now();
    await core.deleteNamespacedPod({ name: old.pods[0]?.metadata?.name ?? '', namespace, gracePeriodSeconds: 0 });
    await untilWatchSees('the old pod deleted', () => podName(resolver, reusedIp, Date.now()) === undefined);
    await sleep(1100);
    await createWorkload(kubeConfig, { namespace, name: 'new-web', labels: { app: 'new-web' }, podIPs: [reusedIp], ports: [{ containerPort: 8080 }] });
    await untilWatchSees('the new pod', () => podName(resolver, reusedIp, Date.now()) === 'new-web');
    const newTime = Date.now();

    stdin.end(
      [
        awsLine(newTime, clientIp, 40_001, serviceIp, 80),
        awsLine(oldTime, clientIp, 40_002, reusedIp, 8080),
        awsLine(newTime, clientIp, 40_003, reusedIp, 8080),
      ].join('\n') + '\n',
    );
    const summary = await running.done;
    expect(summary).toMatchObject({ recordsRead: 3, flowsProduced: 3, quarantined: 0, deadLettered: 0 });

    const flows = (await readTopic(kafka, topics.topic)).map((message) => {
      const decoded = decodeFlow(message.value);
      if (!decoded.ok) throw new Error(decoded.reason);
      return decoded.flow;
    });
    const bySourcePort = (flow: Flow) => flow.destination.workload?.name;
    expect(flows.map((flow) => [flow.time, bySourcePort(flow), flow.port]).sort()).toEqual(
      [
        [newTime, 'db', 5432],
        [oldTime, 'old-web', 8080],
        [newTime, 'new-web', 8080],
      ].sort(),
    );
    for (const flow of flows) {
      expect(flow.source).toMatchObject({ kind: 'pod', namespace, workload: { kind: 'Deployment', name: 'client' } });
      expect(flow.destination).toMatchObject({ kind: 'pod', namespace });
    }
  });
});

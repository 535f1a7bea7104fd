import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dumpYaml, NetworkingV1Api, type V1NetworkPolicy } from '@kubernetes/client-node';
import { describe, expect, it, onTestFinished } from 'vitest';
import { palisade } from '../../generator/src/cli/testing/cli-harness.js';
import { createTestKafka } from '../helpers/kafka.js';
import { loadTestKubeConfig } from '../helpers/kubernetes.js';
import { readServiceEnv } from '../helpers/service-env.js';
import { freshBaselinerScope, scopeStore, waitForCatchUp } from '../integration/baseliner/baseliner-harness.js';
import { createShop } from '../integration/cluster/scenario.js';

/**
 * The whole pipeline, each stage the real `palisade` binary as a child process where it is a
 * service: Hubble lines → `palisade collect` → Kafka → `palisade baseline run` → Redis →
 * `palisade refresh --then apply` → NetworkPolicies in the kube-apiserver, which `palisade verify`
 * confirms allow every observed flow.
 */

const MAIN = fileURLToPath(new URL('../../generator/src/cli/main.ts', import.meta.url));

/** Runs `palisade ARGS` as a child process; resolves with its exit code and output. */
function palisadeProcess(args: readonly string[], env: NodeJS.ProcessEnv = process.env): { done: Promise<{ code: number | null; stderr: string }>; stop(): void } {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-8_000)));
  const done = new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stderr }));
  });
  onTestFinished(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await done;
    }
  });
  return { done, stop: () => child.kill('SIGTERM') };
}

describe('end to end: Hubble → collect → Kafka → baseline run → Redis → refresh --then apply → verify', () => {
  it('ends with policies in the API server that allow every observed flow, and a second refresh changes nothing', async () => {
    const env = readServiceEnv();
    const kubeConfig = loadTestKubeConfig();
    const shop = await createShop(kubeConfig, onTestFinished);
    const flows = await shop.writeFlows(48, { name: 'hubble.jsonl' });
    const kafka = createTestKafka('palisade-e2e');
    const scope = await freshBaselinerScope(kafka, 1);

    const collect = palisadeProcess([
      'collect', '--source', `file:${flows}`, '--format', 'hubble',
      '--kafka-brokers', env.kafkaBrokers.join(','), '--kubeconfig', env.kubeconfig,
      '--topic', scope.topic, '--dead-letter-topic', `${scope.topic}.collect-dlq`, '--partitions', '1', '--metrics-port', '0',
    ]);
    const collected = await collect.done;
    expect(collected.code, collected.stderr).toBe(0);

    const baseliner = palisadeProcess(
      ['baseline', 'run', '--metrics-port', '0', '--flush-interval', '200', '--session-timeout', '6000', '--heartbeat-interval', '500', '--rebalance-timeout', '6000'],
      {
        ...process.env,
        PALISADE_KAFKA_BROKERS: env.kafkaBrokers.join(','),
        PALISADE_REDIS_URL: scope.redisUrl,
        PALISADE_REDIS_PREFIX: scope.prefix,
        PALISADE_BASELINER_GROUP: scope.groupId,
        PALISADE_FLOWS_TOPIC: scope.topic,
        PALISADE_DEAD_LETTER_TOPIC: scope.deadLetters,
        PALISADE_ANOMALIES_TOPIC: scope.anomalies,
      },
    );
    const store = await scopeStore(scope);
    await waitForCatchUp(kafka, store, scope.topic);
    baseliner.stop();
    const stopped = await baseliner.done;
    expect(stopped.code, stopped.stderr).toBe(0);
    expect((await store.read()).edges.map((edge) => `${edge.protocol}/${edge.port}`)).toEqual(['TCP/5432']);

    const refresh = ['refresh', '--then', 'apply', '--redis', scope.redisUrl, '--redis-prefix', scope.prefix, '--kubeconfig', env.kubeconfig, '--namespace', shop.namespace];
    const first = await palisade(refresh);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(10);
    expect(first.stdout).toMatch(/Applied: 2 created/);

    const live = (await kubeConfig.makeApiClient(NetworkingV1Api).listNamespacedNetworkPolicy({ namespace: shop.namespace })).items;
    expect(live.map((policy) => policy.metadata?.name).sort()).toEqual(['palisade-db', 'palisade-web']);
    const exported = join(shop.dir, 'live-policies');
    await mkdir(exported);
    for (const policy of live) {
      const { metadata, ...rest } = policy;
      const manifest: V1NetworkPolicy = { ...rest, apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: metadata?.name, namespace: metadata?.namespace, labels: metadata?.labels } };
      await writeFile(join(exported, `${metadata?.name}.yaml`), dumpYaml(manifest));
    }
    const verified = await palisade(['verify', '--policies', exported, '--flows', flows]);
    expect(verified.stdout).toMatch(/^Checked 2 flows: 2 allowed, 0 denied\./);
    expect(verified.code).toBe(0);

    const second = await palisade(refresh);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/No change: 0 created, 0 updated, 0 pruned, 2 unchanged/);
  });
});

import type { Flow } from '@palisade/collector';
import { DEAD_LETTER_HEADERS } from '@palisade/collector';
import { edgeKey, foldFlows } from '@palisade/baseliner';
import { describe, expect, it } from 'vitest';
import { createTestKafka } from '../../helpers/kafka.js';
import { palisade } from '../../../generator/src/cli/testing/cli-harness.js';
import { freshBaselinerScope, produceFlows, scopeSettings, scopeStore, startInProcess, syntheticFlows, waitForCatchUp, waitUntil } from './baseliner-harness.js';

const kafka = createTestKafka('palisade-baseliner-test');

/** Reads every record of a one-partition topic from the start. */
async function readTopic(topic: string, expected: number): Promise<{ key: string; value: string; headers: Record<string, string> }[]> {
  const records: { key: string; value: string; headers: Record<string, string> }[] = [];
  const consumer = kafka.consumer({ groupId: `${topic}-reader`, sessionTimeout: 6_000, heartbeatInterval: 500 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        records.push({
          key: message.key?.toString() ?? '',
          value: message.value?.toString() ?? '',
          headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)])),
        });
      },
    });
    await waitUntil(`${expected} records on ${topic}`, async () => records.length >= expected);
  } finally {
    await consumer.disconnect();
  }
  return records;
}

describe('palisade baseline run (Kafka → Redis)', () => {
  it('stores exactly the pure fold of the flows and dead-letters a poison message without blocking', async () => {
    const scope = await freshBaselinerScope(kafka, 3);
    const flows = syntheticFlows(3_000);
    const poison = { key: 'shop/Deployment/svc-0', raw: '{"time":"yesterday"}' };
    await produceFlows(kafka, scope.topic, [...flows.slice(0, 1_500), poison, ...flows.slice(1_500)]);
    await startInProcess(scopeSettings(scope));
    const store = await scopeStore(scope);
    await waitForCatchUp(kafka, store, scope.topic);

    expect(await store.read()).toEqual(foldFlows(flows).baseline);
    const [letter] = await readTopic(scope.deadLetters, 1);
    expect(letter?.value).toBe(poison.raw);
    expect(letter?.key).toBe(poison.key);
    expect(letter?.headers[DEAD_LETTER_HEADERS.reason]).toMatch(/^time: /);
  });

  it('after a lock sends new edges to anomalies (topic and list) until approved', async () => {
    const scope = await freshBaselinerScope(kafka, 1);
    const pod = (namespace: string, name: string) => ({ kind: 'pod', namespace, pod: `${name}-x`, labels: { app: name }, workload: { kind: 'Deployment', name } }) as const;
    const api: Flow = { time: 1_000, source: pod('shop', 'web'), destination: pod('shop', 'api'), protocol: 'TCP', port: 8080, verdict: 'allowed', format: 'hubble', count: 1 };
    const newEdge: Flow = { ...api, port: 5432, time: 2_000 };
    const fresh: Flow = { ...api, source: pod('pay', 'ledger'), destination: pod('pay', 'db'), port: 5432 };
    await produceFlows(kafka, scope.topic, [api]);
    await startInProcess(scopeSettings(scope));
    const store = await scopeStore(scope);
    await waitForCatchUp(kafka, store, scope.topic);

    const locked = await palisade(['baseline', 'lock', '--workload', 'shop/Deployment/api', '--redis-url', scope.redisUrl, '--redis-prefix', scope.prefix]);
    expect(locked).toMatchObject({ code: 0, stdout: 'locked shop/Deployment/api\n' });
    await produceFlows(kafka, scope.topic, [api, newEdge, fresh]);
    await waitForCatchUp(kafka, store, scope.topic);

    // the known edge keeps counting, the new one waits; flows elsewhere are not affected
    expect((await store.read()).edges).toEqual(foldFlows([api, api, fresh]).baseline.edges);
    const [anomaly] = await readTopic(scope.anomalies, 1);
    expect(anomaly?.key).toBe('shop/Deployment/api');
    expect(JSON.parse(anomaly?.value ?? '{}')).toMatchObject({ owner: 'shop/Deployment/api', id: edgeKey(foldFlows([newEdge]).baseline.edges[0]!) });

    const shown = await palisade(['baseline', 'show', '--workload', 'shop/Deployment/api', '-o', 'json', '--redis-url', scope.redisUrl, '--redis-prefix', scope.prefix]);
    expect(shown.code).toBe(0);
    const view = JSON.parse(shown.stdout) as { anomalies: unknown[]; locks: { workloads: Record<string, number> } };
    expect(view.anomalies).toHaveLength(1);
    expect(Object.keys(view.locks.workloads)).toEqual(['shop/Deployment/api']);

    const approved = await palisade(['baseline', 'approve', '--workload', 'shop/Deployment/api', '--redis-url', scope.redisUrl, '--redis-prefix', scope.prefix]);
    expect(approved.stdout).toMatch(/^approved 1 edge\(s\)/);
    expect((await store.read()).edges).toEqual(foldFlows([api, api, newEdge, fresh]).baseline.edges);
  });

  it('refresh expires edges unseen for the retention window and reports what changed', async () => {
    const scope = await freshBaselinerScope(kafka, 1);
    const now = Date.now();
    const old = syntheticFlows(50, { seed: 11, timeBase: now - 30 * 86_400_000 });
    const recent = syntheticFlows(50, { seed: 12, timeBase: now - 3_600_000 - 3_600_000 });
    await produceFlows(kafka, scope.topic, [...old, ...recent]);
    await startInProcess(scopeSettings(scope));
    const store = await scopeStore(scope);
    await waitForCatchUp(kafka, store, scope.topic);

    const refreshed = await palisade(['baseline', 'refresh', '--retention', '14d', '-o', 'json', '--redis-url', scope.redisUrl, '--redis-prefix', scope.prefix]);
    expect(refreshed.code).toBe(0);
    const report = JSON.parse(refreshed.stdout) as { addedIds: string[]; expiredIds: string[]; previousAt?: number };
    const recentKeys = foldFlows(recent).baseline.edges.map(edgeKey);
    expect(report.addedIds).toEqual(recentKeys);
    expect(report.expiredIds).toEqual(foldFlows(old).baseline.edges.map(edgeKey).filter((key) => !recentKeys.includes(key)));
    expect((await store.read()).edges.map(edgeKey)).toEqual(recentKeys);

    const again = await palisade(['baseline', 'refresh', '--redis-url', scope.redisUrl, '--redis-prefix', scope.prefix]);
    expect(again.stdout).toMatch(/: 0 added, 0 expired\n$/);
  });
});

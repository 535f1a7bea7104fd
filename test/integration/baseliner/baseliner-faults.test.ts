import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { foldFlows } from '@palisade/baseliner';
import { describe, expect, it, onTestFinished } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { createTestKafka } from '../../helpers/kafka.js';
import { startPrivateRedis } from '../../helpers/redis.js';
import { startPrivateKafka } from '../../helpers/private-kafka.js';
import type { BaselinerScope } from './baseliner-harness.js';
import { freshBaselinerScope, produceFlows, scopeEnv, scopeSettings, scopeStore, startInProcess, syntheticFlows, waitForCatchUp, waitUntil } from './baseliner-harness.js';

/*
 * Fault tests: each ends with the Redis baseline equal, counts included, to the pure fold of every
 * flow produced. Flushes are small (200 flows) so every fault lands between or inside flushes.
 */

const kafka = createTestKafka('palisade-baseliner-faults');
const ENTRY = fileURLToPath(new URL('./fixtures/run-baseliner.ts', import.meta.url));

/** The service as a child process (node --import tsx), killed with SIGKILL when the test ends. */
function spawnBaseliner(scope: BaselinerScope): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], { env: scopeEnv(scope), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
  child.on('exit', (code, signal) => {
    if (code !== 0 && code !== null && signal === null) process.stderr.write(`baseliner child exited ${code}: ${stderr}\n`);
  });
  // Leave the group cleanly (SIGTERM) so the test's group can be deleted afterwards.
  onTestFinished(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited(child);
    clearTimeout(timer);
  });
  return child;
}

const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

/** Sum of the next offsets Redis recorded over all partitions. */
async function appliedMessages(store: Awaited<ReturnType<typeof scopeStore>>, topic: string): Promise<number> {
  return [...(await store.partitionOffsets(topic)).values()].reduce((sum, offset) => sum + offset, 0);
}

/** Members of a consumer group right now. */
async function groupMembers(groupId: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    return groups[0]?.state === 'Stable' ? (groups[0]?.members.length ?? 0) : -1;
  } finally {
    await admin.disconnect();
  }
}

// Generous per-test limits: a broker restart and a rebalance take tens of seconds on two busy cores.
describe('baseliner under faults', { timeout: 240_000 }, () => {
  it('kill -9 of the consumer mid-stream, then a restart, stores every flow exactly once', async () => {
    const scope = await freshBaselinerScope(kafka, 2);
    const flows = syntheticFlows(16_000, { seed: 21 });
    const store = await scopeStore(scope);
    const first = spawnBaseliner(scope);
    // The first half keeps arriving while the consumer is killed, so it dies with batches in hand;
    // the second half is produced only after the kill, so the kill is mid-stream however fast the
    // consumer was.
    const half = flows.length / 2;
    const producing = (async () => {
      for (let index = 0; index < half; index += 500) await produceFlows(kafka, scope.topic, flows.slice(index, index + 500));
    })();
    await waitUntil('the first consumer to store part of the stream', async () => (await appliedMessages(store, scope.topic)) >= 2_000, 90_000);
    first.kill('SIGKILL');
    await exited(first);
    await producing;
    expect(await appliedMessages(store, scope.topic)).toBeLessThanOrEqual(half);
    for (let index = half; index < flows.length; index += 500) await produceFlows(kafka, scope.topic, flows.slice(index, index + 500));

    spawnBaseliner(scope);
    await waitForCatchUp(kafka, store, scope.topic, 90_000);
    expect(await store.read()).toEqual(foldFlows(flows).baseline);
  });

  it('a second consumer joining (rebalance) and leaving keeps the baseline exact', async () => {
    const scope = await freshBaselinerScope(kafka, 4);
    const flows = syntheticFlows(12_000, { seed: 22 });
    const store = await scopeStore(scope);
    await startInProcess(scopeSettings(scope));
    await produceFlows(kafka, scope.topic, flows.slice(0, 4_000));

    const second = spawnBaseliner(scope);
    await waitUntil('the second consumer to join the group', async () => (await groupMembers(scope.groupId)) === 2, 90_000);
    await produceFlows(kafka, scope.topic, flows.slice(4_000, 8_000));
    await waitForCatchUp(kafka, store, scope.topic, 90_000);
    second.kill('SIGTERM');
    await exited(second);
    expect(second.exitCode).toBe(0);
    await waitUntil('the group to shrink to one member', async () => (await groupMembers(scope.groupId)) === 1, 90_000);
    await produceFlows(kafka, scope.topic, flows.slice(8_000));
    await waitForCatchUp(kafka, store, scope.topic, 90_000);
    expect(await store.read()).toEqual(foldFlows(flows).baseline);
  });

  it('Redis killed (-9) and restarted mid-stream with AOF on loses nothing and counts nothing twice', async () => {
    const redis = await startPrivateRedis();
    const scope = await freshBaselinerScope(kafka, 2, redis.url);
    const flows = syntheticFlows(12_000, { seed: 23 });
    await produceFlows(kafka, scope.topic, flows.slice(0, 6_000));
    await startInProcess(scopeSettings(scope));
    const store = await scopeStore(scope);
    await waitUntil('part of the stream stored', async () => (await appliedMessages(store, scope.topic)) >= 1_000);

    // kill -9: no shutdown hook runs; the AOF holds every write Redis acknowledged
    await redis.kill();
    await produceFlows(kafka, scope.topic, flows.slice(6_000));
    await redis.start();
    await waitForCatchUp(kafka, store, scope.topic, 90_000);
    expect(await store.read()).toEqual(foldFlows(flows).baseline);
  });

  it('the Kafka broker restarted mid-stream loses nothing and counts nothing twice', async () => {
    // A broker of this test's own: restarting the shared one would break the tests beside it.
    const broker = await startPrivateKafka();
    const privateKafka = new Kafka({ clientId: 'palisade-baseliner-faults', brokers: [...broker.brokers], logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 300 } });
    const scope = await freshBaselinerScope(privateKafka, 2, undefined, broker.brokers);
    const flows = syntheticFlows(10_000, { seed: 24 });
    await produceFlows(privateKafka, scope.topic, flows.slice(0, 5_000));
    const store = await scopeStore(scope);
    spawnBaseliner(scope);
    await waitUntil('part of the stream stored', async () => (await appliedMessages(store, scope.topic)) >= 1_000);

    await broker.restart();
    await produceFlows(privateKafka, scope.topic, flows.slice(5_000));
    await waitForCatchUp(privateKafka, store, scope.topic, 120_000);
    expect(await store.read()).toEqual(foldFlows(flows).baseline);
  });
});

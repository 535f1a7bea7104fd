import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { Flow } from '@palisade/collector';
import { encodeFlow, flowKey } from '@palisade/collector';
import type { BaselineStore } from '@palisade/baseliner';
import type { BaselinerSettings } from '@palisade/baseliner/service';
import { openRedisBaselineStore } from '@palisade/baseliner/redis';
import { parseBaselinerSettings, runBaselinerService, SILENT_LOGGER } from '@palisade/baseliner/service';
import { onTestFinished } from 'vitest';
import { seededRandom } from '../../fixtures/seeded-random.js';
import { freshKafkaTopic } from '../../helpers/kafka.js';
import { createTestRedis, freshRedisPrefix } from '../../helpers/redis.js';
import { readServiceEnv } from '../../helpers/service-env.js';

/** Topics, group and key prefix of one test. */
export interface BaselinerScope {
  readonly topic: string;
  readonly groupId: string;
  readonly deadLetters: string;
  readonly anomalies: string;
  readonly prefix: string;
  readonly redisUrl: string;
  readonly brokers: readonly string[];
}

/**
 * A fresh flows topic (with `partitions`), dead-letter and anomaly topics, a group and a Redis key
 * prefix, all deleted when the test finishes.
 */
export async function freshBaselinerScope(
  kafka: Kafka,
  partitions: number,
  redisUrl = readServiceEnv().redisUrl,
  brokers: readonly string[] = readServiceEnv().kafkaBrokers,
): Promise<BaselinerScope> {
  const { topic, groupId } = await freshKafkaTopic(kafka, { partitions });
  const deadLetters = `${topic}.dlq`;
  const anomalies = `${topic}.anomalies`;
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [deadLetters, anomalies].map((name) => ({ topic: name, numPartitions: 1, replicationFactor: 1 })), waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  onTestFinished(async () => {
    const cleanup = kafka.admin();
    await cleanup.connect();
    await cleanup.deleteTopics({ topics: [deadLetters, anomalies] }).catch(() => undefined);
    await cleanup.disconnect();
  });
  const prefix = redisUrl === readServiceEnv().redisUrl ? freshRedisPrefix(createTestRedis()) : `palisade-test:${randomUUID()}:`;
  return { topic, groupId, deadLetters, anomalies, prefix, redisUrl, brokers };
}

/**
 * Settings of a baseliner for the scope: short group timeouts (a rebalance takes seconds on two
 * cores, not a minute) and a small flush size so a test crosses many flushes.
 */
export function scopeSettings(scope: BaselinerScope, overrides: Record<string, string> = {}): BaselinerSettings {
  return parseBaselinerSettings({}, {
    kafkaBrokers: scope.brokers.join(','),
    redisUrl: scope.redisUrl,
    redisPrefix: scope.prefix,
    group: scope.groupId,
    topic: scope.topic,
    deadLetterTopic: scope.deadLetters,
    anomaliesTopic: scope.anomalies,
    flushFlows: '200',
    flushInterval: '300',
    sessionTimeout: '6000',
    heartbeatInterval: '500',
    rebalanceTimeout: '6000',
    ...overrides,
  });
}

/** The environment a child-process baseliner reads (same settings as {@link scopeSettings}). */
export function scopeEnv(scope: BaselinerScope, overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PALISADE_KAFKA_BROKERS: scope.brokers.join(','),
    PALISADE_REDIS_URL: scope.redisUrl,
    PALISADE_REDIS_PREFIX: scope.prefix,
    PALISADE_BASELINER_GROUP: scope.groupId,
    PALISADE_FLOWS_TOPIC: scope.topic,
    PALISADE_DEAD_LETTER_TOPIC: scope.deadLetters,
    PALISADE_ANOMALIES_TOPIC: scope.anomalies,
    PALISADE_BASELINER_FLUSH_FLOWS: '200',
    PALISADE_BASELINER_FLUSH_INTERVAL_MS: '300',
    PALISADE_KAFKA_SESSION_TIMEOUT_MS: '6000',
    PALISADE_KAFKA_HEARTBEAT_INTERVAL_MS: '500',
    PALISADE_KAFKA_REBALANCE_TIMEOUT_MS: '6000',
    PALISADE_LOG_LEVEL: 'warn',
    ...overrides,
  };
}

/** A baseliner running in this process, stopped (SIGTERM path) when the test finishes. */
export async function startInProcess(settings: BaselinerSettings): Promise<{ stop(): Promise<void> }> {
  const signals = new EventEmitter();
  let started!: () => void;
  const startedPromise = new Promise<void>((resolve) => (started = resolve));
  const done = runBaselinerService(settings, { logger: SILENT_LOGGER, signals, onStarted: started });
  await Promise.race([startedPromise, done]);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    signals.emit('SIGTERM');
    await done;
  };
  onTestFinished(stop);
  return { stop };
}

/** A store on the scope's prefix, closed when the test finishes. */
export async function scopeStore(scope: BaselinerScope): Promise<BaselineStore> {
  const opened = await openRedisBaselineStore({ url: scope.redisUrl, prefix: scope.prefix, tls: false }, { maxRetriesPerRequest: 1 });
  onTestFinished(() => opened.close());
  return opened.store;
}

/** Produces flows keyed by destination, as the collector does; `raw` values go out as they are. */
export async function produceFlows(kafka: Kafka, topic: string, flows: readonly (Flow | { raw: string; key: string })[]): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    for (let index = 0; index < flows.length; index += 500) {
      await producer.send({
        topic,
        acks: -1,
        messages: flows.slice(index, index + 500).map((entry) => ('raw' in entry ? { key: entry.key, value: entry.raw } : { key: flowKey(entry), value: encodeFlow(entry) })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

/** The offset after the last message of every partition of a topic. */
export async function endOffsets(kafka: Kafka, topic: string): Promise<Map<number, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return new Map((await admin.fetchTopicOffsets(topic)).map((entry) => [entry.partition, Number(entry.high)]));
  } finally {
    await admin.disconnect();
  }
}

/** Polls `check` until it returns true; fails after `timeoutMs` with `what` (never a timing assertion). */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // the service may be restarting: keep polling
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Waits until the store has recorded every message of the topic as applied. */
export async function waitForCatchUp(kafka: Kafka, store: BaselineStore, topic: string, timeoutMs = 60_000): Promise<void> {
  const ends = await endOffsets(kafka, topic);
  await waitUntil(
    `the baseline to catch up with ${topic} (${JSON.stringify([...ends])})`,
    async () => {
      const stored = await store.partitionOffsets(topic);
      return [...ends].every(([partition, end]) => end === 0 || (stored.get(partition) ?? 0) >= end);
    },
    timeoutMs,
  );
}

/**
 * Synthetic flows: `workloads` Deployments in two namespaces calling each other and the internet
 * on a few ports, with repeats (tens of flows per edge), counts above one, denied and unknown
 * verdicts, times out of order, and pod labels that differ between pods of one workload.
 */
export function syntheticFlows(count: number, options: { readonly seed?: number; readonly workloads?: number; readonly timeBase?: number } = {}): Flow[] {
  const random = seededRandom(options.seed ?? 7);
  const workloads = Array.from({ length: options.workloads ?? 12 }, (_, index) => ({ namespace: index % 2 === 0 ? 'shop' : 'pay', name: `svc-${index}` }));
  const pod = (w: { namespace: string; name: string }) =>
    ({
      kind: 'pod',
      namespace: w.namespace,
      pod: `${w.name}-${random.chars('abcdef0123456789', 5)}`,
      ip: `10.0.${random.int(0, 3)}.${random.int(2, 250)}`,
      labels: { app: w.name, ...(random.chance(0.3) ? { canary: 'true' } : {}) },
      workload: { kind: 'Deployment', name: w.name },
    }) as const;
  const base = options.timeBase ?? 1_760_000_000_000;
  return Array.from({ length: count }, (): Flow => {
    const source = random.pick(workloads);
    const external = random.chance(0.1);
    const destination = external ? undefined : random.pick(workloads);
    return {
      time: base + random.int(0, 3_600_000),
      source: pod(source),
      destination: destination ? pod(destination) : { kind: 'world', ip: `203.0.113.${random.int(1, 4)}` },
      protocol: random.chance(0.9) ? 'TCP' : 'UDP',
      port: random.pick([80, 443, 8080, 9090]),
      verdict: random.chance(0.05) ? 'denied' : random.chance(0.02) ? 'unknown' : 'allowed',
      format: 'hubble',
      count: random.chance(0.2) ? random.int(2, 5) : 1,
    };
  });
}

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { type SourceLine } from '@palisade/collector';
import { parseCollectConfig, type CollectConfig, type CollectFlags } from '@palisade/collector/service';
import type { IHeaders, Kafka } from 'kafkajs';
import { onTestFinished } from 'vitest';
import { readServiceEnv } from '../../helpers/service-env.js';

/**
 * Shared steps of the collector's integration tests: a configuration pointed at the test broker
 * with topics of the test's own, and reading a topic back in full.
 */

/** The flow and dead-letter topics of one test, deleted when it finishes. */
export interface CollectorTopics {
  readonly topic: string;
  readonly deadLetterTopic: string;
}

/** Fresh topic names for the collector to create; both are deleted when the calling test finishes. */
export function freshCollectorTopics(kafka: Kafka): CollectorTopics {
  const id = randomUUID();
  const topics = { topic: `palisade-test-flows-${id}`, deadLetterTopic: `palisade-test-dlq-${id}` };
  onTestFinished(async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const mine = [topics.topic, topics.deadLetterTopic].filter((topic) => existing.has(topic));
      if (mine.length > 0) await admin.deleteTopics({ topics: mine });
    } finally {
      await admin.disconnect();
    }
  });
  return topics;
}

/**
 * A collect configuration for the test broker. The process environment is not read, so a
 * developer's `PALISADE_*` variables cannot change what a test does.
 */
export function testCollectConfig(topics: CollectorTopics, flags: CollectFlags & { readonly source: string }): CollectConfig {
  return parseCollectConfig(
    {
      kafka: { brokers: readServiceEnv().kafkaBrokers.join(','), clientId: 'palisade-collect-test' },
      topic: topics.topic,
      deadLetterTopic: topics.deadLetterTopic,
      partitions: 3,
      metricsPort: 0,
      logLevel: 'silent',
      lingerMs: 5,
      ...flags,
    },
    {},
  );
}

/** One message read back. */
export interface ReadMessage {
  readonly partition: number;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: IHeaders;
}

/**
 * Reads every message a topic holds now (up to each partition's high watermark), with a consumer
 * group of its own.
 */
export async function readTopic(kafka: Kafka, topic: string): Promise<ReadMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  let total = 0;
  try {
    for (const partition of await admin.fetchTopicOffsets(topic)) total += Number(partition.high) - Number(partition.low);
  } finally {
    await admin.disconnect();
  }
  if (total === 0) return [];
  const groupId = `palisade-test-reader-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  const messages: ReadMessage[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            messages.push({ partition, key: message.key?.toString('utf8') ?? null, value: message.value, headers: message.headers ?? {} });
            if (messages.length === total) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
    const admin2 = kafka.admin();
    await admin2.connect();
    await admin2.deleteGroups([groupId]).catch(() => undefined);
    await admin2.disconnect();
  }
  return messages;
}

/** The lines of a file as the file source numbers them. */
export function fileLines(path: string): SourceLine[] {
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((record, index) => ({ record: record.replace(/\r$/, ''), origin: { source: path, line: index + 1 } }));
}

/** Values sorted by their JSON, to compare what partitions deliver in any interleaving. */
export function sortedByJson<T>(values: readonly T[]): T[] {
  return [...values].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

/**
 * Polls until `check` holds (every 100 ms, 30 s at most): the cluster watch's informers deliver
 * asynchronously, and only their result is asserted.
 */
export async function untilWatchSees(what: string, check: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (check()) return;
    await sleep(100);
  }
  throw new Error(`the cluster watch never saw: ${what}`);
}

/** How many messages a topic holds (the sum of its partitions' high-water marks); 0 before it exists. */
export async function messagesIn(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, partition) => sum + Number(partition.high), 0);
  } catch {
    return 0; // not created yet
  } finally {
    await admin.disconnect();
  }
}

/**
 * Shared steps of the Kafka benchmarks (R2, R3): the Hubble fixture written to a file, fresh
 * topics on the test broker, one timed run of the collector service over the file, and `kcat -P`
 * over the same file. Not a benchmark by itself.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import type { Flow } from '../src/index.js';
import { KafkaFlowSink } from '../src/kafka.js';
import { parseCollectConfig, startCollect, type CollectSummary } from '../src/service.js';
import { syntheticCluster } from '../../test/fixtures/synthetic-cluster.js';
import { hubbleLinesFor } from '../../test/fixtures/synthetic-hubble.js';

/** The test broker (`services.sh env`), or what KAFKA_BROKERS says. */
export const BROKERS = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:19092').split(',');
/** Partitions of every benchmark topic, for the collector and kcat alike. */
export const PARTITIONS = 6;

/** The BENCHMARKS.md fixture: realistic Hubble lines over ~1,000 workloads and ~10,000 Zipf-mixed edges, in a file. */
export function hubbleFixtureFile(lines: number): { path: string; lines: number; megabytes: number } {
  const cluster = syntheticCluster({ seed: 42 });
  const records = hubbleLinesFor(cluster, { flows: lines });
  const path = join(mkdtempSync(join(tmpdir(), 'palisade-bench-')), 'events.log');
  const text = `${records.join('\n')}\n`;
  writeFileSync(path, text);
  return { path, lines: records.length, megabytes: Buffer.byteLength(text) / 1e6 };
}

/** An admin client for creating and deleting the benchmark's topics. */
export function benchKafka(): Kafka {
  return new Kafka({ clientId: 'palisade-bench', brokers: BROKERS, logLevel: logLevel.NOTHING });
}

/** Creates a fresh topic of {@link PARTITIONS} partitions; returns its name. */
export async function freshTopic(kafka: Kafka, label: string): Promise<string> {
  const topic = `palisade-bench-${label}-${randomUUID()}`;
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  return topic;
}

/** Deletes the benchmark's topics. */
export async function deleteTopics(kafka: Kafka, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

/** Messages a topic holds (sum of high watermarks), to check a run wrote what it said. */
export async function messageCount(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, partition) => sum + Number(partition.high), 0);
  } finally {
    await admin.disconnect();
  }
}

/** One timed collector run. */
export interface CollectorRun {
  readonly seconds: number;
  /** CPU time of this process (collector and its kafkajs client) per flow, in microseconds. */
  readonly cpuMicrosPerFlow: number;
  readonly summary: CollectSummary;
}

/**
 * Runs `palisade collect --source file:PATH` in this process into fresh topics and times the
 * service from its first read to the last acknowledged batch (start-up is not timed).
 */
export async function runCollector(kafka: Kafka, path: string, sink: { readonly batchSize: number; readonly lingerMs: number; readonly maxBufferedMessages: number; readonly maxBatchMessages?: number }): Promise<CollectorRun> {
  const [topic, deadLetterTopic] = await Promise.all([freshTopic(kafka, 'collector'), freshTopic(kafka, 'dlq')]);
  try {
    const config = parseCollectConfig(
      {
        source: `file:${path}`,
        format: 'hubble',
        kafka: { brokers: BROKERS.join(','), clientId: 'palisade-bench' },
        topic,
        deadLetterTopic,
        metricsPort: 0,
        logLevel: 'silent',
        batchSize: String(sink.batchSize),
        lingerMs: String(sink.lingerMs),
        maxBufferedMessages: String(sink.maxBufferedMessages),
        ...(sink.maxBatchMessages !== undefined ? { maxBatchMessages: String(sink.maxBatchMessages) } : {}),
      },
      {},
    );
    const running = await startCollect({ config, handleSignals: false });
    const cpu = process.cpuUsage();
    const start = process.hrtime.bigint();
    const summary = await running.done;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const used = process.cpuUsage(cpu);
    const written = await messageCount(kafka, topic);
    if (written !== summary.flowsProduced) throw new Error(`the collector reported ${summary.flowsProduced} flows but the topic holds ${written}`);
    return { seconds, summary, cpuMicrosPerFlow: (used.user + used.system) / Math.max(1, summary.flowsProduced) };
  } finally {
    await deleteTopics(kafka, [topic, deadLetterTopic]);
  }
}

/** One timed `kcat -P` run over the same file, into a topic of the same partitions. */
export async function runKcat(kafka: Kafka, path: string, lines: number): Promise<{ seconds: number }> {
  const topic = await freshTopic(kafka, 'kcat');
  try {
    const start = process.hrtime.bigint();
    await new Promise<void>((resolve, reject) => {
      // acks=all and idempotence, as the collector's producer; -l reads the file line by line.
      const child = spawn('kcat', ['-P', '-b', BROKERS.join(','), '-t', topic, '-X', 'acks=all', '-X', 'enable.idempotence=true', '-l', path], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`kcat exited with ${code}: ${stderr}`))));
    });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const written = await messageCount(kafka, topic);
    if (written !== lines) throw new Error(`kcat wrote ${written} of ${lines} lines`);
    return { seconds };
  } finally {
    await deleteTopics(kafka, [topic]);
  }
}

/** Prints a Markdown table. */
export function markdownTable(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const line = (cells: readonly (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/**
 * The Kafka sink alone, fed flows already parsed, one `sendFlows` per flow awaited as the service
 * awaits each chunk: isolates what batching buys from the parsing both collector runs share.
 */
export async function runSinkOnly(kafka: Kafka, flows: readonly Flow[], sink: { readonly batchSize: number; readonly lingerMs: number; readonly maxBufferedMessages: number; readonly maxBatchMessages?: number }): Promise<{ seconds: number; cpuMicrosPerFlow: number }> {
  const topic = await freshTopic(kafka, 'sink');
  try {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    const flowSink = new KafkaFlowSink({ producer, topics: { flows: topic, deadLetters: topic }, ...sink });
    await flowSink.connect();
    const cpu = process.cpuUsage();
    const start = process.hrtime.bigint();
    for (const flow of flows) await flowSink.sendFlows([flow]);
    await flowSink.close();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const used = process.cpuUsage(cpu);
    const written = await messageCount(kafka, topic);
    if (written !== flows.length) throw new Error(`the sink wrote ${written} of ${flows.length} flows`);
    return { seconds, cpuMicrosPerFlow: (used.user + used.system) / flows.length };
  } finally {
    await deleteTopics(kafka, [topic]);
  }
}

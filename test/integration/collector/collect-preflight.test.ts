import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { palisade } from '../../../generator/src/cli/testing/cli-harness.js';
import { createTestKafka } from '../../helpers/kafka.js';
import { readServiceEnv } from '../../helpers/service-env.js';
import { freshCollectorTopics } from './collector-harness.js';

/**
 * `collect` checks what it was given before it creates topics or starts anything (issue 11,
 * items 21 and 22): a source that cannot be read, a topic name Kafka would refuse, a metrics port
 * already taken: one line, exit 2, and no topic left behind.
 */

const SAMPLE = resolve(process.cwd(), '../shared/flows/hubble/hubble-otel__basic-sample-348-http-flows.json');

async function topicsThatExist(names: readonly string[]): Promise<string[]> {
  const admin = createTestKafka().admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    return names.filter((name) => existing.has(name));
  } finally {
    await admin.disconnect();
  }
}

async function scratchDir(): Promise<string> {
  const path = await mkdtemp(join(tmpdir(), 'palisade-preflight-'));
  onTestFinished(() => rm(path, { recursive: true, force: true }));
  return path;
}

const collect = (source: string, topics: { topic: string; deadLetterTopic: string }, extra: readonly string[] = []) =>
  palisade(['collect', '--source', source, '--kafka-brokers', readServiceEnv().kafkaBrokers.join(','), '--topic', topics.topic, '--dead-letter-topic', topics.deadLetterTopic, '--metrics-port', '0', '--log-level', 'silent', ...extra]);

function expectOneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at |unexpected failure/);
  return lines[0] as string;
}

describe('palisade collect checks before it starts', () => {
  it.each([
    ['a file that does not exist', async () => 'file:/nonexistent/flows.jsonl', /^palisade: --source file:\/nonexistent\/flows\.jsonl: no such file/],
    ['a directory', async () => `file:${await scratchDir()}`, /^palisade: --source file:.*: is a directory, not a file/],
    ['a follow: path in a directory that does not exist', async () => 'follow:/nonexistent/dir/events.log', /^palisade: --source follow:\/nonexistent\/dir\/events\.log: the directory \/nonexistent\/dir does not exist/],
    ['a kafka: topic Kafka would refuse', async () => 'kafka:bad topic!', /^palisade: --source kafka:bad topic!: "bad topic!" is not a Kafka topic name/],
  ])('%s: exit 2, one line, no topic created', async (_label, source, message) => {
    const topics = freshCollectorTopics(createTestKafka());
    const run = await collect(await source(), topics);
    expect(run.code, run.stderr).toBe(2);
    expect(expectOneLine(run.stderr)).toMatch(message);
    expect(await topicsThatExist([topics.topic, topics.deadLetterTopic])).toEqual([]);
  });

  it('a flow topic name Kafka would refuse: exit 2, one line', async () => {
    const run = await collect(`file:${SAMPLE}`, { topic: 'flows/v1', deadLetterTopic: 'palisade-test-dlq-unused' });
    expect(run.code).toBe(2);
    expect(expectOneLine(run.stderr)).toMatch(/^palisade: --topic: "flows\/v1" is not a Kafka topic name/);
  });

  it('a metrics port already in use: exit 2, one line, no topic created', async () => {
    const taken = createServer();
    await new Promise<void>((done) => taken.listen(0, '0.0.0.0', done));
    onTestFinished(() => new Promise<void>((done) => taken.close(() => done())));
    const { port } = taken.address() as { port: number };
    const topics = freshCollectorTopics(createTestKafka());
    const run = await palisade(['collect', '--source', `file:${SAMPLE}`, '--kafka-brokers', readServiceEnv().kafkaBrokers.join(','), '--topic', topics.topic, '--dead-letter-topic', topics.deadLetterTopic, '--metrics-port', String(port), '--log-level', 'silent']);
    expect(run.code).toBe(2);
    expect(expectOneLine(run.stderr)).toMatch(new RegExp(`^palisade: --metrics-port ${port}: the port is already in use`));
    expect(await topicsThatExist([topics.topic, topics.deadLetterTopic])).toEqual([]);
  });
});

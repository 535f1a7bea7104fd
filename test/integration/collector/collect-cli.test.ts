import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { decodeFlow, ingestLines } from '@palisade/collector';
import { describe, expect, it } from 'vitest';
import { palisade } from '../../../generator/src/cli/testing/cli-harness.js';
import { createTestKafka } from '../../helpers/kafka.js';
import { readServiceEnv } from '../../helpers/service-env.js';
import { freshCollectorTopics, readTopic, sortedByJson } from './collector-harness.js';

const SAMPLE = resolve(process.cwd(), '../shared/flows/hubble/hubble-otel__basic-sample-348-http-flows.json');

describe('palisade collect, the command (real broker)', () => {
  it('reads stdin into Kafka, creates the topics with the partitions asked for, and exits 0 with a summary', async () => {
    const kafka = createTestKafka();
    const topics = freshCollectorTopics(kafka);
    const input = readFileSync(SAMPLE, 'utf8');
    const run = await palisade(
      ['collect', '--source', 'stdin', '--kafka-brokers', readServiceEnv().kafkaBrokers.join(','), '--topic', topics.topic, '--dead-letter-topic', topics.deadLetterTopic, '--partitions', '4', '--metrics-port', '0', '--log-level', 'silent'],
      input,
    );
    const expected = ingestLines(input.trimEnd().split('\n').map((record, index) => ({ record, origin: { source: '-', line: index + 1 } })));
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`${expected.report.recordsRead} records read, ${expected.flows.length} flows`);

    const admin = kafka.admin();
    await admin.connect();
    try {
      const [metadata] = (await admin.fetchTopicMetadata({ topics: [topics.topic] })).topics;
      expect(metadata?.partitions).toHaveLength(4);
    } finally {
      await admin.disconnect();
    }
    const flows = (await readTopic(kafka, topics.topic)).map((message) => decodeFlow(message.value));
    expect(sortedByJson(flows)).toEqual(sortedByJson(expected.flows.map((flow) => ({ ok: true, flow }))));
  });
});

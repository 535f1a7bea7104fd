import { resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeFlow, ingestLines } from '@palisade/collector';
import { startCollect } from '@palisade/collector/service';
import { describe, expect, it } from 'vitest';
import { createTestKafka, freshKafkaTopic } from '../../helpers/kafka.js';
import { freshCollectorTopics, readTopic, sortedByJson, testCollectConfig } from './collector-harness.js';

const SAMPLE = resolve(process.cwd(), '../shared/flows/netobserv/netobserv-console-plugin__mocks_loki_flow_records.json');

/** The flow records of a Loki answer: what flowlogs-pipeline writes, one JSON object per Kafka message. */
function netobservRecords(path: string): string[] {
  const answer = JSON.parse(readFileSync(path, 'utf8')) as { data: { result: { values: [string, string][] }[] } };
  return answer.data.result.flatMap((stream) => stream.values.map(([, record]) => record));
}

describe('palisade collect --source kafka:TOPIC (real broker)', () => {
  it('reads NetObserv records from a topic another collector fills, and commits the offsets of what it flushed', async () => {
    const kafka = createTestKafka();
    const raw = await freshKafkaTopic(kafka, { partitions: 1 });
    const records = netobservRecords(SAMPLE);
    expect(records.length).toBeGreaterThan(0);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: raw.topic, messages: records.map((value) => ({ value })) });
    await producer.disconnect();

    const topics = freshCollectorTopics(kafka);
    const sourceGroup = `palisade-test-collector-${randomUUID()}`;
    const running = await startCollect({
      config: testCollectConfig(topics, { source: `kafka:${raw.topic}`, format: 'netobserv', sourceGroup, checkpointIntervalMs: '200' }),
      handleSignals: false,
    });
    // A topic has no end: the service runs until stopped, here once it has read every record.
    for (let attempt = 0; attempt < 300 && running.service.summary.recordsRead < records.length; attempt++) await sleep(100);
    running.stop();
    const summary = await running.done;
    expect(summary.recordsRead).toBe(records.length);

    const expected = ingestLines(records.map((record, index) => ({ record, origin: { source: raw.topic, line: index } })), { format: 'netobserv' });
    expect(expected.flows.length).toBeGreaterThan(0);
    expect(summary.flowsProduced).toBe(expected.flows.length);
    const flows = (await readTopic(kafka, topics.topic)).map((message) => decodeFlow(message.value));
    expect(sortedByJson(flows)).toEqual(sortedByJson(expected.flows.map((flow) => ({ ok: true, flow }))));

    const admin = kafka.admin();
    await admin.connect();
    try {
      const [committed] = await admin.fetchOffsets({ groupId: sourceGroup, topics: [raw.topic] });
      expect(committed?.partitions).toEqual([{ partition: 0, offset: String(records.length), metadata: null }]);
      await admin.deleteGroups([sourceGroup]);
    } finally {
      await admin.disconnect();
    }
  });
});

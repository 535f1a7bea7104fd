import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { decodeFlow, flowKey, ingestLines } from '@palisade/collector';
import { readDeadLetter } from '@palisade/collector/kafka';
import { startCollect } from '@palisade/collector/service';
import { describe, expect, it } from 'vitest';
import { createTestKafka } from '../../helpers/kafka.js';
import { fileLines, freshCollectorTopics, readTopic, sortedByJson, testCollectConfig } from './collector-harness.js';

const FLOWS = resolve(process.cwd(), '../shared/flows');
/** Every real sample of every format (`format/file`), Hubble's first. */
const samples = ['hubble', 'calico', 'aws-vpc-cni', 'antrea', 'netobserv'].flatMap((format) =>
  readdirSync(join(FLOWS, format))
    .sort()
    .map((name) => `${format}/${name}`),
);

describe('palisade collect → Kafka (real broker), every real sample of every format', () => {
  it('has samples to read', () => {
    expect(samples.filter((sample) => sample.startsWith('hubble/')).length).toBeGreaterThan(0);
  });

  it.each(samples)('%s: the flows consumed back are the flows the in-memory pipeline makes', async (name) => {
    const path = join(FLOWS, name);
    const kafka = createTestKafka();
    const topics = freshCollectorTopics(kafka);
    const running = await startCollect({ config: testCollectConfig(topics, { source: `file:${path}` }), handleSignals: false });
    const summary = await running.done;

    const expected = ingestLines(fileLines(path));
    expect(summary).toMatchObject({
      recordsRead: expected.report.recordsRead,
      flowsProduced: expected.flows.length,
      deadLettered: expected.report.deadLetters.count,
      quarantined: expected.report.quarantined.count,
      skipped: expected.report.skipped.count,
    });

    const messages = await readTopic(kafka, topics.topic);
    const flows = messages.map((message) => {
      const decoded = decodeFlow(message.value);
      if (!decoded.ok) throw new Error(`undecodable flow message: ${decoded.reason}`);
      expect(message.key).toBe(flowKey(decoded.flow));
      return decoded.flow;
    });
    expect(sortedByJson(flows)).toEqual(sortedByJson(expected.flows));

    const deadLetters = (await readTopic(kafka, topics.deadLetterTopic)).map(readDeadLetter);
    expect(deadLetters).toHaveLength(expected.report.deadLetters.count);
  });
});

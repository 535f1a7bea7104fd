import { readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { ingestLines, type SourceLine } from '@palisade/collector';
import { startCollect } from '@palisade/collector/service';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { startPrivateKafka } from '../../helpers/private-kafka.js';
import { fileLines, freshCollectorTopics, readTopic, testCollectConfig } from './collector-harness.js';

const SAMPLES = resolve(process.cwd(), '../shared/flows/hubble');

/** Whether a broker accepts TCP connections now. */
function answers(broker: string): Promise<boolean> {
  const [host, port] = broker.split(':');
  return new Promise((resolve) => {
    const socket = connect({ host: host ?? '127.0.0.1', port: Number(port) });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

describe('palisade collect across a broker restart (a private broker)', () => {
  it('loses nothing: every line ends as a flow, a dead letter, a quarantine or a skip, and Kafka holds each flow once', { timeout: 240_000 }, async () => {
    // A broker of this test's own: restarting the shared one would break the tests running beside it.
    const broker = await startPrivateKafka();
    const brokerAddress = broker.brokers[0] ?? '';
    const kafka = new Kafka({ clientId: 'palisade-test', brokers: [...broker.brokers], logLevel: logLevel.ERROR, retry: { retries: 3, initialRetryTime: 200 } });

    const records = readdirSync(SAMPLES)
      .filter((name) => name.endsWith('.json'))
      .sort()
      .flatMap((name) => fileLines(join(SAMPLES, name)).map((line) => line.record));
    records.splice(Math.floor(records.length / 3), 0, '{"flow": "torn', 'garbage line');
    const half = Math.floor(records.length / 2);
    const expected = ingestLines(records.map((record, index): SourceLine => ({ record, origin: { source: 'stdin', line: index + 1 } })));

    const topics = freshCollectorTopics(kafka);
    const stdin = new PassThrough();
    // Small batches, so many are in flight around the restart.
    const running = await startCollect({
      config: testCollectConfig(topics, { source: 'stdin', kafka: { brokers: brokerAddress }, batchSize: '50', maxBufferedMessages: '200' }),
      stdin,
      handleSignals: false,
    });
    stdin.write(`${records.slice(0, half).join('\n')}\n`);

    let restarted = false;
    const restarting = broker.restart().finally(() => (restarted = true));
    // The second half arrives while the broker is down: its batches fail and are retried.
    while (!restarted && (await answers(brokerAddress))) await sleep(50);
    expect(restarted, 'the restart ended before the broker was seen down').toBe(false);
    stdin.end(`${records.slice(half).join('\n')}\n`);
    await restarting;
    const summary = await running.done;

    expect(summary.recordsRead).toBe(records.length);
    expect(summary.flowsProduced + summary.deadLettered + summary.quarantined + summary.skipped).toBe(summary.recordsRead);
    expect(summary).toMatchObject({
      flowsProduced: expected.flows.length,
      deadLettered: expected.report.deadLetters.count,
      quarantined: expected.report.quarantined.count,
      skipped: expected.report.skipped.count,
    });
    // Exactly once in Kafka: the idempotent producer's retries across the restart wrote no duplicate.
    expect(await readTopic(kafka, topics.topic)).toHaveLength(expected.flows.length);
    expect(await readTopic(kafka, topics.deadLetterTopic)).toHaveLength(2);
  });
});

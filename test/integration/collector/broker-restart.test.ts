import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:net';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ingestLines, startCollect, type SourceLine } from '@palisade/collector';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../helpers/command.js';
import { createTestKafka } from '../../helpers/kafka.js';
import { readServiceEnv } from '../../helpers/service-env.js';
import { fileLines, freshCollectorTopics, readTopic, testCollectConfig } from './collector-harness.js';

const SAMPLES = '/work/shared/flows/hubble';
const SERVICES = fileURLToPath(new URL('../../env/services.sh', import.meta.url));

/** Whether the broker accepts TCP connections now. */
function brokerAnswers(): Promise<boolean> {
  const [host, port] = (readServiceEnv().kafkaBrokers[0] ?? '').split(':');
  return new Promise((resolve) => {
    const socket = connect({ host: host ?? '127.0.0.1', port: Number(port) });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

describe('palisade collect across a broker restart (real broker)', () => {
  it('loses nothing: every line ends as a flow, a dead letter, a quarantine or a skip, and Kafka holds each flow once', { timeout: 240_000 }, async () => {
    const records = readdirSync(SAMPLES)
      .filter((name) => name.endsWith('.json'))
      .sort()
      .flatMap((name) => fileLines(join(SAMPLES, name)).map((line) => line.record));
    records.splice(Math.floor(records.length / 3), 0, '{"flow": "torn', 'garbage line');
    const half = Math.floor(records.length / 2);
    const expected = ingestLines(records.map((record, index): SourceLine => ({ record, origin: { source: 'stdin', line: index + 1 } })));

    const kafka = createTestKafka();
    const topics = freshCollectorTopics(kafka);
    const stdin = new PassThrough();
    // Small batches, so many are in flight around the restart.
    const running = await startCollect({ config: testCollectConfig(topics, { source: 'stdin', batchSize: 50, maxBufferedMessages: 200 }), stdin, handleSignals: false });
    stdin.write(`${records.slice(0, half).join('\n')}\n`);

    const restarting = runCommand('bash', [SERVICES, 'restart', 'kafka']);
    // The second half arrives while the broker is down: its batches fail and are retried.
    while (await brokerAnswers()) await sleep(50);
    stdin.end(`${records.slice(half).join('\n')}\n`);
    const restart = await restarting;
    expect(restart.stderr).toContain('kafka is ready');
    expect(restart.exitCode).toBe(0);
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

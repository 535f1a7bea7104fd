import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { ingestLines } from '@palisade/collector';
import { describe, expect, it } from 'vitest';
import { createTestKafka } from '../../helpers/kafka.js';
import { readServiceEnv } from '../../helpers/service-env.js';
import { fileLines, freshCollectorTopics, messagesIn } from './collector-harness.js';

const MAIN = fileURLToPath(new URL('../../../generator/src/cli/main.ts', import.meta.url));
const SAMPLE = resolve(process.cwd(), '../shared/flows/hubble/hubble-otel__basic-sample-400-tcp-flows.json');

describe('palisade collect --source follow: and SIGTERM (a real process, real broker)', () => {
  it('on SIGTERM stops reading, settles held-back records, flushes, checkpoints the file position and exits 0', { timeout: 120_000 }, async () => {
    const directory = mkdtempSync(join(tmpdir(), 'palisade-collect-'));
    const path = join(directory, 'events.log');
    const stateDir = join(directory, 'state');
    writeFileSync(path, readFileSync(SAMPLE));
    const kafka = createTestKafka();
    const topics = freshCollectorTopics(kafka);

    const child = spawn(
      process.execPath,
      ['--import', 'tsx', MAIN, 'collect', '--source', `follow:${path}`, '--kafka-brokers', readServiceEnv().kafkaBrokers.join(','), '--topic', topics.topic, '--dead-letter-topic', topics.deadLetterTopic, '--metrics-port', '0', '--state-dir', stateDir, '--log-level', 'warn'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    // Running and following: its first flows are in Kafka. Then the kubelet's SIGTERM.
    for (let attempt = 0; attempt < 600 && (await messagesIn(kafka, topics.topic)) === 0 && child.exitCode === null; attempt++) await sleep(100);
    child.kill('SIGTERM');
    const code = await exited;
    expect(code, stderr).toBe(0);

    const expected = ingestLines(fileLines(SAMPLE));
    expect(await messagesIn(kafka, topics.topic)).toBe(expected.flows.length);
    expect(stderr).toContain(`${expected.report.recordsRead} records read, ${expected.flows.length} flows`);
    const [checkpointFile] = readdirSync(stateDir);
    const checkpoint = JSON.parse(readFileSync(join(stateDir, checkpointFile ?? ''), 'utf8')) as { offset: number; line: number };
    expect(checkpoint).toMatchObject({ offset: statSync(path).size, line: expected.report.recordsRead });
  });
});

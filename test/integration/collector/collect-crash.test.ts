import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { ingestLines } from '@palisade/collector';
import { describe, expect, it } from 'vitest';
import { createTestKafka } from '../../helpers/kafka.js';
import { readServiceEnv } from '../../helpers/service-env.js';
import { fileLines, freshCollectorTopics, messagesIn } from './collector-harness.js';

/**
 * Issue 11 item 7: `collect --source follow:` killed with SIGKILL before its first checkpoint read
 * its file again on restart (100,000 records became 120,164 flows). The first checkpoint now follows
 * the first flush: killed after it, the restart reads nothing twice. Real processes, real broker.
 */

const MAIN = fileURLToPath(new URL('../../../generator/src/cli/main.ts', import.meta.url));
const SAMPLE = resolve(process.cwd(), '../shared/flows/hubble/hubble-otel__basic-sample-400-tcp-flows.json');

describe('palisade collect --source follow: and SIGKILL (item 7, real processes, real broker)', () => {
  it('checkpoints on its first flush, so a restart after a kill sends no record twice', { timeout: 180_000 }, async () => {
    const directory = mkdtempSync(join(tmpdir(), 'palisade-crash-'));
    const path = join(directory, 'events.log');
    const stateDir = join(directory, 'state');
    writeFileSync(path, readFileSync(SAMPLE));
    const kafka = createTestKafka();
    const topics = freshCollectorTopics(kafka);
    const expected = ingestLines(fileLines(SAMPLE)).flows.length;
    const start = (logLevel = 'warn'): { child: ChildProcess; exited: Promise<number | null>; stderr: () => string } => {
      // The interval checkpoint never comes within the test: only the first-flush checkpoint can save the position.
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', MAIN, 'collect', '--source', `follow:${path}`, '--kafka-brokers', readServiceEnv().kafkaBrokers.join(','), '--topic', topics.topic, '--dead-letter-topic', topics.deadLetterTopic, '--metrics-port', '0', '--state-dir', stateDir, '--log-level', logLevel],
        { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PALISADE_CHECKPOINT_INTERVAL_MS: '600000' } },
      );
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      return { child, exited: new Promise((done) => child.on('exit', (code) => done(code))), stderr: () => stderr };
    };
    const checkpointWritten = () => existsSync(stateDir) && readdirSync(stateDir).some((name) => name.endsWith('.json'));

    const first = start();
    // After its first flush: every flow of the file is in Kafka. Bounded polling, no timed assertion.
    for (let attempt = 0; attempt < 900 && !((await messagesIn(kafka, topics.topic)) >= expected && checkpointWritten()) && first.child.exitCode === null; attempt++) await sleep(100);
    expect(await messagesIn(kafka, topics.topic), first.stderr()).toBe(expected);
    first.child.kill('SIGKILL');
    await first.exited;
    expect(checkpointWritten(), 'no checkpoint after the first flush').toBe(true);

    const second = start('info');
    // Once it is reading (from the checkpoint, so with nothing new), the kubelet's SIGTERM.
    for (let attempt = 0; attempt < 900 && !second.stderr().includes('collect: reading') && second.child.exitCode === null; attempt++) await sleep(100);
    second.child.kill('SIGTERM');
    expect(await second.exited, second.stderr()).toBe(0);
    expect(await messagesIn(kafka, topics.topic)).toBe(expected);
  });
});

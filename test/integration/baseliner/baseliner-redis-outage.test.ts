import { EventEmitter } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBaselinerService } from '@palisade/baseliner/service';
import type { BaselinerLogger } from '@palisade/baseliner/service';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runCommand } from '../../helpers/command.js';
import { createTestKafka } from '../../helpers/kafka.js';
import { freshBaselinerScope, produceFlows, scopeSettings, scopeStore, syntheticFlows, waitForCatchUp, waitUntil } from './baseliner-harness.js';

/**
 * Issue 11 item 17: a 65 s Redis outage left no log line, a 200 on /healthz and no metric. Now the
 * outage is logged once and its end once, retries are counted in palisade_baseliner_retries_total,
 * and /healthz turns 503 once flows waited --unhealthy-after without a successful flush. Against a
 * private redis-server the test starts and stops by its pid, and the shared Kafka broker.
 */

const kafka = createTestKafka('palisade-baseliner-outage');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** A logger that keeps every line, at its level. */
function recordingLogger(): BaselinerLogger & { readonly lines: { level: string; message: string }[] } {
  const lines: { level: string; message: string }[] = [];
  const at = (level: string) => (_fields: object, message: string) => void lines.push({ level, message });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

describe('baseliner and a Redis outage (item 17)', { timeout: 240_000 }, () => {
  it('logs the outage once and its end once, counts retries, and turns /healthz unhealthy without a successful flush', async () => {
    const redisPort = await freePort();
    const metricsPort = await freePort();
    const dir = await mkdtemp(join(tmpdir(), 'palisade-redis-outage-'));
    const startRedis = async () => {
      const started = await runCommand('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--appendonly', 'yes', '--save', '', '--dir', dir, '--daemonize', 'yes', '--pidfile', join(dir, 'pid'), '--logfile', join(dir, 'log')]);
      expect(started.exitCode).toBe(0);
      await waitUntil('the private Redis to answer', async () => (await runCommand('redis-cli', ['-p', String(redisPort), 'ping'])).stdout.trim() === 'PONG');
    };
    onTestFinished(async () => {
      await runCommand('redis-cli', ['-p', String(redisPort), 'shutdown', 'nosave']);
      await rm(dir, { recursive: true, force: true });
    });
    await startRedis();
    const scope = await freshBaselinerScope(kafka, 1, `redis://127.0.0.1:${redisPort}`);
    const logger = recordingLogger();
    const signals = new EventEmitter();
    const service = runBaselinerService(scopeSettings(scope, { metricsPort: String(metricsPort), unhealthyAfter: '1500' }), { logger, signals });
    onTestFinished(async () => {
      signals.emit('SIGTERM');
      await service.catch(() => undefined);
    });
    const health = async () => (await fetch(`http://127.0.0.1:${metricsPort}/healthz`).catch(() => undefined))?.status;
    const store = await scopeStore(scope);
    const flows = syntheticFlows(3_000, { seed: 17 });
    await produceFlows(kafka, scope.topic, flows.slice(0, 1_000));
    await waitUntil('the first flows stored', async () => (await health()) === 200 && (await store.partitionOffsets(scope.topic)).size > 0, 90_000);

    // The outage: Redis killed by its pid, flows keep coming.
    process.kill(Number((await readFile(join(dir, 'pid'), 'utf8')).trim()), 'SIGKILL');
    await produceFlows(kafka, scope.topic, flows.slice(1_000));
    await waitUntil('/healthz to report the outage', async () => (await health()) === 503, 90_000);
    // The client queues commands while it reconnects, so the flush hangs rather than fails: the
    // age of the unflushed flows is what shows it. Retried failures, when there are, are counted here.
    expect(await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text()).toContain('# TYPE palisade_baseliner_retries_total counter');
    const outageLines = () => logger.lines.filter((line) => line.level === 'warn' || line.level === 'error');

    expect(outageLines().map((line) => line.message)).toEqual([expect.stringMatching(/no successful flush for longer than the health limit|logged once for this outage/)]);
    await startRedis();
    await waitForCatchUp(kafka, store, scope.topic, 90_000);
    await waitUntil('/healthz healthy again', async () => (await health()) === 200, 90_000);
    const warnings = outageLines();
    // Once for the outage (each kind at most once), however many retries it took; once for its end.
    expect(warnings.length, JSON.stringify(warnings)).toBeGreaterThanOrEqual(1);
    expect(warnings.filter((line) => line.message.includes('logged once for this outage')).length).toBeLessThanOrEqual(1);
    expect(warnings.filter((line) => line.message.includes('no successful flush')).length).toBeLessThanOrEqual(1);
    expect(warnings.length).toBeLessThanOrEqual(2);
    expect(logger.lines.some((line) => line.level === 'info' && /succeeded again after \d+ retried failure|flushed again/.test(line.message))).toBe(true);
  });
});

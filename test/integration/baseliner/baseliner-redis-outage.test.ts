import { EventEmitter } from 'node:events';
import { runBaselinerService } from '@palisade/baseliner/service';
import type { BaselinerLogger } from '@palisade/baseliner/service';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createTestKafka } from '../../helpers/kafka.js';
import { freePort } from '../../helpers/local-servers.js';
import { startPrivateRedis } from '../../helpers/redis.js';
import { freshBaselinerScope, produceFlows, scopeSettings, scopeStore, syntheticFlows, waitForCatchUp, waitUntil } from './baseliner-harness.js';

/**
 * Issue 11 item 17: a 65 s Redis outage left no log line, a 200 on /healthz and no metric. Now the
 * outage is logged once and its end once, retries are counted in palisade_baseliner_retries_total,
 * and /healthz turns 503 once flows waited --unhealthy-after without a successful flush. Against a
 * private redis-server the test starts and stops by its pid, and the shared Kafka broker.
 */

const kafka = createTestKafka('palisade-baseliner-outage');

/** A logger that keeps every line, at its level. */
function recordingLogger(): BaselinerLogger & { readonly lines: { level: string; message: string }[] } {
  const lines: { level: string; message: string }[] = [];
  const at = (level: string) => (_fields: object, message: string) => void lines.push({ level, message });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

describe('baseliner and a Redis outage (item 17)', { timeout: 240_000 }, () => {
  it('logs the outage once and its end once, counts retries, and turns /healthz unhealthy without a successful flush', async () => {
    const redis = await startPrivateRedis();
    const metricsPort = await freePort();
    const scope = await freshBaselinerScope(kafka, 1, redis.url);
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
    await redis.kill();
    await produceFlows(kafka, scope.topic, flows.slice(1_000));
    await waitUntil('/healthz to report the outage', async () => (await health()) === 503, 90_000);
    // The client queues commands while it reconnects, so the flush hangs rather than fails: the
    // age of the unflushed flows is what shows it. Retried failures, when there are, are counted here.
    expect(await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text()).toContain('# TYPE palisade_baseliner_retries_total counter');
    const outageLines = () => logger.lines.filter((line) => line.level === 'warn' || line.level === 'error');

    expect(outageLines().map((line) => line.message)).toEqual([expect.stringMatching(/no successful flush for longer than the health limit|logged once for this outage/)]);
    await redis.start();
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

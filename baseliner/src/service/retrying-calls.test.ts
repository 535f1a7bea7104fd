import { PalisadeError } from '@palisade/collector';
import { describe, expect, it } from 'vitest';
import type { BaselinerLogger } from './logger.js';
import { NO_METRICS } from './metrics.js';
import { createRetryingCalls } from './retrying-calls.js';

describe('createRetryingCalls (issue 11 item 17)', () => {
  it('logs an outage once and its end once, however many retries, and counts every retry', async () => {
    const lines: string[] = [];
    const logger: BaselinerLogger = { debug: () => undefined, info: (_f, m) => void lines.push(`info ${m}`), warn: (_f, m) => void lines.push(`warn ${m}`), error: (_f, m) => void lines.push(`error ${m}`) };
    const retried: string[] = [];
    const calls = createRetryingCalls({ logger, metrics: { ...NO_METRICS, retry: (what) => void retried.push(what) }, policy: { initialDelayMs: 1, maxDelayMs: 1, maxAttempts: 10 }, clock: () => 0 });
    let failures = 5;
    const healthWhileFailing: boolean[] = [];
    const value = await calls.run('baseline upsert', async () => {
      if (failures-- > 0) {
        healthWhileFailing.push(calls.healthy);
        throw new PalisadeError('Connection is closed.', { retriable: true });
      }
      return 'ok';
    });
    expect(value).toBe('ok');
    expect(retried).toEqual(Array(5).fill('baseline upsert'));
    expect(healthWhileFailing.slice(1).every((healthy) => !healthy)).toBe(true);
    expect(calls.healthy).toBe(true);
    expect(lines).toEqual([
      'warn baseline upsert failed; retrying until it succeeds (logged once for this outage)',
      'info baseline upsert succeeded again after 5 retried failure(s) since baseline upsert first failed',
    ]);
  });
});

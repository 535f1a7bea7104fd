import type { RetryPolicy } from '@palisade/collector';
import { withRetries } from '@palisade/collector';
import type { BaselinerLogger } from './logger.js';
import type { BaselinerMetrics } from './metrics.js';
import { NO_METRICS } from './metrics.js';

/**
 * The service's store and Kafka calls, each retried by Palisade's one retry policy while a retry
 * can help, and the health they add up to: a call that had to be retried means Redis or Kafka is
 * away, and `/healthz` says so until a call succeeds again.
 *
 * An outage is logged once, when its first retry happens, and once more when a call succeeds
 * again (how long it lasted, how many retries): a 65 s Redis outage retried every few seconds
 * must neither flood the log nor pass silently. Every retry is counted in the metrics.
 */
export interface RetryingCalls {
  /** Runs `operation` with retries; `what` names it in the outage's log lines and metric label. */
  run<T>(what: string, operation: () => Promise<T>): Promise<T>;
  /** False from the first retried failure until a call succeeds again. */
  readonly healthy: boolean;
}

/** Options of {@link createRetryingCalls}. */
export interface RetryingCallsOptions {
  readonly logger: BaselinerLogger;
  /** @default DEFAULT_RETRY_POLICY */
  readonly policy?: RetryPolicy;
  /** @default NO_METRICS */
  readonly metrics?: BaselinerMetrics;
  /** Epoch ms. @default Date.now */
  readonly clock?: () => number;
}

/** Retrying calls that log each outage once, count each retry and track health. */
export function createRetryingCalls(options: RetryingCallsOptions): RetryingCalls {
  const metrics = options.metrics ?? NO_METRICS;
  const clock = options.clock ?? Date.now;
  let outage: { readonly since: number; readonly what: string; retries: number } | undefined;
  return {
    async run(what, operation) {
      const value = await withRetries(operation, {
        ...(options.policy ? { policy: options.policy } : {}),
        onRetry: (error, attempt) => {
          metrics.retry(what);
          if (outage === undefined) {
            outage = { since: clock(), what, retries: 1 };
            options.logger.warn({ err: error, call: what }, `${what} failed; retrying until it succeeds (logged once for this outage)`);
          } else {
            outage.retries++;
            options.logger.debug({ err: error, call: what, attempt }, `${what} failed, retrying`);
          }
        },
      });
      if (outage !== undefined) {
        options.logger.info({ call: what, retries: outage.retries, outageMs: clock() - outage.since }, `${what} succeeded again after ${outage.retries} retried failure(s) since ${outage.what} first failed`);
        outage = undefined;
      }
      return value;
    },
    get healthy() {
      return outage === undefined;
    },
  };
}

import type { RetryPolicy } from '@palisade/collector';
import { withRetries } from '@palisade/collector';
import type { BaselinerLogger } from './logger.js';

/**
 * The service's store and Kafka calls, each retried by Palisade's one retry policy while a retry
 * can help, and the health they add up to: a call that had to be retried means Redis or Kafka is
 * away, and `/healthz` says so until a call succeeds again.
 */
export interface RetryingCalls {
  /** Runs `operation` with retries; `what` names it in the warning each retry logs. */
  run<T>(what: string, operation: () => Promise<T>): Promise<T>;
  /** False from the first retried failure until a call succeeds again. */
  readonly healthy: boolean;
}

/** Options of {@link createRetryingCalls}. */
export interface RetryingCallsOptions {
  readonly logger: BaselinerLogger;
  /** @default DEFAULT_RETRY_POLICY */
  readonly policy?: RetryPolicy;
}

/** Retrying calls that log each retry and track health. */
export function createRetryingCalls(options: RetryingCallsOptions): RetryingCalls {
  let healthy = true;
  return {
    async run(what, operation) {
      const value = await withRetries(operation, {
        ...(options.policy ? { policy: options.policy } : {}),
        onRetry: (error, attempt) => {
          healthy = false;
          options.logger.warn({ err: error, attempt }, `${what} failed, retrying`);
        },
      });
      healthy = true;
      return value;
    },
    get healthy() {
      return healthy;
    },
  };
}

import { isRetriable } from './errors.js';

/**
 * Palisade's one retry policy, in the manner of KafkaJS's `src/retry/`: capped exponential backoff
 * that retries only what {@link isRetriable} says may go away on its own. Every package's
 * services use it (the Kafka flow sink, the baseliner's store and Kafka calls), so "what is worth
 * retrying" and "how long to wait" are decided in one place.
 */

/** How {@link withRetries} waits between attempts. */
export interface RetryPolicy {
  /** Wait after the first failure (ms); doubles after each further one. */
  readonly initialDelayMs: number;
  /** The longest wait between two attempts (ms). */
  readonly maxDelayMs: number;
  /** Attempts in all; `Infinity` keeps trying while `shouldContinue` says so. */
  readonly maxAttempts: number;
}

/** The services' default: a service that loses Kafka or Redis for a while should wait, not die. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({ initialDelayMs: 100, maxDelayMs: 5_000, maxAttempts: Infinity });

/** Options of {@link withRetries}. */
export interface RetryOptions {
  /** @default DEFAULT_RETRY_POLICY */
  readonly policy?: RetryPolicy;
  /**
   * Waits between attempts; tests pass one driven by their own timers.
   * @default a `setTimeout` promise
   */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Asked after each retriable failure; `false` gives up and throws that failure. @default always true */
  readonly shouldContinue?: () => boolean;
  /** Called for each failed attempt that will be retried, before the wait. */
  readonly onRetry?: (error: unknown, attempt: number) => void;
}

const realSleep = (ms: number): Promise<void> => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `operation` (given the attempt number, from 1), retrying only retriable errors with capped
 * exponential backoff. Non-retriable errors and the last failure are thrown as they are.
 */
export async function withRetries<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const sleep = options.sleep ?? realSleep;
  let delay = policy.initialDelayMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (!isRetriable(error) || attempt >= policy.maxAttempts || (options.shouldContinue && !options.shouldContinue())) throw error;
      options.onRetry?.(error, attempt);
      await sleep(delay);
      delay = Math.min(policy.maxDelayMs, delay * 2);
    }
  }
}

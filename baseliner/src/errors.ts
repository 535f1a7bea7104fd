import { PalisadeError } from '@palisade/collector';

/**
 * The baseliner's errors. Like KafkaJS's, each says whether retrying the same operation can
 * succeed (`retriable`) and carries its `cause` and context, so one retry policy
 * ({@link withRetries}) decides what to retry and the service decides what ends the process.
 */
export class BaselinerError extends PalisadeError {}

/** Redis refused or lost a command; retriable unless Redis said the data or script is wrong. */
export class BaselineStoreError extends BaselinerError {
  /** The store operation that failed (`apply`, `read`, ...). */
  readonly operation: string;

  constructor(operation: string, message: string, options: { readonly cause?: unknown; readonly retriable?: boolean } = {}) {
    super(`${operation}: ${message}`, options);
    this.operation = operation;
  }
}

/** A Kafka call of the service failed (commit, dead-letter or anomaly send). */
export class BaselinerKafkaError extends BaselinerError {
  readonly topic: string;
  readonly partition: number | undefined;

  constructor(message: string, context: { readonly topic: string; readonly partition?: number }, options: { readonly cause?: unknown; readonly retriable?: boolean } = {}) {
    super(message, options);
    this.topic = context.topic;
    this.partition = context.partition;
  }
}

/** Bad settings (flags or `PALISADE_*` variables); the message names the setting to fix. */
export class BaselinerSettingsError extends BaselinerError {}

/** True when an error says a retry can help (ours, or a client error flagged retriable). */
export function isRetriable(error: unknown): boolean {
  if (error instanceof BaselinerError) return error.retriable;
  // kafkajs marks its own errors; ioredis connection failures are plain Errors with a code.
  if (typeof error === 'object' && error !== null) {
    const candidate = error as { retriable?: unknown; code?: unknown; message?: unknown };
    if (candidate.retriable === true) return true;
    if (typeof candidate.code === 'string' && /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH)$/.test(candidate.code)) return true;
    if (typeof candidate.message === 'string' && /Connection is closed|LOADING|max retries per request|BUSY|TRYAGAIN|CLUSTERDOWN/i.test(candidate.message)) return true;
  }
  return false;
}

/** How {@link withRetries} waits between attempts. */
export interface RetryPolicy {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** Attempts in all; `Infinity` keeps trying while `shouldContinue` says so. */
  readonly maxAttempts: number;
}

/** The service's default: a service that loses Redis for a while should wait, not die. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({ initialDelayMs: 100, maxDelayMs: 5_000, maxAttempts: Infinity });

/**
 * Runs `operation`, retrying only retriable errors with exponential backoff. Non-retriable errors
 * and the last failure are thrown as they are.
 */
export async function withRetries<T>(
  operation: () => Promise<T>,
  options: {
    readonly policy?: RetryPolicy;
    readonly sleep?: (ms: number) => Promise<void>;
    readonly shouldContinue?: () => boolean;
    readonly onRetry?: (error: unknown, attempt: number) => void;
  } = {},
): Promise<T> {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let delay = policy.initialDelayMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!isRetriable(error) || attempt >= policy.maxAttempts || (options.shouldContinue && !options.shouldContinue())) throw error;
      options.onRetry?.(error, attempt);
      await sleep(delay);
      delay = Math.min(policy.maxDelayMs, delay * 2);
    }
  }
}

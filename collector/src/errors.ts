/**
 * The collector's error hierarchy, in the manner of KafkaJS's `errors.js`: one base class with a
 * `cause`, and domain errors that say whether trying again can help and carry their context
 * (topic, source). The service decides exit codes and log levels from these fields alone.
 */

/**
 * Base of every error Palisade raises on purpose, in every package: a message that says what went
 * wrong, the `cause`, and whether the same operation may succeed later (a broker restart, a network
 * blip). Services and the CLI decide retries, exit codes and log levels from these fields alone.
 */
export class PalisadeError extends Error {
  /** Whether the same operation may succeed later. */
  readonly retriable: boolean;

  constructor(message: string, options: { readonly cause?: unknown; readonly retriable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.retriable = options.retriable ?? false;
  }
}

/** Base of every error the collector raises on purpose. */
export class CollectorError extends PalisadeError {}

/** Bad configuration (flags, environment): the message names the setting and what to fix. */
export class CollectConfigError extends CollectorError {}

/** Writing to Kafka failed; `topic` is the topic of the batch when one is known. */
export class KafkaSinkError extends CollectorError {
  constructor(
    message: string,
    readonly topic: string | undefined,
    options: { readonly cause?: unknown; readonly retriable?: boolean } = {},
  ) {
    super(message, options);
  }
}

/** A source could not be read (a file vanished for good, a consumer failed). */
export class SourceError extends CollectorError {
  constructor(
    message: string,
    readonly source: string,
    options: { readonly cause?: unknown; readonly retriable?: boolean } = {},
  ) {
    super(message, options);
  }
}

/**
 * Whether an error from a client library may go away on its own. KafkaJS marks its errors with
 * `retriable`; connection errors from Node carry an errno code instead.
 */
export function isRetriable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  if ('retriable' in error && typeof error.retriable === 'boolean') {
    if (error.retriable) return true;
    // KafkaJS wraps the last retriable error in a non-retriable "number of retries exceeded" one:
    // the broker may still come back, so the cause decides.
    const name = 'name' in error ? error.name : undefined;
    if (name === 'KafkaJSNumberOfRetriesExceeded' || name === 'KafkaJSConnectionError' || name === 'KafkaJSRequestTimeoutError') return true;
    return 'cause' in error && error.cause !== error && isRetriable(error.cause);
  }
  const code = 'code' in error ? error.code : undefined;
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ETIMEDOUT' || code === 'EPIPE';
}

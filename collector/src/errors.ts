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

/** Names of KafkaJS errors that wrap a transient failure in a `retriable: false` shell. */
const KAFKAJS_TRANSIENT_WRAPPERS: ReadonlySet<string> = new Set(['KafkaJSNumberOfRetriesExceeded', 'KafkaJSConnectionError', 'KafkaJSRequestTimeoutError']);

/** Node errno codes of a connection that failed or dropped: the peer may be back soon. */
const TRANSIENT_ERRNO_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);

/**
 * ioredis' messages for a connection that is down or a server that is busy for now: a closed
 * connection, a pipeline cut off midway by the connection closing (its AbortError: Palisade sends
 * only idempotent rounds, so resending the whole round is safe), the per-request reconnect limit,
 * and the Redis replies LOADING (a restart reading its AOF), BUSY (a long script), TRYAGAIN and
 * CLUSTERDOWN (a cluster resharding or failing over).
 */
const REDIS_TRANSIENT_MESSAGE = /Connection is closed|Command aborted due to connection close|LOADING|max retries per request|BUSY|TRYAGAIN|CLUSTERDOWN/i;

/** The fields of a client library's error that say whether it is transient. */
interface ErrorFields {
  readonly name?: unknown;
  readonly retriable?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly cause?: unknown;
}

/**
 * Whether an error may go away on its own, so that the same operation is worth trying again.
 * Palisade's own errors say so themselves (`retriable`). Client errors: KafkaJS marks its errors
 * with `retriable`, Node's connection errors carry an errno code, ioredis' say so in the message.
 */
export function isRetriable(error: unknown): boolean {
  if (error instanceof PalisadeError) return error.retriable;
  if (typeof error !== 'object' || error === null) return false;
  const { name, retriable, code, message, cause } = error as ErrorFields;
  if (retriable === true) return true;
  if (typeof retriable === 'boolean') {
    // KafkaJS wraps the last retriable error in a non-retriable "number of retries exceeded" one
    // (and connection or request timeouts likewise): the broker may still come back, so the
    // wrapper's kind or its cause decides.
    if (typeof name === 'string' && KAFKAJS_TRANSIENT_WRAPPERS.has(name)) return true;
    if (cause !== undefined && cause !== error && isRetriable(cause)) return true;
  }
  if (typeof code === 'string' && TRANSIENT_ERRNO_CODES.has(code)) return true;
  return typeof message === 'string' && REDIS_TRANSIENT_MESSAGE.test(message);
}

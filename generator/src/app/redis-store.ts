import type { BaselineStore } from '@palisade/baseliner';
import type { OpenedRedisStore, RedisSettings } from '@palisade/baseliner/redis';
import { CliError, InputError } from '../errors.js';

/**
 * Runs `action` with an open Redis store; baseliner errors become CLI errors with their cause.
 * The Redis client loads here, when a command reads or changes the Redis baseline.
 */
export async function withRedisStore<T>(settings: RedisSettings, action: (store: BaselineStore) => Promise<T>): Promise<T> {
  let opened: OpenedRedisStore | undefined;
  try {
    const { openRedisBaselineStore } = await import('@palisade/baseliner/redis');
    // One short attempt: a maintenance command should fail fast when Redis is not there.
    opened = await openRedisBaselineStore(settings, { maxRetriesPerRequest: 1, retryStrategy: (attempt) => (attempt > 2 ? null : 200) });
    return await action(opened.store);
  } catch (error) {
    if (error instanceof CliError) throw error;
    const { RedisConnectionError, redisConnectionError } = await import('@palisade/baseliner/redis');
    // A failed connect says why (authentication, database, refused, timeout); a command that
    // failed later is named the same way. What the user gave is exit 2; a server away is exit 1.
    const failure = error instanceof RedisConnectionError ? error : redisConnectionError(redisAddress(settings.url), error);
    if (failure.isInputError) throw new InputError(failure.message, { cause: error });
    throw new RedisUnavailableError(failure.message, { cause: error });
  } finally {
    await opened?.close().catch(() => undefined);
  }
}

/** `HOST:PORT` of a Redis URL, without credentials. */
function redisAddress(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(the Redis URL)';
  }
}

/** Redis could not be reached or refused a command. */
export class RedisUnavailableError extends CliError {
  override readonly retriable = true;

  /** The message says it: "cannot reach Redis at HOST:PORT: connection refused: …". */
  override get label(): string {
    return '';
  }
}

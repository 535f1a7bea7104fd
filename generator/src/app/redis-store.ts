import type { BaselineStore } from '@palisade/baseliner';
import type { OpenedRedisStore, RedisSettings } from '@palisade/baseliner/redis';
import { CliError } from '../errors.js';

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
    throw new RedisUnavailableError(`Redis at ${new URL(settings.url).host}: ${(error as Error).message} (check --redis-url)`, { cause: error });
  } finally {
    await opened?.close().catch(() => undefined);
  }
}

/** Redis could not be reached or refused a command. */
export class RedisUnavailableError extends CliError {
  override readonly retriable = true;
}

import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { onTestFinished } from 'vitest';
import { readServiceEnv } from './service-env.js';

/**
 * An ioredis client for the test Redis, closed when the calling test finishes. It does not retry
 * forever: an unreachable server fails the test instead of hanging it.
 */
export function createTestRedis(): Redis {
  const redis = new Redis(readServiceEnv().redisUrl, {
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => (attempt > 3 ? null : 100 * attempt),
  });
  onTestFinished(async () => {
    await redis.quit();
  });
  return redis;
}

/**
 * Returns a key prefix of the calling test's own (`palisade-test:<uuid>:`); every key under it is
 * deleted when the test finishes, before the client created by {@link createTestRedis} closes.
 */
export function freshRedisPrefix(redis: Redis): string {
  const prefix = `palisade-test:${randomUUID()}:`;
  onTestFinished(() => deleteKeysWithPrefix(redis, prefix));
  return prefix;
}

async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}

import { z } from 'zod';
import { firstIssue } from '@palisade/collector';
import type { RedisSettings } from '@palisade/baseliner/redis';
import { InputError } from '../../errors.js';

/** zod of `--redis-url` where it selects the Redis baseline as a proposal's source. */
export const RedisUrlFlag = z.url({ protocol: /^rediss?$/, error: 'is not a Redis URL (redis://host:port or rediss://…)' });

/** zod of `--redis-prefix`. */
export const RedisPrefixFlag = z.string().min(1).default('palisade:');

/**
 * Redis settings from `--redis-url`/`--redis-prefix` and the `PALISADE_REDIS_*` environment, as
 * the baseliner validates them. Loads the baseliner's Redis module (and ioredis with it) only for
 * the commands that use Redis.
 */
export async function redisSettingsFromFlags(flags: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): Promise<RedisSettings> {
  const { RedisSettingsSchema, redisSettingName, redisSettingsFromEnv } = await import('@palisade/baseliner/redis');
  const given = { url: flags['redisUrl'] as string | undefined, prefix: flags['redisPrefix'] as string | undefined };
  const parsed = RedisSettingsSchema.safeParse(redisSettingsFromEnv(env, given));
  if (!parsed.success) {
    const { path, message } = firstIssue(parsed.error);
    throw new InputError(`${redisSettingName(path[0] ?? 'url', env, given)}: ${message}`);
  }
  return Object.freeze(parsed.data);
}

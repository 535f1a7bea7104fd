import { z } from 'zod';
import { firstIssue } from '@palisade/collector';
import type { RedisSettings } from '@palisade/baseliner/redis';
import { InputError } from '../../errors.js';
import { typedFlag } from '../options/old-spellings.js';

/**
 * zod of `--redis-url` where it selects the Redis baseline as a proposal's source. Only present
 * here: the URL itself is checked once, by the baseliner's Redis settings ({@link redisSettingsFromFlags}),
 * which say what is wrong with it (port, database, host) without quoting a password.
 */
export const RedisUrlFlag = z.string().min(1, 'needs a Redis URL: redis://HOST:PORT');

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
    const name = redisSettingName(path[0] ?? 'url', env, given);
    throw new InputError(`${name === '--redis-url' ? typedFlag('redisUrl', flags) : name}: ${message}`);
  }
  return Object.freeze(parsed.data);
}

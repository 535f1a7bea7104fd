import type { Command } from 'commander';
import { Option } from 'commander';
import { z } from 'zod';
import type { RedisSettings } from '@palisade/baseliner/redis';
import { RedisSettingsSchema, redisSettingsFromEnv } from '@palisade/baseliner/redis';
import { InputError } from '../../errors.js';
import { addOldSpelling } from './old-spellings.js';

/** zod of `--redis-url` where it selects the Redis baseline as a proposal's source. */
export const RedisUrlFlag = z.url({ protocol: /^rediss?$/, error: 'is not a Redis URL (redis://host:port or rediss://…)' });

/** zod of `--redis-prefix`. */
export const RedisPrefixFlag = z.string().min(1).default('palisade:');

/**
 * Adds `--redis-url` (old spelling `--redis`, hidden) and `--redis-prefix`. `generate` reads
 * `PALISADE_REDIS_URL` only once `--redis-url` is given (the variable alone must not turn a
 * `--flows` run into a Redis run), so it passes `urlFromEnvironment: false`.
 */
export function addRedisOptions(command: Command, help: { readonly url: string; readonly prefix: string }, options: { readonly urlFromEnvironment?: boolean } = {}): Command {
  const url = new Option('--redis-url <url>', help.url);
  command.addOption(options.urlFromEnvironment === false ? url : url.env('PALISADE_REDIS_URL'));
  addOldSpelling(command, 'redisUrl', 'url');
  return command.addOption(new Option('--redis-prefix <prefix>', help.prefix).default('palisade:').env('PALISADE_REDIS_PREFIX'));
}

/** Redis settings from `--redis-url`/`--redis-prefix` and the `PALISADE_REDIS_*` environment. */
export function redisSettingsFromFlags(flags: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): RedisSettings {
  const parsed = RedisSettingsSchema.safeParse(
    redisSettingsFromEnv(env, { url: flags['redisUrl'] as string | undefined, prefix: flags['redisPrefix'] as string | undefined }),
  );
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`--redis-${String(issue?.path[0] ?? 'url')}: ${issue?.message ?? 'invalid'}`);
  }
  return Object.freeze(parsed.data);
}

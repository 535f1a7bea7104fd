import type { RedisSettings } from '@palisade/baseliner/redis';
import { RedisSettingsSchema, redisSettingsFromEnv } from '@palisade/baseliner/redis';
import { InputError } from '../../errors.js';

/** Redis settings of the maintenance subcommands, from `--redis-url`/`--redis-prefix` or the environment. */
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

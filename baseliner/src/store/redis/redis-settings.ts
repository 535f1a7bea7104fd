import { readFileSync } from 'node:fs';
import type { RedisOptions } from 'ioredis';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { EnvBoolean, isUnsetEnvValue, registerSecret } from '@palisade/collector';
import type { BaselineRedis } from './redis-client.js';
import { checkRedisDatabase, RedisConnectionError, redisConnectionError } from './redis-connection.js';
import { parseRedisUrl } from './redis-url.js';
import { createBaselineRedis, serviceRedisOptions } from './redis-client.js';
import { RedisBaselineStore } from './redis-store.js';

/**
 * Redis connection settings, from flags or `PALISADE_REDIS_*` variables, validated once. The URL
 * may carry `rediss://` for TLS and `user:password@`; the password may also come on its own
 * (`PALISADE_REDIS_PASSWORD`) so it stays out of process listings. Only
 * {@link describeRedisSettings} is printable.
 */
export const RedisSettingsSchema = z.object({
  url: z
    .string({ error: 'needs --redis-url redis://HOST:PORT (or PALISADE_REDIS_URL)' })
    .superRefine((value, ctx) => {
      const checked = parseRedisUrl(value);
      if (!checked.ok) ctx.addIssue({ code: 'custom', message: checked.message });
    }),
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  tls: EnvBoolean.default(false),
  caFile: z.string().min(1).optional(),
  prefix: z.string().min(1).default('palisade:'),
});

/** Validated Redis settings. */
export type RedisSettings = z.output<typeof RedisSettingsSchema>;
/** Redis settings as strings from flags or the environment. */
export type RedisSettingsInput = z.input<typeof RedisSettingsSchema>;

/** The variable of each setting. */
export const REDIS_ENV_NAMES: Readonly<Record<keyof RedisSettingsInput, string>> = Object.freeze({
  url: 'PALISADE_REDIS_URL',
  username: 'PALISADE_REDIS_USERNAME',
  password: 'PALISADE_REDIS_PASSWORD',
  tls: 'PALISADE_REDIS_TLS',
  caFile: 'PALISADE_REDIS_CA_FILE',
  prefix: 'PALISADE_REDIS_PREFIX',
});

/** Reads `PALISADE_REDIS_*` variables, flags taking precedence; an empty variable counts as unset. */
export function redisSettingsFromEnv(env: NodeJS.ProcessEnv, flags: Partial<Record<keyof RedisSettingsInput, string | undefined>> = {}): RedisSettingsInput {
  const input: Record<string, string> = {};
  for (const [key, variable] of Object.entries(REDIS_ENV_NAMES)) {
    const value = flags[key as keyof RedisSettingsInput] ?? (isUnsetEnvValue(env[variable]) ? undefined : env[variable]);
    if (value !== undefined && value !== '') input[key] = value;
  }
  return input as RedisSettingsInput;
}

/** The variable a setting's value came from, or undefined when a flag gave it (or nothing did). */
export function redisSettingSource(key: PropertyKey, env: NodeJS.ProcessEnv, flags: Partial<Record<keyof RedisSettingsInput, string | undefined>> = {}): string | undefined {
  const variable = REDIS_ENV_NAMES[key as keyof RedisSettingsInput];
  if (variable === undefined || flags[key as keyof RedisSettingsInput] !== undefined || isUnsetEnvValue(env[variable])) return undefined;
  return variable;
}

/**
 * What to call a setting in a message: its variable when the value came from the environment,
 * else its flag (`--redis-url`, `--redis-prefix`; the other settings have only a variable).
 */
export function redisSettingName(key: PropertyKey, env: NodeJS.ProcessEnv, flags: Partial<Record<keyof RedisSettingsInput, string | undefined>> = {}): string {
  const source = redisSettingSource(key, env, flags);
  if (source !== undefined) return source;
  if (key === 'url' || key === 'prefix') return `--redis-${key}`;
  return REDIS_ENV_NAMES[key as keyof RedisSettingsInput] ?? `--redis-${String(key)}`;
}

/** ioredis options for the settings (AUTH and TLS included). */
export function redisClientOptions(settings: RedisSettings, overrides: RedisOptions = {}): RedisOptions {
  // Handed to a client from here on: redacted from every line the process prints.
  registerSecret(settings.password);
  registerSecret(urlPassword(settings.url));
  const tls = settings.tls || settings.url.startsWith('rediss://');
  return serviceRedisOptions({
    ...(settings.username ? { username: settings.username } : {}),
    ...(settings.password ? { password: settings.password } : {}),
    ...(tls ? { tls: settings.caFile ? { ca: [readFileSync(settings.caFile, 'utf8')] } : {} } : {}),
    ...overrides,
  });
}

function urlPassword(url: string): string | undefined {
  try {
    const password = new URL(url).password;
    return password === '' ? undefined : decodeURIComponent(password);
  } catch {
    return undefined;
  }
}

/** The settings without secrets, for logs. */
export function describeRedisSettings(settings: RedisSettings): Record<string, unknown> {
  const url = new URL(settings.url);
  if (url.password) url.password = '***';
  return { url: url.toString(), prefix: settings.prefix, tls: settings.tls || url.protocol === 'rediss:', ...(settings.password ? { password: '***' } : {}) };
}

/** A connected Redis baseline store and the way to close it. */
export interface OpenedRedisStore {
  readonly store: RedisBaselineStore;
  readonly redis: BaselineRedis;
  close(): Promise<void>;
}

/**
 * Connects to Redis and opens the baseline store. The one place a Redis client is created, called
 * from the service's main and the CLI, never at module load.
 */
export async function openRedisBaselineStore(settings: RedisSettings, overrides: RedisOptions = {}): Promise<OpenedRedisStore> {
  const checked = parseRedisUrl(settings.url);
  if (!checked.ok) throw redisConnectionError('(the Redis URL)', new Error(checked.message));
  const { address, database } = checked.parts;
  const client = new Redis(settings.url, { lazyConnect: true, ...redisClientOptions(settings, overrides) });
  // Connection errors reach callers through the failed commands (and the service's retries);
  // without a listener ioredis would also print each reconnect attempt as unhandled. The last one
  // is kept: a failed connect rejects with "Connection is closed.", the event says why.
  let lastError: unknown;
  client.on('error', (error: unknown) => {
    lastError = error;
  });
  try {
    await client.connect();
    await checkRedisDatabase(client, address, database);
  } catch (error) {
    client.disconnect(); // stop the background reconnects
    if (error instanceof RedisConnectionError) throw error;
    throw redisConnectionError(address, lastError ?? error);
  }
  const redis = createBaselineRedis(client);
  const store = new RedisBaselineStore({ redis, prefix: settings.prefix });
  return {
    store,
    redis,
    async close() {
      await redis.quit();
    },
  };
}

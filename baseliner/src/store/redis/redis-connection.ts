import type { Redis } from 'ioredis';
import { BaselinerError } from '../../errors.js';

/**
 * Why a Redis connection could not be used, in words a user can act on. ioredis rejects every
 * failed connect with "Connection is closed." and emits the real cause (WRONGPASS, ECONNREFUSED,
 * ETIMEDOUT) as an 'error' event; the store keeps that event and names it here.
 */
export type RedisFailureReason = 'authentication' | 'database' | 'refused' | 'timeout' | 'host' | 'unavailable';

/** Redis could not be used: `reason` says why; the user's input is at fault for `authentication` and `database`. */
export class RedisConnectionError extends BaselinerError {
  readonly reason: RedisFailureReason;

  constructor(reason: RedisFailureReason, message: string, options: { readonly cause?: unknown } = {}) {
    super(message, { ...options, retriable: reason === 'refused' || reason === 'timeout' || reason === 'unavailable' });
    this.reason = reason;
  }

  /** Whether what the user gave (URL, password, database) is wrong, rather than the server being away. */
  get isInputError(): boolean {
    return this.reason === 'authentication' || this.reason === 'database';
  }
}

interface ErrorFields {
  readonly code?: unknown;
  readonly message?: unknown;
}

/** The connection error for the cause ioredis reported, at `address` (HOST:PORT, no credentials). */
export function redisConnectionError(address: string, cause: unknown): RedisConnectionError {
  const { code, message } = (typeof cause === 'object' && cause !== null ? cause : {}) as ErrorFields;
  const text = typeof message === 'string' ? message : String(cause);
  if (/^WRONGPASS|invalid password|invalid username-password/i.test(text))
    return new RedisConnectionError('authentication', `Redis at ${address}: authentication failed: check the user and password (in the URL, or PALISADE_REDIS_USERNAME and PALISADE_REDIS_PASSWORD)`, { cause });
  if (/^NOAUTH/i.test(text))
    return new RedisConnectionError('authentication', `Redis at ${address}: authentication failed: the server needs a password (in the URL, or PALISADE_REDIS_PASSWORD)`, { cause });
  if (/^NOPERM/i.test(text))
    return new RedisConnectionError('authentication', `Redis at ${address}: the user may not run the baseline's commands (${text.split('\n')[0]}): grant them in its ACL`, { cause });
  if (code === 'ECONNREFUSED') return new RedisConnectionError('refused', `cannot reach Redis at ${address}: connection refused: is Redis running there? (check --redis-url)`, { cause });
  if (code === 'ETIMEDOUT' || /ETIMEDOUT|timed? ?out/i.test(text))
    return new RedisConnectionError('timeout', `cannot reach Redis at ${address}: timed out: check --redis-url, and that no firewall drops the connection`, { cause });
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new RedisConnectionError('host', `cannot reach Redis at ${address}: the host name does not resolve (check --redis-url)`, { cause });
  return new RedisConnectionError('unavailable', `Redis at ${address}: ${text.split('\n')[0]} (check --redis-url)`, { cause });
}

/**
 * Fails unless database `database` exists on the server. ioredis selects the URL's database on
 * connect and, when SELECT fails, only emits an 'error' and goes on in database 0: `/99` on a
 * 16-database Redis wrote the baseline into database 0. `CONFIG GET databases` says how many there
 * are where CONFIG is allowed (managed Redis often refuses it); else SELECT's own reply decides.
 */
export async function checkRedisDatabase(client: Redis, address: string, database: number): Promise<void> {
  let count: number | undefined;
  try {
    const reply = (await client.config('GET', 'databases')) as unknown;
    const value = Array.isArray(reply) ? Number(reply[1]) : Number.NaN;
    if (Number.isInteger(value) && value > 0) count = value;
  } catch {
    count = undefined; // CONFIG refused or renamed: ask SELECT below
  }
  if (count !== undefined) {
    if (database >= count)
      throw new RedisConnectionError('database', `Redis at ${address}: database ${database}: this Redis has ${count} databases (0-${count - 1}): fix the /DB of --redis-url`);
    if (database === 0) return;
  }
  try {
    await client.select(database);
  } catch (error) {
    throw new RedisConnectionError('database', `Redis at ${address}: database ${database}: ${(error as Error).message.replace(/^ERR /, '')}: fix the /DB of --redis-url`, { cause: error });
  }
}

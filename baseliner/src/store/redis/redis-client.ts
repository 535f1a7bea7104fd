import type { Redis, RedisOptions } from 'ioredis';
import type { LuaScript } from './scripts.js';
import { BASELINE_SCRIPTS, luaSource } from './scripts.js';

/** One command of a round trip: a registered script or a plain command. */
export type RedisCall =
  | { readonly script: LuaScript; readonly keys: readonly string[]; readonly args: readonly (string | number)[] }
  | { readonly command: RedisCommandName; readonly args: readonly (string | number)[] };

/** The plain commands the baseline store uses, and no others. */
export type RedisCommandName = 'hgetall' | 'hset' | 'hsetnx' | 'hdel' | 'smembers' | 'sadd' | 'unlink';

/**
 * The narrow Redis interface the baseline store depends on (as BullMQ's `RedisClient`): one
 * round trip of commands and scripts, a command counter for metrics and benchmarks, and quit.
 * The ioredis adapter is {@link createBaselineRedis}; any fake implements this.
 */
export interface BaselineRedis {
  /**
   * Sends the calls in one pipeline and returns their replies in order.
   * @throws the first error, with the others discarded: callers only retry whole idempotent rounds.
   */
  round(calls: readonly RedisCall[]): Promise<unknown[]>;
  /** Commands sent so far (a pipeline of N calls counts N). */
  readonly commandsSent: number;
  /** Closes the connection after pending replies. */
  quit(): Promise<void>;
}

type Callable = Record<string, (...args: (string | number)[]) => unknown>;

/**
 * Wraps an ioredis client: registers the Lua scripts with `defineCommand` (EVALSHA, falling back
 * to EVAL after a restart flushed the script cache) and counts commands.
 */
export function createBaselineRedis(redis: Redis): BaselineRedis {
  for (const script of BASELINE_SCRIPTS) redis.defineCommand(script.name, { numberOfKeys: script.numberOfKeys, lua: luaSource(script) });
  let sent = 0;
  return {
    async round(calls) {
      if (calls.length === 0) return [];
      sent += calls.length;
      const pipeline = redis.pipeline();
      const target = pipeline as unknown as Callable;
      for (const call of calls) {
        if ('script' in call) (target[call.script.name] as Callable[string])(...call.keys, ...call.args);
        else (target[call.command] as Callable[string])(...call.args);
      }
      const replies = (await pipeline.exec()) ?? [];
      return replies.map(([error, reply]) => {
        if (error) throw error;
        return reply;
      });
    },
    get commandsSent() {
      return sent;
    },
    async quit() {
      await redis.quit();
    },
  };
}

/** ioredis options for a long-running service: reconnect forever, queue while reconnecting. */
export function serviceRedisOptions(overrides: RedisOptions = {}): RedisOptions {
  return {
    // Commands wait while Redis restarts instead of failing after 20 reconnects; the service's
    // retry policy and the stored offsets make a resent script harmless.
    maxRetriesPerRequest: null,
    retryStrategy: (attempt) => Math.min(100 * attempt, 2_000),
    enableAutoPipelining: false,
    ...overrides,
  };
}

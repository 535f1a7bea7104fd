import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { onTestFinished } from 'vitest';
import { runCommand } from './command.js';
import { freePort } from './local-servers.js';
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

/** A redis-server of one test's own (see {@link startPrivateRedis}). */
export interface PrivateRedis {
  readonly port: number;
  readonly url: string;
  /** kill -9 by its pid: no shutdown hook runs; the AOF keeps every write Redis acknowledged. */
  kill(): Promise<void>;
  /** Starts it again on the same data and resolves when it answers. */
  start(): Promise<void>;
}

/**
 * Starts a redis-server of the calling test's own on a free port, with the append-only file on, for
 * tests of a Redis outage: killing or restarting the shared one would break the tests beside it.
 * Shut down and its data deleted when the test finishes.
 */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'palisade-private-redis-'));
  const pidFile = join(dir, 'pid');
  const start = async (): Promise<void> => {
    const started = await runCommand('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '', '--dir', dir, '--daemonize', 'yes', '--pidfile', pidFile, '--logfile', join(dir, 'log')]);
    if (started.exitCode !== 0) throw new Error(`redis-server on port ${port} did not start: ${started.stderr.trim()}`);
    for (let attempt = 0; attempt < 200; attempt++) {
      if ((await runCommand('redis-cli', ['-p', String(port), 'ping'])).stdout.trim() === 'PONG') return;
      await sleep(50);
    }
    throw new Error(`redis-server on port ${port} did not answer within 10 s (log: ${join(dir, 'log')})`);
  };
  onTestFinished(async () => {
    await runCommand('redis-cli', ['-p', String(port), 'shutdown', 'nosave']);
    await rm(dir, { recursive: true, force: true });
  });
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    start,
    kill: async () => {
      process.kill(Number((await readFile(pidFile, 'utf8')).trim()), 'SIGKILL');
    },
  };
}

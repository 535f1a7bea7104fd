import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { palisade } from '../../../generator/src/cli/testing/cli-harness.js';
import { createTestRedis, freshRedisPrefix } from '../../helpers/redis.js';
import { readServiceEnv } from '../../helpers/service-env.js';

/**
 * Every way a Redis URL or connection can be wrong ends in one line that says which and what to
 * fix (issue 11, items 20, 25 and 6): exit 2 for what the user gave (URL, database, password),
 * exit 1 for a server that is not there, never a stack, never the password, never a class name
 * run into the message ("redisunavailable:").
 */

const redisAddress = () => new URL(readServiceEnv().redisUrl).host;

/** A port on 127.0.0.1 nothing listens on: bound, then closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A Redis user of this test's own with a password, deleted after the test. */
async function freshRedisUser(): Promise<{ name: string; password: string }> {
  const redis = createTestRedis();
  const user = { name: `palisade-test-${randomUUID()}`, password: randomUUID() };
  await redis.call('ACL', 'SETUSER', user.name, 'on', `>${user.password}`, '~*', '+@all');
  onTestFinished(async () => {
    await redis.call('ACL', 'DELUSER', user.name);
  });
  return user;
}

function expectOneLine(run: { stderr: string }): string {
  const lines = run.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(run.stderr).not.toMatch(/\n\s+at |TypeError|ReplyError|redisunavailable|baselinerservice|unexpected failure/);
  return lines[0] as string;
}

describe('Redis URLs and connections that are wrong', () => {
  it.each([
    ['a port that is not a number', 'redis://:s3cret-pw@127.0.0.1:notaport/13', /--redis: port "notaport" is not a number/],
    ['a database that is not a number', `redis://${'127.0.0.1:16379'}/abc`, /--redis: database "abc" is not a number/],
    ['no host', 'redis://:s3cret-pw@/0', /--redis: needs a host/],
    ['a URL that does not parse', 'redis://[::1/0', /--redis: is not a Redis URL/],
  ])('%s: exit 2, one line, no password', async (_label, url, message) => {
    for (const command of [['generate'], ['baseline', 'show'], ['apply', '--kubeconfig', '/nonexistent']]) {
      const run = await palisade([...command, '--redis', url]);
      expect(run.code, `${command.join(' ')}: ${run.stderr}`).toBe(2);
      expect(expectOneLine(run)).toMatch(message);
      expect(run.stderr).not.toContain('s3cret-pw');
    }
  });

  it('a wrong password: exit 2, "authentication failed", the password never printed', async () => {
    const user = await freshRedisUser();
    const run = await palisade(['baseline', 'show', '--redis-url', `redis://${user.name}:wrong-${user.password}@${redisAddress()}`]);
    expect(run.code).toBe(2);
    expect(expectOneLine(run)).toMatch(new RegExp(`^palisade: Redis at ${redisAddress()}: authentication failed`));
    expect(run.stderr).not.toContain(user.password);
  });

  it('the right password works', async () => {
    const user = await freshRedisUser();
    const prefix = freshRedisPrefix(createTestRedis());
    const run = await palisade(['baseline', 'show', '--redis-url', `redis://${user.name}:${user.password}@${redisAddress()}`, '--redis-prefix', prefix]);
    expect([run.code, run.stderr]).toEqual([0, '']);
  });

  it('connection refused: exit 1, one line that says so and what to check', async () => {
    const port = await closedPort();
    const run = await palisade(['baseline', 'show', '--redis-url', `redis://127.0.0.1:${port}`]);
    expect(run.code).toBe(1);
    expect(expectOneLine(run)).toMatch(new RegExp(`^palisade: cannot reach Redis at 127.0.0.1:${port}: connection refused`));
  });

  it('a database the server does not have (16 by default): exit 2 before anything is written', async () => {
    const redis = createTestRedis();
    const prefix = freshRedisPrefix(redis);
    const run = await palisade(['baseline', 'lock', '--namespace', 'shop', '--redis-url', `${readServiceEnv().redisUrl}/99`, '--redis-prefix', prefix]);
    expect(run.code).toBe(2);
    expect(expectOneLine(run)).toMatch(/database 99: this Redis has 16 databases \(0-15\)/);
    const [, keys] = await redis.scan('0', 'MATCH', `${prefix}*`, 'COUNT', 1000);
    expect(keys).toEqual([]);
  });

  it('the last database there is (15) works', async () => {
    const prefix = freshRedisPrefix(createTestRedis());
    const run = await palisade(['baseline', 'show', '--redis-url', `${readServiceEnv().redisUrl}/15`, '--redis-prefix', prefix]);
    expect([run.code, run.stderr]).toEqual([0, '']);
  });
});

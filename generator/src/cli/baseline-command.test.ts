import { describe, expect, it } from 'vitest';
import { palisade } from './testing/cli-harness.js';

const REDIS = ['--redis-url', 'redis://127.0.0.1:1'];

describe('palisade baseline: bad flags fail before touching Redis (exit 2)', () => {
  it.each([
    [['baseline', 'lock', ...REDIS], 'palisade: needs exactly one of --namespace NS or --workload NS/KIND/NAME\n'],
    [['baseline', 'lock', '--namespace', 'shop', '--workload', 'shop/Deployment/api', ...REDIS], 'palisade: needs exactly one of --namespace NS or --workload NS/KIND/NAME\n'],
    [['baseline', 'lock', '--namespace', 'Shop!', ...REDIS], 'palisade: --namespace "Shop!": is not a namespace name\n'],
    [['baseline', 'unlock', '--workload', 'shop/api', ...REDIS], 'palisade: --workload "shop/api": must be NAMESPACE/KIND/NAME, for example shop/Deployment/api\n'],
    [['baseline', 'show', '--workload', 'api', ...REDIS], 'palisade: --workload "api": must be NAMESPACE/KIND/NAME, for example shop/Deployment/api\n'],
    [['baseline', 'refresh', '--retention', 'fortnight', ...REDIS], 'palisade: --retention "fortnight": is not a duration (for example 14d, 36h)\n'],
    [['baseline', 'show', '--redis-url', 'localhost:6379'], 'palisade: --redis-url: is not a Redis URL: redis://HOST[:PORT][/DB] (rediss:// for TLS)\n'],
    [['generate', '--flows', 'x.json', '--redis', 'redis://127.0.0.1:1'], 'palisade: --redis: reads the baseline from Redis; drop --flows, or drop --redis to fold the files\n'],
  ])('palisade %j', async (args, message) => {
    const run = await palisade(args);
    expect(run.stderr).toBe(message);
    expect(run.code).toBe(2);
  });

  it('lists its subcommands in --help', async () => {
    const run = await palisade(['baseline', '--help']);
    expect(run.code).toBe(0);
    for (const name of ['run', 'show', 'lock', 'unlock', 'approve', 'refresh']) expect(run.stdout).toMatch(new RegExp(`\\n  ${name} `));
  });

  it('fails with one line when Redis cannot be reached', async () => {
    const run = await palisade(['baseline', 'show', ...REDIS]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^palisade: cannot reach Redis at 127\.0\.0\.1:1: connection refused: .*\(check --redis-url\)\n$/);
  });
});

describe('palisade baseline: unknown flags', () => {
  it('end in one line and exit 2, never process.exit', async () => {
    const run = await palisade(['baseline', 'lock', '--bogus']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^palisade: unknown option '--bogus'/);
  });
});

describe('palisade baseline run', () => {
  it('fails with one line naming Redis when it cannot connect', async () => {
    const run = await palisade(['baseline', 'run', '--kafka-brokers', '127.0.0.1:1', '--redis-url', 'redis://127.0.0.1:1'], '');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^palisade: cannot reach Redis at 127\.0\.0\.1:1: connection refused: .*\(check --redis-url\)\n$/);
  }, 30_000);
});

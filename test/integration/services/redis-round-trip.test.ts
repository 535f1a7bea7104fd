import { describe, expect, it } from 'vitest';
import { createTestRedis, freshRedisPrefix } from '../../helpers/redis.js';

// Adds a count to an edge and records when it was last seen, in one step: no reader ever sees the
// count without the matching timestamp. KEYS[1] = counts hash, KEYS[2] = last-seen sorted set.
const RECORD_EDGE = `
local total = redis.call('HINCRBY', KEYS[1], ARGV[1], tonumber(ARGV[2]))
redis.call('ZADD', KEYS[2], 'GT', tonumber(ARGV[3]), ARGV[1])
return total
`;

describe('Redis round trip (real server)', () => {
  it('runs a Lua script atomically on keys under the test prefix', async () => {
    const redis = createTestRedis();
    const prefix = freshRedisPrefix(redis);
    const counts = `${prefix}edges:count`;
    const lastSeen = `${prefix}edges:last-seen`;
    const sha = String(await redis.script('LOAD', RECORD_EDGE));
    expect(sha).toMatch(/^[0-9a-f]{40}$/);

    expect(await redis.evalsha(sha, 2, counts, lastSeen, 'web->db:5432', 3, 1000)).toBe(3);
    expect(await redis.evalsha(sha, 2, counts, lastSeen, 'web->db:5432', 2, 900)).toBe(5);

    expect(await redis.hget(counts, 'web->db:5432')).toBe('5');
    // ZADD GT kept the later timestamp although the second call carried an earlier one.
    expect(await redis.zscore(lastSeen, 'web->db:5432')).toBe('1000');
  });

  it('sends a pipeline in one round trip and answers each command in order', async () => {
    const redis = createTestRedis();
    const prefix = freshRedisPrefix(redis);
    const results = await redis
      .pipeline()
      .set(`${prefix}a`, '1')
      .incrby(`${prefix}a`, 41)
      .rpush(`${prefix}list`, 'x', 'y')
      .lrange(`${prefix}list`, 0, -1)
      .exec();

    expect(results).toEqual([
      [null, 'OK'],
      [null, 42],
      [null, 2],
      [null, ['x', 'y']],
    ]);
    expect(await redis.keys(`${prefix}*`)).toHaveLength(2);
  });
});

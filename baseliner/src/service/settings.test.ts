import { describe, expect, it } from 'vitest';
import { parseBaselinerSettings } from './settings.js';

const env = { PALISADE_KAFKA_BROKERS: 'kafka:9092', PALISADE_REDIS_URL: 'redis://redis:6379' };

describe('parseBaselinerSettings', () => {
  it('applies defaults and lets flags win over the environment', () => {
    const settings = parseBaselinerSettings({ ...env, PALISADE_BASELINER_GROUP: 'from-env' }, { group: 'from-flag', flushFlows: '500' });
    expect(settings).toMatchObject({ group: 'from-flag', flowsTopic: 'palisade.flows.v1', flushFlows: 500, flushIntervalMs: 5_000, redis: { prefix: 'palisade:', tls: false } });
    expect(Object.isFrozen(settings)).toBe(true);
  });

  it.each([
    ['no brokers', { PALISADE_REDIS_URL: 'redis://r:1' }, {}, /^--kafka-brokers: needs --kafka-brokers/],
    ['no Redis', { PALISADE_KAFKA_BROKERS: 'k:1' }, {}, /^--redis-url: needs --redis-url/],
    ['a Redis URL without scheme', env, { redisUrl: 'redis:6379' }, /^--redis-url: is not a Redis URL: redis:\/\//],
    ['a flush size that is not a number', env, { flushFlows: 'lots' }, /^--flush-flows: /],
    ['SASL without a password', { ...env, PALISADE_KAFKA_SASL_MECHANISM: 'plain', PALISADE_KAFKA_SASL_USERNAME: 'u' }, {}, /SASL plain needs a username and a password/],
  ])('names the setting to fix for %s', (_label, environment, flags, message) => {
    expect(() => parseBaselinerSettings(environment, flags)).toThrow(message);
  });

  it('reads Redis AUTH and TLS from the environment', () => {
    const settings = parseBaselinerSettings({ ...env, PALISADE_REDIS_PASSWORD: 's3cret', PALISADE_REDIS_TLS: 'true' });
    expect(settings.redis).toMatchObject({ password: 's3cret', tls: true });
  });
});

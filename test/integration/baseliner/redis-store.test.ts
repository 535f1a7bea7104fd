import { openRedisBaselineStore } from '@palisade/baseliner/redis';
import { describeBaselineStoreContract } from '../../../baseliner/src/store/testing/baseline-store-contract.js';
import { onTestFinished } from 'vitest';
import { createTestRedis, freshRedisPrefix } from '../../helpers/redis.js';
import { readServiceEnv } from '../../helpers/service-env.js';

// The same contract the memory store passes, against the real Redis, a fresh key prefix per test.
describeBaselineStoreContract('redis', async () => {
  const prefix = freshRedisPrefix(createTestRedis());
  const opened = await openRedisBaselineStore({ url: readServiceEnv().redisUrl, prefix, tls: false }, { maxRetriesPerRequest: 1 });
  onTestFinished(() => opened.close());
  return opened.store;
});

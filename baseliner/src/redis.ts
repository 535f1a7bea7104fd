/** `@palisade/baseliner/redis`: the Redis baseline store, its keys, scripts, client and settings. */
export * from './store/redis/redis-keys.js';
export * from './store/redis/redis-client.js';
export * from './store/redis/redis-store.js';
export * from './store/redis/redis-settings.js';
export * from './store/redis/redis-url.js';
export * from './store/redis/redis-connection.js';

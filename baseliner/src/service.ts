/** `@palisade/baseliner/service`: the Kafka → Redis consumer service (`palisade baseline run`). */
export * from './service/logger.js';
export * from './service/flow-consumer.js';
export * from './service/metrics.js';
export * from './service/baseliner.js';
export * from './service/settings.js';
export * from './service/main.js';

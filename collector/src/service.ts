/** `@palisade/collector/service`: the `collect` service (configuration, metrics, the live cluster watch, main). */
export * from './service/collect-config.js';
export * from './service/collect-metrics.js';
export * from './service/collect-service.js';
export * from './service/metrics-server.js';
export * from './service/cluster-informers.js';
export * from './service/collect-main.js';

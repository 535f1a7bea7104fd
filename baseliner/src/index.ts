/**
 * `@palisade/baseliner`: the pure core. Peers and edges, the order-independent fold, locks and
 * retention, the `BaselineStore` interface with its in-memory implementation and the batch
 * aggregator. Redis lives behind `@palisade/baseliner/redis`, the Kafka consumer service behind `/service`.
 */
export * from './errors.js';
export * from './model/peer.js';
export * from './model/edge.js';
export * from './model/baseline.js';
export * from './model/edge-fold.js';
export * from './model/edge-codec.js';
export * from './model/lock.js';
export * from './model/retention.js';
export * from './store/baseline-store.js';
export * from './store/owner-updates.js';
export * from './store/result-order.js';
export * from './store/memory-store.js';
export * from './store/batch-aggregator.js';

export * from './peer.js';
export * from './edge.js';
export * from './baseline.js';
export * from './edge-fold.js';
export * from './baseline-store.js';
export * from './memory-store.js';

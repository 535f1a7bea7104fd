export * from './flow.js';
export * from './kubernetes-names.js';
export * from './cluster-state.js';
export * from './adapter.js';

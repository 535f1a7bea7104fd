/** `@palisade/generator/cluster`: reading cluster state and server-side applying policies through the Kubernetes API. */
export * from './cluster/cluster-api.js';
export * from './cluster/cluster-read.js';
export * from './cluster/kubernetes-client.js';
export * from './cluster/policy-manifest.js';
export * from './cluster/apply-plan.js';
export * from './cluster/apply-run.js';

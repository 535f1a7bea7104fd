/**
 * `@palisade/generator`: the pure core. Policy synthesis, the exact NetworkPolicy evaluator,
 * verification and semantic diff, and the renderers. Nothing here loads a network client: cluster
 * I/O lives behind `@palisade/generator/cluster`, the `palisade` CLI in `cli/`.
 */
export * from './errors.js';
export * from './evaluator/label-selector.js';
export * from './evaluator/ip-block.js';
export * from './evaluator/port-match.js';
export * from './evaluator/compiled-selector.js';
export * from './evaluator/policy-model.js';
export * from './evaluator/evaluator.js';
export * from './evaluator/flow-endpoint.js';
export * from './evaluator/workload-pairs.js';
export * from './evaluator/model-inputs.js';
export * from './evaluator/ingress-peers.js';
export * from './synthesis/synthesis-options.js';
export * from './synthesis/synthesis-result.js';
export * from './synthesis/policy-synthesis.js';
export * from './synthesis/policy-name.js';
export * from './synthesis/unstable-labels.js';
export * from './verify/verify.js';
export * from './verify/object-diff.js';
export * from './verify/semantic-diff.js';
export * from './verify/self-verification.js';
export * from './render/policy-yaml.js';
export * from './render/generate-report.js';
export * from './render/report-markdown.js';
export * from './render/diff-render.js';

/**
 * `@palisade/collector`: the pure core. The Flow contract, identity resolution, the format
 * adapters and the pipeline that runs them, the flow-sink interface with its in-memory
 * implementation, and the embedded ingest (`generate --flows`: a file source, the pipeline, the
 * memory sink, through the loop `collect` runs too). Nothing here loads a network client: Kafka
 * lives behind `@palisade/collector/kafka`, the other sources behind `/sources`, the `collect`
 * service behind `/service`.
 */
export * from './errors.js';
export * from './zod-message.js';
export * from './env-boolean.js';
export * from './secret-redaction.js';
export * from './retry.js';
export * from './flow/flow.js';
export * from './flow/kubernetes-names.js';
export * from './identity/cluster-state.js';
export * from './identity/workload-inference.js';
export * from './identity/identity-resolver.js';
export * from './identity/cluster-watch.js';
export * from './adapters/adapter.js';
export * from './adapters/connection-tracker.js';
export * from './adapters/ip-endpoint.js';
export * from './adapters/hubble/cilium-labels.js';
export * from './adapters/hubble/learned-identities.js';
export * from './adapters/hubble/hubble-record.js';
export * from './adapters/hubble/hubble.js';
export * from './adapters/calico/calico.js';
export * from './adapters/aws-vpc-cni/aws-vpc-cni.js';
export * from './adapters/antrea/antrea.js';
export * from './adapters/netobserv/netobserv.js';
export * from './adapters/format-detectors.js';
export * from './adapters/format-detect.js';
export * from './pipeline/records.js';
export * from './pipeline/flow-stream.js';
export * from './pipeline/record-times.js';
export * from './pipeline/ingest-report.js';
export * from './sinks/sink.js';
export * from './sinks/memory-sink.js';
export * from './sinks/kafka/flow-topics.js';
export * from './service/record-pump.js';
export * from './service/embedded-ingest.js';

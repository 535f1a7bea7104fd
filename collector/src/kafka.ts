/** `@palisade/collector/kafka`: the Kafka flow sink, dead-letter topic, topic setup and the Kafka record source. */
export * from './sinks/kafka/kafka-settings.js';
export * from './sinks/kafka/topic-setup.js';
export * from './sinks/kafka/dead-letter-sink.js';
export * from './sinks/kafka/flow-sink.js';
export * from './sources/kafka-source.js';

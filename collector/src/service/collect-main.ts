import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { Readable } from 'node:stream';
import { KubeConfig } from '@kubernetes/client-node';
import { loadAll } from 'js-yaml';
import { Kafka, logLevel as KafkaLogLevel, Partitioners, type logCreator } from 'kafkajs';
import { destination, pino, type Logger } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { createIdentityResolver, type IdentityResolver } from '../identity/identity-resolver.js';
import { clusterStateFromObjects } from '../identity/cluster-state.js';
import { kubernetesInformers } from './cluster-informers.js';
import { ClusterWatch } from '../identity/cluster-watch.js';
import type { CollectConfig } from './collect-config.js';
import { createCollectMetrics } from './collect-metrics.js';
import { CollectService, type CollectSummary } from './collect-service.js';
import { CollectConfigError } from '../errors.js';
import { redactingDestination } from '../secret-redaction.js';
import { FlowStream, type AdapterFactory } from '../pipeline/flow-stream.js';
import { describeKafkaSettings, kafkaClientConfig } from '../sinks/kafka/kafka-settings.js';
import { KafkaFlowSink } from '../sinks/kafka/flow-sink.js';
import { ensureTopics } from '../sinks/kafka/topic-setup.js';
import { createMetricsServer, listen } from './metrics-server.js';
import { FollowSource } from '../sources/follow-source.js';
import { KafkaSource } from '../sources/kafka-source.js';
import type { RecordSource } from '../sources/record-source.js';
import { StreamSource } from '../sources/stream-source.js';
import { checkSource } from '../sources/source-check.js';

/**
 * The one place where the `collect` service meets real clients: Kafka (kafkajs), Kubernetes
 * (client-node), the HTTP server, pino and the process's signals. Everything else receives them
 * as options.
 */

/** Options of {@link startCollect}. */
export interface StartCollectOptions {
  readonly config: CollectConfig;
  /** The stream `stdin` stands for. @default process.stdin */
  readonly stdin?: Readable;
  /** @default a pino logger on stderr at `config.logLevel` */
  readonly logger?: Logger;
  /** @default a new registry with Node's default metrics */
  readonly registry?: Registry;
  /** Stop on SIGTERM and SIGINT. @default true */
  readonly handleSignals?: boolean;
  /** Adapters for `FlowStream` (the default covers the formats this build has). */
  readonly adapterFor?: AdapterFactory;
}

/** A running collector. */
export interface RunningCollect {
  /** Settles when the service has stopped and flushed. */
  readonly done: Promise<CollectSummary>;
  /** The port `/metrics` and `/healthz` listen on. */
  readonly metricsPort: number;
  /** Stops reading; `done` settles after the flush. */
  stop(): void;
  readonly service: CollectService;
  /** The identity lookups the adapters use (live when watching the cluster), if any. */
  readonly resolver: IdentityResolver | undefined;
}

/**
 * Starts the service: topics, producer, cluster identity, source, HTTP endpoints, signals.
 * @throws KafkaSinkError, CollectConfigError or SourceError when start-up fails; nothing is left running then.
 */
export async function startCollect(options: StartCollectOptions): Promise<RunningCollect> {
  const { config } = options;
  const logger = options.logger ?? pino({ name: 'palisade-collect', level: config.logLevel }, redactingDestination(destination(2)));
  const registry = options.registry ?? withDefaultMetrics(new Registry());
  const kafka = new Kafka({ ...kafkaClientConfig(config.kafka), logCreator: kafkaLogs(logger) });
  logger.info({ kafka: describeKafkaSettings(config.kafka), topic: config.topic, deadLetterTopic: config.deadLetterTopic }, 'collect: starting');

  const cleanups: (() => Promise<unknown>)[] = [];
  const cleanUp = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => logger.warn({ err: error }, 'collect: error while cleaning up'));
  };
  try {
    // What cannot get better by waiting is checked before anything is created or started: the
    // source, then the metrics port (a port in use used to fail after the topics were made).
    await checkSource(config.source);
    let serviceRef: CollectService | undefined;
    const server = createMetricsServer({ registry, healthy: () => serviceRef?.healthy ?? false });
    const metricsPort = await listenForMetrics(server, config.metricsPort);
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    logger.info({ metricsPort }, 'collect: /metrics and /healthz listening');

    if (config.createTopics) {
      const results = await ensureTopics(kafka.admin(), [
        { topic: config.topic, partitions: config.partitions, replicationFactor: config.replicationFactor },
        { topic: config.deadLetterTopic, partitions: config.partitions, replicationFactor: config.replicationFactor },
      ]);
      for (const result of results) (result.warning ? logger.warn.bind(logger) : logger.info.bind(logger))(result, result.warning ?? 'collect: topic ready');
    }

    let sinkRef: KafkaFlowSink | undefined;
    const metrics = createCollectMetrics(registry, () => sinkRef?.bufferedMessages ?? 0);
    // Idempotent with one request in flight: KafkaJS's retries after a lost acknowledgement then
    // cannot write a batch twice or reorder a partition (its docs: "Experimental. If enabled producer
    // will ensure each message is written exactly once. Acks must be set to -1").
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Java's murmur2 partitioner, so keys land where Java clients (and the baseliner) expect them.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    const sink = new KafkaFlowSink({
      producer,
      topics: { flows: config.topic, deadLetters: config.deadLetterTopic },
      batchSize: config.batchSize,
      lingerMs: config.lingerMs,
      maxBufferedMessages: config.maxBufferedMessages,
      maxBatchMessages: config.maxBatchMessages,
      onBatch: () => metrics.sinkBatches.inc(),
      onRetry: (error, attempt) => {
        metrics.sinkRetries.inc();
        logger.warn({ err: error, attempt }, 'collect: Kafka batch failed; retrying');
      },
    });
    sinkRef = sink;
    await sink.connect();
    cleanups.push(() => producer.disconnect());

    const resolver = await clusterIdentity(config, logger, cleanups);
    const source = createSource(config, kafka, options.stdin, logger);
    const stream = new FlowStream({ format: config.format, ...(resolver ? { resolver } : {}), ...(options.adapterFor ? { adapterFor: options.adapterFor } : {}) });
    const service = new CollectService({ source, sink, stream, metrics, logger, checkpointIntervalMs: config.checkpointIntervalMs });
    serviceRef = service;

    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals++;
      if (signals === 1) {
        logger.info({ signal }, 'collect: stopping; flushing what was read');
        service.stop();
      } else {
        // A second signal means the operator will not wait for the flush (Kafka may be down).
        logger.warn({ signal }, 'collect: second signal; exiting without flushing');
        process.exit(130);
      }
    };
    if (options.handleSignals ?? true) {
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
      cleanups.push(async () => {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
      });
    }

    const done = service.run().finally(cleanUp);
    return { done, metricsPort, stop: () => service.stop(), service, resolver };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/** Listens for `/metrics`; a port taken or forbidden is the user's to fix, in one line. */
async function listenForMetrics(server: Server, port: number): Promise<number> {
  try {
    return await listen(server, port);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new CollectConfigError(`--metrics-port ${port}: the port is already in use (EADDRINUSE): stop what listens there, or pick another with --metrics-port or PALISADE_METRICS_PORT (0 picks a free one)`, { cause: error });
    if (code === 'EACCES')
      throw new CollectConfigError(`--metrics-port ${port}: this process may not listen on it (EACCES): pick a port above 1023 with --metrics-port or PALISADE_METRICS_PORT`, { cause: error });
    throw error;
  }
}

function withDefaultMetrics(registry: Registry): Registry {
  collectDefaultMetrics({ register: registry });
  return registry;
}

async function clusterIdentity(config: CollectConfig, logger: Logger, cleanups: (() => Promise<unknown>)[]): Promise<IdentityResolver | undefined> {
  if (config.cluster !== undefined) {
    let text: string;
    try {
      text = await readFile(config.cluster, 'utf8');
    } catch (error) {
      throw new CollectConfigError(`--cluster ${config.cluster}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { cause: error });
    }
    return createIdentityResolver(clusterStateFromObjects(loadAll(text)));
  }
  if (config.kubeconfig === undefined && !config.inCluster) return undefined;
  const kubeConfig = new KubeConfig();
  if (config.kubeconfig !== undefined) kubeConfig.loadFromFile(config.kubeconfig);
  else kubeConfig.loadFromCluster();
  const watch = new ClusterWatch({
    informers: kubernetesInformers(kubeConfig),
    onError: (error, kind) => logger.warn({ err: error, kind }, 'collect: cluster watch error; it restarts'),
  });
  await watch.start();
  cleanups.push(() => watch.stop());
  logger.info({ objects: watch.counts }, 'collect: watching the cluster for identities');
  return watch.resolver;
}

function createSource(config: CollectConfig, kafka: Kafka, stdin: Readable | undefined, logger: Logger): RecordSource {
  const spec = config.source;
  switch (spec.kind) {
    case 'file':
      return new StreamSource(`file:${spec.path}`, spec.path);
    case 'stdin':
      return new StreamSource('stdin', '-', stdin ?? process.stdin);
    case 'follow':
      return new FollowSource({
        path: spec.path,
        stateDir: config.stateDir,
        pollIntervalMs: config.pollIntervalMs,
        onEvent: (event) => (event.kind === 'warning' ? logger.warn(event, 'collect: follow') : logger.info(event, 'collect: follow')),
      });
    case 'kafka':
      return new KafkaSource({ topic: spec.topic, consumer: kafka.consumer({ groupId: config.sourceGroup }) });
  }
}

/** KafkaJS's log lines through pino, at matching levels. */
function kafkaLogs(logger: Logger): logCreator {
  return () =>
    ({ level, log }) => {
      const { message, ...extra } = log;
      const child = { ...extra, component: 'kafkajs' };
      if (level === KafkaLogLevel.ERROR) logger.error(child, message);
      else if (level === KafkaLogLevel.WARN) logger.warn(child, message);
      else if (level === KafkaLogLevel.INFO) logger.debug(child, message);
      else logger.trace(child, message);
    };
}

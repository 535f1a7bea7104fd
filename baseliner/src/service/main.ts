import { Kafka, logLevel } from 'kafkajs';
import { destination, pino } from 'pino';
import { isRetriable, redactingDestination } from '@palisade/collector';
import { describeKafkaSettings, kafkaClientConfig } from '@palisade/collector/kafka';
import { BaselinerKafkaError, BaselineStoreError } from '../errors.js';
import { describeRedisSettings, openRedisBaselineStore } from '../store/redis/redis-settings.js';
import { createBaseliner } from './baseliner.js';
import { createKafkaFlowConsumer, createKafkaRecordSink } from './flow-consumer.js';
import type { BaselinerLogger } from './logger.js';
import { createPromMetrics, serveMetrics } from './metrics.js';
import type { BaselinerSettings } from './settings.js';

/** Where the service gets its signals; tests pass an EventEmitter. */
export interface SignalSource {
  once(signal: 'SIGTERM' | 'SIGINT', listener: () => void): unknown;
}

/**
 * The baseliner's main: the one place its clients are created. Runs until SIGTERM or SIGINT,
 * then stops consuming, flushes, commits, disconnects and resolves.
 */
export async function runBaselinerService(
  settings: BaselinerSettings,
  dependencies: { readonly logger?: BaselinerLogger; readonly signals?: SignalSource; readonly onStarted?: () => void } = {},
): Promise<void> {
  const logger: BaselinerLogger = dependencies.logger ?? pino({ level: settings.logLevel, base: { service: 'palisade-baseliner' } }, redactingDestination(destination(2)));
  logger.info({ kafka: describeKafkaSettings(settings.kafka), redis: describeRedisSettings(settings.redis), group: settings.group }, 'starting');
  const kafka = new Kafka({ ...kafkaClientConfig(settings.kafka), logLevel: logLevel.WARN, retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 5_000 } });
  const opened = await openRedisBaselineStore(settings.redis).catch((error: unknown) => {
    throw new BaselineStoreError('connect', `Redis at ${new URL(settings.redis.url).host}: ${(error as Error).message}`, { cause: error, retriable: true });
  });
  const { metrics, registry } = createPromMetrics();
  const baseliner = createBaseliner({
    store: opened.store,
    consumer: createKafkaFlowConsumer(kafka, {
      groupId: settings.group,
      topic: settings.flowsTopic,
      fromBeginning: settings.fromBeginning,
      sessionTimeout: settings.sessionTimeoutMs,
      heartbeatInterval: settings.heartbeatIntervalMs,
      rebalanceTimeout: settings.rebalanceTimeoutMs,
    }),
    producer: createKafkaRecordSink(kafka),
    topics: { flows: settings.flowsTopic, deadLetters: settings.deadLetterTopic, anomalies: settings.anomaliesTopic },
    clock: Date.now,
    logger,
    metrics,
    flush: { maxFlows: settings.flushFlows, maxAgeMs: settings.flushIntervalMs },
    unhealthyAfterMs: settings.unhealthyAfterMs,
    commandsSent: () => opened.redis.commandsSent,
  });
  const server = settings.metricsPort === undefined ? undefined : await serveMetrics(registry, baseliner.healthy, settings.metricsPort);
  const stopped = new Promise<void>((resolve, reject) => {
    const stop = () => {
      logger.info({}, 'stopping');
      baseliner
        .stop()
        .then(() => opened.close())
        .then(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())))
        .then(resolve, reject);
    };
    const signals = dependencies.signals ?? process;
    signals.once('SIGTERM', stop);
    signals.once('SIGINT', stop);
  });
  try {
    await baseliner.start();
  } catch (error) {
    await opened.close().catch(() => undefined);
    await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
    throw new BaselinerKafkaError(`could not start consuming ${settings.flowsTopic}: ${(error as Error).message}`, { topic: settings.flowsTopic }, { cause: error, retriable: isRetriable(error) });
  }
  dependencies.onStarted?.();
  await stopped;
}

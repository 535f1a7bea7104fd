import type { FlowTopics, RetryPolicy } from '@palisade/collector';
import { DEAD_LETTER_HEADERS, decodeFlow, withRetries } from '@palisade/collector';
import type { Anomaly, BaselineStore } from '../store/baseline-store.js';
import type { PendingUpdate } from '../store/batch-aggregator.js';
import { BatchAggregator } from '../store/batch-aggregator.js';
import { edgeKey } from '../model/edge.js';
import type { BaselinerLogger } from './logger.js';
import type { BaselinerMetrics } from './metrics.js';
import { NO_METRICS } from './metrics.js';
import type { ConsumedBatch, FlowConsumer, OutgoingRecord, RecordSink } from './flow-consumer.js';

/** When pre-aggregated updates go to the store. */
export interface FlushPolicy {
  /** Flush once this many flows are folded. @default 100000 */
  readonly maxFlows: number;
  /** Flush once the oldest unflushed flow is this old (ms). @default 5000 */
  readonly maxAgeMs: number;
}

/**
 * The default flush policy: at ~30k flows/s a flush every ~3 s of about 100k flows, which costs
 * about one script call per owner, so ~0.01 Redis commands per flow (R5). A baseline is judged
 * over days (rule 16): seconds of delay in Redis cost nothing.
 */
export const DEFAULT_FLUSH_POLICY: FlushPolicy = Object.freeze({ maxFlows: 100_000, maxAgeMs: 5_000 });

/** Dependencies and settings of {@link createBaseliner}. */
export interface BaselinerOptions {
  readonly store: BaselineStore;
  readonly consumer: FlowConsumer;
  /** Receives dead letters and anomalies. */
  readonly producer: RecordSink;
  readonly topics: FlowTopics;
  /** Epoch ms; tests pass a fake. */
  readonly clock: () => number;
  readonly logger: BaselinerLogger;
  readonly metrics?: BaselinerMetrics;
  /** @default DEFAULT_FLUSH_POLICY */
  readonly flush?: FlushPolicy;
  /** Retries of store and Kafka calls. @default DEFAULT_RETRY_POLICY */
  readonly retry?: RetryPolicy;
  /** Redis commands sent so far, for the per-flush metric (see `BaselineRedis.commandsSent`). */
  readonly commandsSent?: () => number;
}

/** A running baseliner. */
export interface Baseliner {
  /** Joins the group and starts consuming. */
  start(): Promise<void>;
  /** Writes everything consumed so far to the store, records offsets and commits. */
  flush(): Promise<void>;
  /** Stops consuming, flushes, commits and leaves the group. Idempotent. */
  stop(): Promise<void>;
  /** True between start and stop, while the last store write did not fail. */
  healthy(): boolean;
}

/**
 * The baseliner service: Kafka flows → pre-aggregation → one atomic Lua upsert per owner with the
 * partition offset → commit. Exactly once in effect: an update whose offsets the store already
 * holds changes nothing, so crashes, rebalances and restarts only cost re-reading.
 *
 * Batches and flushes run one at a time (a promise chain): the flush reads the aggregator while
 * no batch writes to it.
 */
export function createBaseliner(options: BaselinerOptions): Baseliner {
  const { store, consumer, producer, topics, clock, logger } = options;
  const metrics = options.metrics ?? NO_METRICS;
  const policy = options.flush ?? DEFAULT_FLUSH_POLICY;
  let aggregator = new BatchAggregator();
  let oldest: number | undefined;
  let chain: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let stopping = false;
  let storeHealthy = true;
  /** Per topic, per partition: the next offset this process last recorded in the store. */
  const recorded = new Map<string, Map<number, number>>();

  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const result = chain.then(task);
    chain = result.catch(() => undefined);
    return result;
  };
  const retrying = <T>(what: string, operation: () => Promise<T>) =>
    withRetries(operation, {
      ...(options.retry ? { policy: options.retry } : {}),
      onRetry: (error, attempt) => {
        storeHealthy = false;
        logger.warn({ err: error, attempt }, `${what} failed, retrying`);
      },
    }).then((value) => {
      storeHealthy = true;
      return value;
    });

  async function onBatch(batch: ConsumedBatch): Promise<void> {
    await serial(async () => {
      const deadLetters: OutgoingRecord[] = [];
      for (const message of batch.messages) {
        const position = { topic: batch.topic, partition: batch.partition, offset: Number(message.offset) };
        const decoded = decodeFlow(message.value);
        if (decoded.ok) aggregator.add(decoded.flow, position, message.value ?? undefined);
        else if (aggregator.skip(position)) {
          // A poison message is parked, never retried: the partition moves on.
          deadLetters.push({
            key: message.key,
            value: message.value,
            headers: { [DEAD_LETTER_HEADERS.reason]: decoded.reason, [DEAD_LETTER_HEADERS.source]: `${batch.topic}/${batch.partition}@${message.offset}` },
          });
        }
      }
      oldest ??= clock();
      if (deadLetters.length > 0) {
        await retrying('dead-letter send', () => producer.send(topics.deadLetters, deadLetters));
        metrics.deadLetters(deadLetters.length);
      }
      const last = batch.messages[batch.messages.length - 1];
      metrics.batch(batch.topic, batch.partition, batch.messages.length, last ? Math.max(0, Number(batch.highWatermark) - Number(last.offset) - 1) : 0);
      if (aggregator.flowCount >= policy.maxFlows || clock() - oldest >= policy.maxAgeMs) {
        await batch.heartbeat();
        await flushNow();
      }
    });
  }

  async function flushNow(): Promise<void> {
    if (aggregator.isEmpty) return;
    if (await storeLostWrites()) return;
    const commandsBefore = options.commandsSent?.() ?? 0;
    const locks = await retrying('reading locks', () => store.locks());
    let pending: PendingUpdate[] = aggregator.updates(locks);
    const owners = pending.length;
    const anomalies: Anomaly[] = [];
    while (pending.length > 0) {
      const batch = pending;
      const outcomes = await retrying('baseline upsert', () => store.apply(batch.map((entry) => entry.update)));
      pending = batch.flatMap((entry, index) => {
        const outcome = outcomes[index];
        if (outcome?.status === 'applied') anomalies.push(...outcome.anomalies.map((edge) => ({ owner: entry.update.owner, edge })));
        // Another replica (before a rebalance) stored part of this range: send only the rest.
        const rest = outcome?.status === 'partial' ? entry.after(outcome.appliedThrough) : undefined;
        return rest ? [rest] : [];
      });
    }
    if (anomalies.length > 0) {
      // After the store: the anomalies list in Redis is the record; the topic is a notification.
      await retrying('anomaly send', () => producer.send(topics.anomalies, anomalies.map((anomaly) => anomalyRecord(anomaly, clock()))));
      metrics.anomalies(anomalies.length);
    }
    for (const [topic, offsets] of aggregator.nextOffsets()) {
      await retrying('recording offsets', () => store.recordPartitionOffsets(topic, offsets));
      const mine = recorded.get(topic) ?? new Map<number, number>();
      for (const [partition, offset] of offsets) mine.set(partition, Math.max(mine.get(partition) ?? 0, offset));
      recorded.set(topic, mine);
      try {
        await consumer.commit(topic, offsets);
      } catch (error) {
        // Redis holds the offsets that count; the group's are a hint (lost after a rebalance).
        logger.debug({ err: error, topic }, 'group offset commit failed');
      }
    }
    metrics.flush(aggregator.flowCount, owners, (options.commandsSent?.() ?? 0) - commandsBefore);
    logger.debug({ flows: aggregator.flowCount, owners, anomalies: anomalies.length }, 'flushed');
    aggregator.drain();
    oldest = undefined;
  }

  /**
   * A Redis that crashed without persisting its last writes (AOF `everysec`) comes back with
   * partition offsets below the ones this process recorded; the consumer, far ahead in memory,
   * would never re-read what was lost. Offsets only ever rise otherwise, so a lower one means
   * loss: drop what is pending (it would be stored above the gap) and re-read from the stored
   * offsets. Checked before each flush, at the cost of one read per topic.
   */
  async function storeLostWrites(): Promise<boolean> {
    let lost = false;
    for (const [topic, mine] of recorded) {
      const stored = await retrying('reading partition offsets', () => store.partitionOffsets(topic));
      for (const [partition, offset] of mine) {
        const now = stored.get(partition) ?? 0;
        if (now >= offset) continue;
        lost = true;
        logger.warn({ topic, partition, recorded: offset, stored: now }, 'the baseline store lost writes; re-reading the partition from its stored offset');
        consumer.seek(topic, partition, now);
        mine.set(partition, now);
      }
    }
    if (lost) {
      aggregator.drain();
      oldest = undefined;
    }
    return lost;
  }

  async function onAssigned(assignment: ReadonlyMap<string, readonly number[]>): Promise<void> {
    try {
      for (const [topic, partitions] of assignment) {
        const stored = await retrying('reading partition offsets', () => store.partitionOffsets(topic));
        for (const partition of partitions) {
          const offset = stored.get(partition);
          // Resume where Redis says: it may be ahead of the group's commit (crash before commit)
          // or behind it (Redis restored from an older AOF). Both are exact with stored offsets.
          if (offset !== undefined) consumer.seek(topic, partition, offset);
        }
        logger.info({ topic, partitions, resumeFrom: Object.fromEntries(stored) }, 'partitions assigned');
      }
    } catch (error) {
      logger.error({ err: error }, 'could not read stored offsets; resuming from the group offsets');
    }
  }

  return {
    async start() {
      running = true;
      await consumer.start({
        onBatch,
        onAssigned,
        onFatal: (error) => {
          // /healthz turns 503 and the orchestrator restarts the pod; Redis offsets make it exact.
          running = false;
          logger.error({ err: error }, 'the Kafka consumer stopped and will not restart');
        },
      });
      timer = setInterval(() => {
        if (oldest !== undefined && clock() - oldest >= policy.maxAgeMs) serial(flushNow).catch((error: unknown) => logger.error({ err: error }, 'flush failed'));
      }, Math.max(50, Math.floor(policy.maxAgeMs / 4)));
      timer.unref();
      logger.info({ topic: topics.flows, flush: policy }, 'baseliner started');
    },
    flush: () => serial(flushNow),
    async stop() {
      if (stopping) return;
      stopping = true;
      if (timer) clearInterval(timer);
      consumer.pause();
      try {
        await serial(flushNow);
      } finally {
        running = false;
        await consumer.disconnect();
        await producer.disconnect();
        logger.info({}, 'baseliner stopped');
      }
    },
    healthy: () => running && storeHealthy,
  };
}

/** The anomalies-topic record of an edge: keyed by owner, the edge as JSON with the detection time. */
export function anomalyRecord(anomaly: Anomaly, detectedAt: number): OutgoingRecord {
  return { key: anomaly.owner, value: JSON.stringify({ owner: anomaly.owner, edge: anomaly.edge, id: edgeKey(anomaly.edge), detectedAt }) };
}

import type { FlowTopics, RetryPolicy } from '@palisade/collector';
import type { BaselineStore } from '../store/baseline-store.js';
import { BatchAggregator } from '../store/batch-aggregator.js';
import { takeBatch } from './batch-intake.js';
import type { ConsumedBatch, FlowConsumer, RecordSink } from './flow-consumer.js';
import { flushAggregator } from './flush-cycle.js';
import type { BaselinerLogger } from './logger.js';
import { createLostWriteGuard } from './lost-write-guard.js';
import type { BaselinerMetrics } from './metrics.js';
import { NO_METRICS } from './metrics.js';
import { resumeFromStoredOffsets } from './partition-resume.js';
import { createRetryingCalls } from './retrying-calls.js';

export { anomalyRecord } from './flush-cycle.js';

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
  /**
   * `/healthz` turns unhealthy when flows have waited this long (ms) without a successful flush: a
   * store call that hangs rather than fails (a Redis that accepts connections and never answers,
   * a client queueing commands while it reconnects) retries nothing, so only the age shows it.
   * @default DEFAULT_UNHEALTHY_AFTER_MS
   */
  readonly unhealthyAfterMs?: number;
}

/** Default of {@link BaselinerOptions.unhealthyAfterMs}: a minute, twelve default flush intervals. */
export const DEFAULT_UNHEALTHY_AFTER_MS = 60_000;

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
 * The parts: `batch-intake.ts` folds each batch into the aggregator, `flush-cycle.ts` writes it to
 * the store, `lost-write-guard.ts` checks before each flush that the store kept what it
 * acknowledged, `partition-resume.ts` seeks assigned partitions to the stored offsets, and
 * `retrying-calls.ts` retries every store and Kafka call. This function wires them together and
 * decides when to flush.
 *
 * Batches and flushes run one at a time (a promise chain): the flush reads the aggregator while
 * no batch writes to it.
 */
export function createBaseliner(options: BaselinerOptions): Baseliner {
  const { store, consumer, producer, topics, clock, logger } = options;
  const metrics = options.metrics ?? NO_METRICS;
  const policy = options.flush ?? DEFAULT_FLUSH_POLICY;
  const calls = createRetryingCalls({ logger, metrics, clock, ...(options.retry ? { policy: options.retry } : {}) });
  const unhealthyAfterMs = options.unhealthyAfterMs ?? DEFAULT_UNHEALTHY_AFTER_MS;
  /** Whether the "no successful flush" outage was logged (once, then once on recovery). */
  let staleLogged = false;
  const guard = createLostWriteGuard({ store, consumer, logger, calls });
  const flushDependencies = { store, consumer, producer, topics, clock, logger, metrics, calls, guard, commandsSent: options.commandsSent };
  const aggregator = new BatchAggregator();
  /** When the oldest unflushed batch arrived. */
  let oldest: number | undefined;
  let chain: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let stopping = false;

  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const result = chain.then(task);
    chain = result.catch(() => undefined);
    return result;
  };

  async function flushNow(): Promise<void> {
    if (aggregator.isEmpty) return;
    const waitedMs = oldest === undefined ? 0 : clock() - oldest;
    await flushAggregator(aggregator, flushDependencies);
    oldest = undefined;
    if (staleLogged) {
      staleLogged = false;
      logger.info({ waitedMs }, 'flushed again: the baseline store accepts writes');
    }
  }

  /** Flows waiting longer than unhealthyAfterMs for a successful flush; logged once per outage. */
  function flushStale(): boolean {
    const stale = oldest !== undefined && clock() - oldest > unhealthyAfterMs;
    if (stale && !staleLogged) {
      staleLogged = true;
      logger.error({ waitingMs: clock() - (oldest as number), unhealthyAfterMs }, 'no successful flush for longer than the health limit: is Redis reachable? /healthz reports unhealthy until a flush succeeds');
    }
    return stale;
  }

  async function onBatch(batch: ConsumedBatch): Promise<void> {
    await serial(async () => {
      const deadLetters = takeBatch(aggregator, batch);
      oldest ??= clock();
      if (deadLetters.length > 0) {
        await calls.run('dead-letter send', () => producer.send(topics.deadLetters, deadLetters));
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

  return {
    async start() {
      running = true;
      await consumer.start({
        onBatch,
        onAssigned: (assignment) => resumeFromStoredOffsets(assignment, { store, consumer, logger, calls }),
        onFatal: (error) => {
          // /healthz turns 503 and the orchestrator restarts the pod; Redis offsets make it exact.
          running = false;
          logger.error({ err: error }, 'the Kafka consumer stopped and will not restart');
        },
      });
      timer = setInterval(() => {
        flushStale();
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
    healthy: () => running && calls.healthy && !flushStale(),
  };
}

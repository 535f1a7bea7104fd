import type { FlowTopics } from '@palisade/collector';
import { edgeKey } from '../model/edge.js';
import type { Anomaly, BaselineStore } from '../store/baseline-store.js';
import type { BatchAggregator, PendingUpdate } from '../store/batch-aggregator.js';
import type { FlowConsumer, OutgoingRecord, RecordSink } from './flow-consumer.js';
import type { BaselinerLogger } from './logger.js';
import type { LostWriteGuard } from './lost-write-guard.js';
import type { BaselinerMetrics } from './metrics.js';
import type { RetryingCalls } from './retrying-calls.js';

/** What one flush talks to. */
export interface FlushCycleDependencies {
  readonly store: BaselineStore;
  readonly consumer: Pick<FlowConsumer, 'commit'>;
  readonly producer: Pick<RecordSink, 'send'>;
  readonly topics: Pick<FlowTopics, 'anomalies'>;
  readonly clock: () => number;
  readonly logger: BaselinerLogger;
  readonly metrics: BaselinerMetrics;
  readonly calls: RetryingCalls;
  readonly guard: LostWriteGuard;
  /** Redis commands sent so far, for the per-flush metric. */
  readonly commandsSent?: (() => number) | undefined;
}

/**
 * One flush: the aggregator's updates to the store, one atomic upsert per owner with the partition
 * offsets, then anomalies to their topic, then offsets to the store and the group; then the
 * aggregator is drained. Unless the store lost writes (see {@link LostWriteGuard}): then what is
 * pending is dropped for the re-read. A failure leaves the aggregator as it was, for the next try.
 */
export async function flushAggregator(aggregator: BatchAggregator, dependencies: FlushCycleDependencies): Promise<void> {
  if (!(await dependencies.guard.storeLostWrites())) await writeAggregated(aggregator, dependencies);
  aggregator.drain();
}

async function writeAggregated(aggregator: BatchAggregator, dependencies: FlushCycleDependencies): Promise<void> {
  const { store, consumer, producer, topics, clock, logger, metrics, calls, guard, commandsSent } = dependencies;
  const commandsBefore = commandsSent?.() ?? 0;
  const locks = await calls.run('reading locks', () => store.locks());
  let pending: PendingUpdate[] = aggregator.updates(locks);
  const owners = pending.length;
  const anomalies: Anomaly[] = [];
  while (pending.length > 0) {
    const batch = pending;
    const outcomes = await calls.run('baseline upsert', () => store.apply(batch.map((entry) => entry.update)));
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
    await calls.run('anomaly send', () => producer.send(topics.anomalies, anomalies.map((anomaly) => anomalyRecord(anomaly, clock()))));
    metrics.anomalies(anomalies.length);
  }
  for (const [topic, offsets] of aggregator.nextOffsets()) {
    await calls.run('recording offsets', () => store.recordPartitionOffsets(topic, offsets));
    guard.noteRecorded(topic, offsets);
    try {
      await consumer.commit(topic, offsets);
    } catch (error) {
      // Redis holds the offsets that count; the group's are a hint (lost after a rebalance).
      logger.debug({ err: error, topic }, 'group offset commit failed');
    }
  }
  metrics.flush(aggregator.flowCount, owners, (commandsSent?.() ?? 0) - commandsBefore);
  logger.debug({ flows: aggregator.flowCount, owners, anomalies: anomalies.length }, 'flushed');
}

/** The anomalies-topic record of an edge: keyed by owner, the edge as JSON with the detection time. */
export function anomalyRecord(anomaly: Anomaly, detectedAt: number): OutgoingRecord {
  return { key: anomaly.owner, value: JSON.stringify({ owner: anomaly.owner, edge: anomaly.edge, id: edgeKey(anomaly.edge), detectedAt }) };
}

import { describe, expect, it } from 'vitest';
import type { Flow } from '@palisade/collector';
import { DEFAULT_FLOW_TOPICS, encodeFlow } from '@palisade/collector';
import { foldFlows } from '../model/edge-fold.js';
import { MemoryBaselineStore } from '../store/memory-store.js';
import { CONTRACT_FLOWS } from '../store/testing/baseline-store-contract.js';
import { createBaseliner } from './baseliner.js';
import type { ConsumedBatch, FlowConsumer, FlowConsumerHandlers, OutgoingRecord, RecordSink } from './flow-consumer.js';
import { SILENT_LOGGER } from './logger.js';
import { BaselineStoreError } from '../errors.js';

/** A consumer driven by the test: batches are pushed by hand. */
class FakeConsumer implements FlowConsumer {
  handlers: FlowConsumerHandlers | undefined;
  readonly seeks: [string, number, number][] = [];
  readonly commits: [string, number, number][] = [];
  paused = false;
  disconnected = false;
  async start(handlers: FlowConsumerHandlers): Promise<void> {
    this.handlers = handlers;
  }
  seek(topic: string, partition: number, offset: number): void {
    this.seeks.push([topic, partition, offset]);
  }
  async commit(topic: string, offsets: ReadonlyMap<number, number>): Promise<void> {
    for (const [partition, offset] of offsets) this.commits.push([topic, partition, offset]);
  }
  pause(): void {
    this.paused = true;
  }
  async disconnect(): Promise<void> {
    this.disconnected = true;
  }
  async deliver(partition: number, firstOffset: number, values: readonly (Flow | string)[]): Promise<void> {
    const batch: ConsumedBatch = {
      topic: DEFAULT_FLOW_TOPICS.flows,
      partition,
      messages: values.map((value, index) => ({ offset: String(firstOffset + index), key: null, value: Buffer.from(typeof value === 'string' ? value : encodeFlow(value)) })),
      highWatermark: String(firstOffset + values.length),
      heartbeat: async () => undefined,
    };
    await this.handlers?.onBatch(batch);
  }
}

class RecordingSink implements RecordSink {
  readonly sent: [string, OutgoingRecord][] = [];
  async send(topic: string, records: readonly OutgoingRecord[]): Promise<void> {
    for (const record of records) this.sent.push([topic, record]);
  }
  async disconnect(): Promise<void> {}
}

function setup(store = new MemoryBaselineStore(), maxFlows = 1_000) {
  const consumer = new FakeConsumer();
  const producer = new RecordingSink();
  const baseliner = createBaseliner({ store, consumer, producer, topics: DEFAULT_FLOW_TOPICS, clock: () => 0, logger: SILENT_LOGGER, flush: { maxFlows, maxAgeMs: 60_000 }, retry: { initialDelayMs: 1, maxDelayMs: 1, maxAttempts: 5 } });
  return { store, consumer, producer, baseliner };
}

describe('createBaseliner', () => {
  it('folds batches, flushes on stop, records and commits the next offsets', async () => {
    const { store, consumer, baseliner } = setup();
    await baseliner.start();
    await consumer.deliver(0, 0, CONTRACT_FLOWS.slice(0, 2));
    await consumer.deliver(1, 5, CONTRACT_FLOWS.slice(2));
    expect((await store.read()).edges).toEqual([]);
    await baseliner.stop();
    expect(await store.read()).toEqual(foldFlows(CONTRACT_FLOWS).baseline);
    expect(await store.partitionOffsets(DEFAULT_FLOW_TOPICS.flows)).toEqual(new Map([[0, 2], [1, 7]]));
    expect(consumer.commits).toEqual([[DEFAULT_FLOW_TOPICS.flows, 0, 2], [DEFAULT_FLOW_TOPICS.flows, 1, 7]]);
    expect([consumer.paused, consumer.disconnected]).toEqual([true, true]);
  });

  it('changes nothing when a flushed range is delivered again (crash before commit)', async () => {
    const { store, consumer, baseliner } = setup(new MemoryBaselineStore(), 1);
    await baseliner.start();
    await consumer.deliver(0, 0, CONTRACT_FLOWS);
    await consumer.deliver(0, 0, CONTRACT_FLOWS);
    await consumer.deliver(0, 2, CONTRACT_FLOWS.slice(2));
    await baseliner.stop();
    expect(await store.read()).toEqual(foldFlows(CONTRACT_FLOWS).baseline);
  });

  it('seeks assigned partitions to the offsets stored in the baseline', async () => {
    const { store, consumer, baseliner } = setup();
    await store.recordPartitionOffsets(DEFAULT_FLOW_TOPICS.flows, new Map([[1, 40]]));
    await baseliner.start();
    await consumer.handlers?.onAssigned(new Map([[DEFAULT_FLOW_TOPICS.flows, [0, 1]]]));
    expect(consumer.seeks).toEqual([[DEFAULT_FLOW_TOPICS.flows, 1, 40]]);
  });

  it('dead-letters a poison message with its reason and moves on', async () => {
    const { store, consumer, producer, baseliner } = setup();
    await baseliner.start();
    await consumer.deliver(0, 0, ['not json', CONTRACT_FLOWS[0] as Flow, '{"time":1}']);
    await baseliner.stop();
    expect(producer.sent.map(([topic, record]) => [topic, String(record.value), Object.keys(record.headers ?? {}).length])).toEqual([
      [DEFAULT_FLOW_TOPICS.deadLetters, 'not json', 2],
      [DEFAULT_FLOW_TOPICS.deadLetters, '{"time":1}', 2],
    ]);
    expect((await store.read()).edges).toHaveLength(1);
    expect(await store.partitionOffsets(DEFAULT_FLOW_TOPICS.flows)).toEqual(new Map([[0, 3]]));
  });

  it('retries a retriable store failure and keeps the batch until it succeeds', async () => {
    const store = new MemoryBaselineStore();
    let failures = 2;
    const apply = store.apply.bind(store);
    store.apply = async (updates) => {
      if (failures-- > 0) throw new BaselineStoreError('apply', 'Connection is closed.', { retriable: true });
      return apply(updates);
    };
    const { consumer, baseliner } = setup(store, 1);
    await baseliner.start();
    await consumer.deliver(0, 0, CONTRACT_FLOWS);
    await baseliner.stop();
    expect(await store.read()).toEqual(foldFlows(CONTRACT_FLOWS).baseline);
  });

  it('publishes edges first seen under a lock to the anomalies topic', async () => {
    const { store, consumer, producer, baseliner } = setup();
    await store.lock({ kind: 'namespace', namespace: 'shop' }, 1);
    await baseliner.start();
    await consumer.deliver(0, 0, [CONTRACT_FLOWS[0] as Flow]);
    await baseliner.stop();
    expect(producer.sent.map(([topic, record]) => [topic, record.key])).toEqual([[DEFAULT_FLOW_TOPICS.anomalies, 'shop/Deployment/api']]);
    expect(await store.anomalies()).toHaveLength(1);
  });
});

describe('createBaseliner when Redis loses acknowledged writes', () => {
  it('re-reads from the stored offsets instead of storing above the gap', async () => {
    const { store, consumer, baseliner } = setup(new MemoryBaselineStore(), 2);
    await baseliner.start();
    await consumer.deliver(0, 0, CONTRACT_FLOWS.slice(0, 2));
    await store.clear(); // a crash that lost everything since the last fsync
    await consumer.deliver(0, 2, CONTRACT_FLOWS.slice(2));
    expect(consumer.seeks).toEqual([[DEFAULT_FLOW_TOPICS.flows, 0, 0]]);
    await consumer.deliver(0, 0, CONTRACT_FLOWS); // the re-read
    await baseliner.stop();
    expect(await store.read()).toEqual(foldFlows(CONTRACT_FLOWS).baseline);
  });
});

import type { Consumer, IHeaders, Kafka, Producer } from 'kafkajs';
import { BaselinerKafkaError } from '../errors.js';

/** One consumed Kafka message, as the baseliner needs it. */
export interface ConsumedMessage {
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

/** A batch of one partition. */
export interface ConsumedBatch {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly ConsumedMessage[];
  /** Offset after the last message in the partition (for the lag). */
  readonly highWatermark: string;
  /** Tells the group this member is alive during long work. */
  heartbeat(): Promise<void>;
}

/** What the consumer calls back. */
export interface FlowConsumerHandlers {
  /** Takes a batch; the consumer moves past it only when this resolves. */
  onBatch(batch: ConsumedBatch): Promise<void>;
  /** The partitions this member got in a (re)balance, per topic. */
  onAssigned(assignment: ReadonlyMap<string, readonly number[]>): Promise<void>;
  /** The consumer stopped for good (an error it will not restart from). */
  onFatal?(error: unknown): void;
}

/**
 * The narrow consumer interface the baseliner depends on; {@link createKafkaFlowConsumer} adapts
 * kafkajs to it, and tests may drive a fake.
 */
export interface FlowConsumer {
  /** Connects, subscribes and starts delivering batches. */
  start(handlers: FlowConsumerHandlers): Promise<void>;
  /** The next fetch of the partition starts at `offset`. */
  seek(topic: string, partition: number, offset: number): void;
  /** Commits the next offset to read per partition to the group. */
  commit(topic: string, offsets: ReadonlyMap<number, number>): Promise<void>;
  /** Stops fetching new batches (the one in progress finishes). */
  pause(): void;
  /** Leaves the group and closes the connections. */
  disconnect(): Promise<void>;
}

/** A record to produce. */
export interface OutgoingRecord {
  readonly key: string | Buffer | null;
  readonly value: string | Buffer | null;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Where dead letters and anomalies go: one topic each, produced with acks from all replicas. */
export interface RecordSink {
  send(topic: string, records: readonly OutgoingRecord[]): Promise<void>;
  disconnect(): Promise<void>;
}

/** Consumer tuning; tests lower the timeouts so rebalances take seconds, not a minute. */
export interface KafkaConsumerOptions {
  readonly groupId: string;
  readonly topic: string;
  /** Start of a partition the group has no offset for (and Redis neither). @default true */
  readonly fromBeginning?: boolean;
  /** @default 30000 */
  readonly sessionTimeout?: number;
  /** @default 3000 */
  readonly heartbeatInterval?: number;
  /** @default 60000 */
  readonly rebalanceTimeout?: number;
  /** @default 4 MiB: big fetches make big pre-aggregated flushes. */
  readonly maxBytesPerPartition?: number;
}

/**
 * kafkajs behind {@link FlowConsumer}. Offsets are never committed automatically: the baseliner
 * commits after Redis holds the batch, and Redis (not the group) is the source of truth on
 * assignment. Each batch is resolved when `onBatch` resolves, so the next fetch moves on.
 */
export function createKafkaFlowConsumer(kafka: Kafka, options: KafkaConsumerOptions): FlowConsumer {
  const consumer: Consumer = kafka.consumer({
    groupId: options.groupId,
    sessionTimeout: options.sessionTimeout ?? 30_000,
    heartbeatInterval: options.heartbeatInterval ?? 3_000,
    rebalanceTimeout: options.rebalanceTimeout ?? 60_000,
    maxBytesPerPartition: options.maxBytesPerPartition ?? 4 * 1024 * 1024,
    maxBytes: 16 * 1024 * 1024,
    maxWaitTimeInMs: 250,
  });
  return {
    async start(handlers) {
      consumer.on(consumer.events.GROUP_JOIN, (event) => {
        const assignment = new Map(Object.entries(event.payload.memberAssignment).map(([topic, partitions]) => [topic, partitions as number[]]));
        // kafkajs does not await listeners: errors are the handler's to report.
        void handlers.onAssigned(assignment);
      });
      consumer.on(consumer.events.CRASH, (event) => {
        // kafkajs restarts itself after retriable errors; anything else leaves it stopped.
        if (!event.payload.restart) handlers.onFatal?.(event.payload.error);
      });
      await consumer.connect();
      await consumer.subscribe({ topics: [options.topic], fromBeginning: options.fromBeginning ?? true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: true,
        eachBatch: async ({ batch, heartbeat, isRunning, isStale }) => {
          if (!isRunning() || isStale()) return;
          await handlers.onBatch({ topic: batch.topic, partition: batch.partition, messages: batch.messages, highWatermark: batch.highWatermark, heartbeat });
        },
      });
    },
    seek(topic, partition, offset) {
      consumer.seek({ topic, partition, offset: String(offset) });
    },
    async commit(topic, offsets) {
      try {
        await consumer.commitOffsets([...offsets].map(([partition, offset]) => ({ topic, partition, offset: String(offset) })));
      } catch (error) {
        throw new BaselinerKafkaError(`commit of ${topic} failed: ${(error as Error).message}`, { topic }, { cause: error, retriable: true });
      }
    },
    pause() {
      consumer.pause([{ topic: options.topic }]);
    },
    async disconnect() {
      await consumer.disconnect();
    },
  };
}

/** A kafkajs producer behind {@link RecordSink}; connects on first use. */
export function createKafkaRecordSink(kafka: Kafka): RecordSink {
  const producer: Producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: false });
  let connected: Promise<void> | undefined;
  return {
    async send(topic, records) {
      if (records.length === 0) return;
      connected ??= producer.connect();
      try {
        await connected;
        await producer.send({
          topic,
          acks: -1,
          messages: records.map((record) => ({ key: record.key, value: record.value, ...(record.headers ? { headers: { ...record.headers } as IHeaders } : {}) })),
        });
      } catch (error) {
        connected = undefined;
        throw new BaselinerKafkaError(`send to ${topic} failed: ${(error as Error).message}`, { topic }, { cause: error, retriable: true });
      }
    },
    async disconnect() {
      if (connected) await producer.disconnect();
    },
  };
}

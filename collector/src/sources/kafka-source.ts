import { isRetriable, SourceError } from '../errors.js';
import type { SourceLine } from '../pipeline/records.js';
import { StopSignal, type RecordSource } from './record-source.js';

/**
 * `kafka:TOPIC`: raw records from a topic another collector fills (NetObserv's flowlogs-pipeline
 * writes one JSON record per message). One message is one record; its origin is
 * `kafka:TOPIC/PARTITION` and its offset stands for the line number.
 *
 * Offsets are committed by hand, only for records whose flows the sink has flushed (the service's
 * checkpoint), never by KafkaJS's auto-commit, which would commit records still in our buffer.
 */

/** The consumer calls the source makes: a KafkaJS `Consumer` satisfies it, and so does a test fake. */
export interface SourceConsumer {
  connect(): Promise<void>;
  subscribe(subscription: { topics: string[]; fromBeginning: boolean }): Promise<void>;
  run(config: {
    autoCommit: boolean;
    eachMessage: (payload: { topic: string; partition: number; message: { offset: string; value: Buffer | null } }) => Promise<void>;
  }): Promise<void>;
  commitOffsets(offsets: { topic: string; partition: number; offset: string }[]): Promise<void>;
  stop(): Promise<void>;
  disconnect(): Promise<void>;
}

/** Options of {@link KafkaSource}. */
export interface KafkaSourceOptions {
  readonly topic: string;
  readonly consumer: SourceConsumer;
  /**
   * Read a topic the group has no offsets for from its start.
   * @default true
   */
  readonly fromBeginning?: boolean;
  /**
   * Records received and not yet read by the service; the consumer waits beyond it.
   * @default 1000
   */
  readonly maxQueued?: number;
}

/** Per partition, the offset of the next record to read (what Kafka's commit means). */
export type KafkaPosition = ReadonlyMap<number, string>;

interface Queued {
  readonly line: SourceLine;
  readonly partition: number;
  readonly offset: string;
}

/** Reads one topic through a consumer group. */
export class KafkaSource implements RecordSource<KafkaPosition> {
  readonly name: string;
  private readonly signal = new StopSignal();
  private queue: Queued[] = [];
  private readonly delivered = new Map<number, string>();
  private wakeReader: (() => void) | undefined;
  private wakeConsumer: (() => void) | undefined;
  private failure: unknown;

  constructor(private readonly options: KafkaSourceOptions) {
    this.name = `kafka:${options.topic}`;
  }

  async *chunks(): AsyncGenerator<readonly SourceLine[]> {
    const { consumer, topic } = this.options;
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: this.options.fromBeginning ?? true });
      await consumer.run({ autoCommit: false, eachMessage: (payload) => this.receive(payload.partition, payload.message) });
    } catch (error) {
      throw new SourceError(`cannot consume ${topic}: ${(error as Error).message}`, this.name, { cause: error, retriable: isRetriable(error) });
    }
    while (!this.signal.requested) {
      if (this.queue.length === 0) {
        if (this.failure !== undefined) throw this.failure;
        await Promise.race([new Promise<void>((resolve) => (this.wakeReader = resolve)), this.signal.stopped]);
        this.wakeReader = undefined;
        continue;
      }
      const taken = this.queue;
      this.queue = [];
      this.wakeConsumer?.();
      for (const { partition, offset } of taken) this.delivered.set(partition, (BigInt(offset) + 1n).toString());
      yield taken.map((queued) => queued.line);
    }
  }

  position(): KafkaPosition {
    return new Map(this.delivered);
  }

  async commit(position: KafkaPosition): Promise<void> {
    if (position.size === 0) return;
    await this.options.consumer.commitOffsets([...position].map(([partition, offset]) => ({ topic: this.options.topic, partition, offset })));
  }

  stop(): void {
    this.signal.stop();
    this.wakeConsumer?.();
  }

  async close(): Promise<void> {
    await this.options.consumer.stop().catch(() => undefined);
    await this.options.consumer.disconnect();
  }

  private async receive(partition: number, message: { offset: string; value: Buffer | null }): Promise<void> {
    if (this.signal.requested) return;
    // Records that are not yet read are held here; the consumer waits (and so fetches no more) until there is room.
    while (this.queue.length >= (this.options.maxQueued ?? 1000) && !this.signal.requested) {
      await new Promise<void>((resolve) => (this.wakeConsumer = resolve));
    }
    const record = message.value === null ? '' : message.value.toString('utf8');
    this.queue.push({ partition, offset: message.offset, line: { record, origin: { source: `${this.name}/${partition}`, line: Number(message.offset) } } });
    this.wakeReader?.();
  }
}

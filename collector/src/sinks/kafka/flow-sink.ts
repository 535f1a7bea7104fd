import type { Message, RecordMetadata, TopicMessages } from 'kafkajs';
import { isRetriable, KafkaSinkError } from '../../errors.js';
import { type RetryPolicy, withRetries } from '../../retry.js';
import type { Flow } from '../../flow/flow.js';
import type { DeadLetter } from '../../pipeline/records.js';
import type { FlowSink } from '../sink.js';
import { deadLetterMessage } from './dead-letter-sink.js';
import { DEFAULT_FLOW_TOPICS, encodeFlow, flowKey, type FlowTopics } from './flow-topics.js';

/**
 * The Kafka sink of the collector: Flows to `palisade.flows.v1` keyed by destination workload,
 * dead letters to `palisade.flows.dlq`, through one idempotent producer.
 *
 * Batching: messages accumulate until `batchSize` are waiting or the first of them has waited
 * `lingerMs`, then go out in one `sendBatch`. One batch is in flight at a time, which is what the
 * idempotent producer needs to keep per-partition order (KafkaJS numbers each partition's records
 * when it sends them); whatever piles up meanwhile leaves in the next batch as soon as the broker
 * answers, so a slow broker gets larger batches rather than more requests.
 *
 * Back-pressure: the buffer (waiting plus in flight) is bounded by `maxBufferedMessages`; a send
 * that finds it full resolves only when a batch has been acknowledged, so a source that awaits its
 * sends stops reading and memory stays bounded however slow Kafka is.
 *
 * Failures: retriable errors (a broker restart, a leader moving) retry the same batch with capped
 * exponential backoff, for as long as it takes; nothing is dropped. A non-retriable error fails the
 * sink: every pending and later call rejects with a {@link KafkaSinkError}, and the service stops.
 */

/**
 * The producer calls the sink makes: a KafkaJS `Producer` satisfies it, and so does a test fake.
 * The producer should be idempotent (`idempotent: true`, `maxInFlightRequests: 1`), so that KafkaJS's
 * own retries after a lost acknowledgement do not write a batch twice.
 */
export interface SinkProducer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  sendBatch(batch: { topicMessages: TopicMessages[]; acks: number; timeout?: number }): Promise<RecordMetadata[]>;
}

/** What one batch carried, for metrics. */
export interface SinkBatchEvent {
  readonly messages: number;
  /** Messages per topic in the batch. */
  readonly byTopic: Readonly<Record<string, number>>;
  /** Attempts it took (1 when the first succeeded). */
  readonly attempts: number;
  readonly durationMs: number;
}

/** Options of {@link KafkaFlowSink}. */
export interface KafkaFlowSinkOptions {
  readonly producer: SinkProducer;
  /** @default DEFAULT_FLOW_TOPICS */
  readonly topics?: Pick<FlowTopics, 'flows' | 'deadLetters'>;
  /**
   * Messages that make a batch leave at once.
   * @default 2000
   */
  readonly batchSize?: number;
  /**
   * The longest the first message of a batch waits for others.
   * @default 20
   */
  readonly lingerMs?: number;
  /**
   * The most messages waiting or in flight; sends wait beyond it.
   * @default 20000
   */
  readonly maxBufferedMessages?: number;
  /**
   * Most messages in one `sendBatch` (a batch that piled up during a slow send is split).
   * @default 10000
   */
  readonly maxBatchMessages?: number;
  /**
   * Most bytes (keys and values) in one `sendBatch`. KafkaJS sends each partition's share as one
   * record batch, and the broker refuses a record batch above `message.max.bytes` (1 MB by
   * default) with MESSAGE_TOO_LARGE, which is not retriable: a batch that piled up during a slow
   * send must be cut well below it.
   * @default 900000
   */
  readonly maxBatchBytes?: number;
  /**
   * Backoff between attempts of a batch after a retriable error: doubles from `initialMs` up to `maxMs`.
   * @default { initialMs: 100, maxMs: 5000 }
   */
  readonly retry?: { readonly initialMs: number; readonly maxMs: number };
  /** Called after each acknowledged batch. */
  readonly onBatch?: (event: SinkBatchEvent) => void;
  /** Called for each failed attempt that will be retried. */
  readonly onRetry?: (error: unknown, attempt: number) => void;
  /** The clock and timers, replaceable in tests. @default globalThis */
  readonly timers?: SinkTimers;
}

/** Timer functions the sink uses, so tests can drive time. */
export interface SinkTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

const SYSTEM_TIMERS: SinkTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

/** Acknowledgement from every in-sync replica: a batch counts as written only then. */
const ACKS_ALL = -1;

interface Pending {
  readonly topic: string;
  readonly message: Message;
  readonly bytes: number;
}

interface DeliveryWaiter {
  readonly target: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** The Kafka {@link FlowSink}. Call {@link KafkaFlowSink.connect} before the first send. */
export class KafkaFlowSink implements FlowSink {
  private readonly producer: SinkProducer;
  private readonly topics: Pick<FlowTopics, 'flows' | 'deadLetters'>;
  private readonly batchSize: number;
  private readonly lingerMs: number;
  private readonly maxBuffered: number;
  private readonly maxBatch: number;
  private readonly maxBatchBytes: number;
  /** Retries a batch for as long as it takes: nothing is dropped while Kafka is away. */
  private readonly retryPolicy: RetryPolicy;
  private readonly timers: SinkTimers;
  private pending: Pending[] = [];
  private inFlight = 0;
  /** Messages accepted so far; each one's sequence number is its position in this count. */
  private accepted = 0;
  /** Messages acknowledged so far: batches leave in order, so these are the first `delivered`. */
  private delivered = 0;
  /** Highest sequence number a flush asked for; batches leave without lingering until it is met. */
  private flushTarget = 0;
  private sending = false;
  private lingerTimer: unknown;
  private spaceWaiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  private deliveryWaiters: DeliveryWaiter[] = [];
  private failure: KafkaSinkError | undefined;
  private closed = false;

  constructor(private readonly options: KafkaFlowSinkOptions) {
    this.producer = options.producer;
    this.topics = options.topics ?? DEFAULT_FLOW_TOPICS;
    this.batchSize = Math.max(1, options.batchSize ?? 2000);
    this.lingerMs = Math.max(0, options.lingerMs ?? 20);
    this.maxBuffered = Math.max(1, options.maxBufferedMessages ?? 20_000);
    this.maxBatch = Math.max(1, options.maxBatchMessages ?? Math.max(this.batchSize, 10_000));
    this.maxBatchBytes = Math.max(1, options.maxBatchBytes ?? 900_000);
    const backoff = options.retry ?? { initialMs: 100, maxMs: 5000 };
    this.retryPolicy = { initialDelayMs: backoff.initialMs, maxDelayMs: backoff.maxMs, maxAttempts: Infinity };
    this.timers = options.timers ?? SYSTEM_TIMERS;
  }

  /** Connects the producer. */
  async connect(): Promise<void> {
    try {
      await this.producer.connect();
    } catch (error) {
      throw new KafkaSinkError(`cannot connect the Kafka producer: ${(error as Error).message}`, undefined, { cause: error, retriable: isRetriable(error) });
    }
  }

  /** Messages accepted and not yet acknowledged (waiting or in flight). */
  get bufferedMessages(): number {
    return this.pending.length + this.inFlight;
  }

  sendFlows(flows: readonly Flow[]): Promise<void> {
    return this.accept(
      flows.map((flow) => {
        const key = flowKey(flow);
        const value = encodeFlow(flow);
        return { topic: this.topics.flows, message: { key, value }, bytes: Buffer.byteLength(key) + Buffer.byteLength(value) };
      }),
    );
  }

  sendDeadLetters(letters: readonly DeadLetter[]): Promise<void> {
    return this.accept(
      letters.map((letter) => {
        const message = deadLetterMessage(letter);
        const bytes = Buffer.byteLength(String(message.key ?? '')) + (message.value === null ? 0 : Buffer.byteLength(message.value)) + 256;
        return { topic: this.topics.deadLetters, message, bytes };
      }),
    );
  }

  flush(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const target = this.accepted;
    if (this.delivered >= target) return Promise.resolve();
    this.flushTarget = Math.max(this.flushTarget, target);
    const done = new Promise<void>((resolve, reject) => this.deliveryWaiters.push({ target, resolve, reject }));
    this.kick();
    return done;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.flush();
    } finally {
      this.closed = true;
      if (this.lingerTimer !== undefined) this.timers.clearTimeout(this.lingerTimer);
      await this.producer.disconnect();
    }
  }

  private accept(items: readonly Pending[]): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new KafkaSinkError('the Kafka sink is closed', undefined));
    if (items.length === 0) return Promise.resolve();
    for (const item of items) this.pending.push(item);
    this.accepted += items.length;
    this.kick();
    if (this.bufferedMessages < this.maxBuffered) return Promise.resolve();
    return new Promise<void>((resolve, reject) => this.spaceWaiters.push({ resolve, reject }));
  }

  /** Starts a batch now if one is due, or arms the linger timer for the first waiting message. */
  private kick(): void {
    if (this.sending || this.pending.length === 0) return;
    if (this.pending.length >= this.batchSize || this.flushTarget > this.delivered || this.lingerMs === 0) {
      void this.sendLoop();
    } else if (this.lingerTimer === undefined) {
      this.lingerTimer = this.timers.setTimeout(() => {
        this.lingerTimer = undefined;
        if (!this.sending) void this.sendLoop();
      }, this.lingerMs);
    }
  }

  private async sendLoop(): Promise<void> {
    this.sending = true;
    if (this.lingerTimer !== undefined) {
      this.timers.clearTimeout(this.lingerTimer);
      this.lingerTimer = undefined;
    }
    try {
      // Messages that arrived while a batch was in flight have waited a round trip already: they
      // leave at once rather than linger again.
      while (this.pending.length > 0 && this.failure === undefined) {
        let count = 0;
        let bytes = 0;
        for (const item of this.pending) {
          if (count > 0 && (count >= this.maxBatch || bytes + item.bytes > this.maxBatchBytes)) break;
          count++;
          bytes += item.bytes;
        }
        const batch = count === this.pending.length ? this.pending : this.pending.slice(0, count);
        this.pending = batch === this.pending ? [] : this.pending.slice(count);
        this.inFlight = batch.length;
        await this.deliver(batch);
        this.inFlight = 0;
        this.delivered += batch.length;
        this.settleWaiters();
      }
    } catch (error) {
      this.fail(error);
    } finally {
      this.sending = false;
    }
  }

  private async deliver(batch: readonly Pending[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const { topic, message } of batch) {
      const messages = byTopic.get(topic);
      if (messages) messages.push(message);
      else byTopic.set(topic, [message]);
    }
    const topicMessages = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    const started = this.timers.now();
    const topic = topicMessages.length === 1 ? topicMessages[0]?.topic : undefined;
    try {
      await withRetries(
        async (attempt) => {
          await this.producer.sendBatch({ topicMessages, acks: ACKS_ALL });
          this.options.onBatch?.({
            messages: batch.length,
            byTopic: Object.fromEntries(topicMessages.map(({ topic: name, messages }) => [name, messages.length])),
            attempts: attempt,
            durationMs: this.timers.now() - started,
          });
        },
        {
          policy: this.retryPolicy,
          sleep: (ms) => new Promise<void>((resolve) => this.timers.setTimeout(resolve, ms)),
          ...(this.options.onRetry ? { onRetry: this.options.onRetry } : {}),
        },
      );
    } catch (error) {
      // With no limit on attempts, only a non-retriable error ends the retries.
      throw new KafkaSinkError(`Kafka refused a batch of ${batch.length} messages: ${(error as Error).message}`, topic, { cause: error, retriable: false });
    }
  }

  private settleWaiters(): void {
    if (this.bufferedMessages < this.maxBuffered && this.spaceWaiters.length > 0) {
      const waiters = this.spaceWaiters;
      this.spaceWaiters = [];
      for (const waiter of waiters) waiter.resolve();
    }
    if (this.deliveryWaiters.length > 0) {
      const still: DeliveryWaiter[] = [];
      for (const waiter of this.deliveryWaiters) {
        if (waiter.target <= this.delivered) waiter.resolve();
        else still.push(waiter);
      }
      this.deliveryWaiters = still;
    }
  }

  private fail(error: unknown): void {
    this.failure =
      error instanceof KafkaSinkError ? error : new KafkaSinkError(`the Kafka sink failed: ${(error as Error).message}`, undefined, { cause: error });
    for (const waiter of [...this.spaceWaiters, ...this.deliveryWaiters]) waiter.reject(this.failure);
    this.spaceWaiters = [];
    this.deliveryWaiters = [];
  }
}

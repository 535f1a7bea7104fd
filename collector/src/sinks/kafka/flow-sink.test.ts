import type { RecordMetadata, TopicMessages } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { KafkaSinkError } from '../../errors.js';
import type { Flow } from '../../flow/flow.js';
import { FlowSchema } from '../../flow/flow.js';
import { readDeadLetter } from './dead-letter-sink.js';
import { KafkaFlowSink, type SinkProducer } from './flow-sink.js';
import { DEAD_LETTER_HEADERS, decodeFlow, DEFAULT_FLOW_TOPICS, flowKey } from './flow-topics.js';

/** A producer that records each batch and answers when the test lets it. */
class FakeProducer implements SinkProducer {
  readonly batches: TopicMessages[][] = [];
  connected = false;
  /** When set, each sendBatch waits for this before answering. */
  gate: Promise<void> | undefined;
  /** Errors thrown by the next attempts, in order. */
  readonly failures: unknown[] = [];
  inFlight = 0;
  maxInFlight = 0;

  connect(): Promise<void> {
    this.connected = true;
    return Promise.resolve();
  }
  disconnect(): Promise<void> {
    this.connected = false;
    return Promise.resolve();
  }
  async sendBatch(batch: { topicMessages: TopicMessages[]; acks: number }): Promise<RecordMetadata[]> {
    expect(batch.acks).toBe(-1);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.gate) await this.gate;
      const failure = this.failures.shift();
      if (failure !== undefined) throw failure;
      this.batches.push(batch.topicMessages);
      return [];
    } finally {
      this.inFlight--;
    }
  }
  messages(topic: string): TopicMessages['messages'] {
    return this.batches.flatMap((batch) => batch.filter((entry) => entry.topic === topic).flatMap((entry) => entry.messages));
  }
}

function flow(port: number, workload = 'db'): Flow {
  return FlowSchema.parse({
    time: 1_700_000_000_000 + port,
    source: { kind: 'pod', ip: '10.0.0.1', namespace: 'shop', workload: { kind: 'Deployment', name: 'web' } },
    destination: { kind: 'pod', ip: '10.0.0.2', namespace: 'shop', workload: { kind: 'Deployment', name: workload } },
    protocol: 'TCP',
    port,
    verdict: 'allowed',
    format: 'hubble',
  });
}

const retriable = Object.assign(new Error('leader not available'), { name: 'KafkaJSProtocolError', retriable: true });
const fatal = Object.assign(new Error('topic authorization failed'), { name: 'KafkaJSProtocolError', retriable: false });

describe('KafkaFlowSink', () => {
  it('keys flows by destination workload, encodes them as Flow JSON and flushes on close', async () => {
    const producer = new FakeProducer();
    const sink = new KafkaFlowSink({ producer, lingerMs: 1000 });
    await sink.connect();
    const flows = [flow(80), flow(443, 'cache')];
    await sink.sendFlows(flows);
    await sink.close();
    const messages = producer.messages(DEFAULT_FLOW_TOPICS.flows);
    expect(messages.map((message) => message.key)).toEqual(flows.map(flowKey));
    expect(messages.map((message) => decodeFlow(message.value as string))).toEqual(flows.map((value) => ({ ok: true, flow: value })));
    expect(producer.connected).toBe(false);
  });

  it('sends a full batch at once and the rest when flushed', async () => {
    const producer = new FakeProducer();
    const sink = new KafkaFlowSink({ producer, batchSize: 10, lingerMs: 60_000 });
    await sink.sendFlows(Array.from({ length: 10 }, (_, index) => flow(index + 1)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(producer.batches).toHaveLength(1);
    await sink.sendFlows(Array.from({ length: 5 }, (_, index) => flow(index + 11)));
    await new Promise((resolve) => setImmediate(resolve));
    // Five messages linger (for up to a minute here) until the flush sends them.
    expect(producer.batches).toHaveLength(1);
    await sink.flush();
    expect(producer.batches).toHaveLength(2);
    expect(producer.messages(DEFAULT_FLOW_TOPICS.flows)).toHaveLength(15);
  });

  it('writes dead letters with the raw record as value and reason, format, source and line as headers', async () => {
    const producer = new FakeProducer();
    const sink = new KafkaFlowSink({ producer, lingerMs: 0 });
    const letter = { source: 'events.log', line: 7, reason: 'not JSON', record: '{"flow":', format: 'hubble' as const };
    await sink.sendDeadLetters([letter, { source: 'events.log', line: 9, reason: 'held back, then unreadable' }]);
    await sink.flush();
    const [first, second] = producer.messages(DEFAULT_FLOW_TOPICS.deadLetters);
    expect(first?.headers?.[DEAD_LETTER_HEADERS.reason]).toBe('not JSON');
    expect(readDeadLetter({ value: Buffer.from(first?.value as string), headers: first?.headers ?? {} })).toEqual(letter);
    expect(second?.value).toBeNull();
  });

  it('keeps one batch in flight and makes sends wait while the buffer is full', async () => {
    const producer = new FakeProducer();
    let open: () => void = () => undefined;
    producer.gate = new Promise<void>((resolve) => (open = resolve));
    const sink = new KafkaFlowSink({ producer, batchSize: 5, maxBufferedMessages: 10, lingerMs: 0 });
    await sink.sendFlows([flow(1), flow(2), flow(3), flow(4), flow(5)]);
    let accepted = false;
    const full = sink.sendFlows([flow(6), flow(7), flow(8), flow(9), flow(10)]).then(() => (accepted = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(accepted).toBe(false);
    expect(sink.bufferedMessages).toBe(10);
    open();
    await full;
    await sink.close();
    expect(producer.maxInFlight).toBe(1);
    expect(producer.messages(DEFAULT_FLOW_TOPICS.flows).map((message) => decodeFlow(message.value as string))).toEqual(
      Array.from({ length: 10 }, (_, index) => ({ ok: true, flow: flow(index + 1) })),
    );
  });

  it('retries a batch after retriable errors and loses nothing', async () => {
    const producer = new FakeProducer();
    producer.failures.push(retriable, Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' }));
    const retries: number[] = [];
    const sink = new KafkaFlowSink({ producer, lingerMs: 0, retry: { initialMs: 1, maxMs: 2 }, onRetry: (_, attempt) => retries.push(attempt) });
    await sink.sendFlows([flow(1), flow(2)]);
    await sink.flush();
    expect(retries).toEqual([1, 2]);
    expect(producer.messages(DEFAULT_FLOW_TOPICS.flows)).toHaveLength(2);
  });

  it('fails every waiting and later call with a non-retriable KafkaSinkError carrying the cause', async () => {
    const producer = new FakeProducer();
    producer.failures.push(fatal);
    const sink = new KafkaFlowSink({ producer, lingerMs: 0 });
    await sink.sendFlows([flow(1)]);
    const error: unknown = await sink.flush().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KafkaSinkError);
    expect(error).toMatchObject({ retriable: false, topic: DEFAULT_FLOW_TOPICS.flows, cause: fatal });
    await expect(sink.sendFlows([flow(2)])).rejects.toBe(error);
  });

  it('cuts a batch that piled up into batches under the byte limit, and a huge dead letter to its head', async () => {
    const producer = new FakeProducer();
    let open: () => void = () => undefined;
    producer.gate = new Promise<void>((resolve) => (open = resolve));
    const sink = new KafkaFlowSink({ producer, lingerMs: 0, maxBatchBytes: 2000 });
    await sink.sendFlows([flow(1)]);
    await sink.sendFlows(Array.from({ length: 20 }, (_, index) => flow(index + 2)));
    await sink.sendDeadLetters([{ source: 'events.log', line: 3, reason: 'not JSON', record: 'x'.repeat(3_000_000) }]);
    open();
    await sink.close();
    const sizes = producer.batches.map((batch) => batch.flatMap((entry) => entry.messages).reduce((sum, message) => sum + String(message.value).length, 0));
    expect(sizes.slice(1, -1).every((size) => size <= 2000)).toBe(true);
    expect(producer.messages(DEFAULT_FLOW_TOPICS.flows)).toHaveLength(21);
    const [letter] = producer.messages(DEFAULT_FLOW_TOPICS.deadLetters);
    expect((letter?.value as Buffer).length).toBe(256 * 1024);
    expect(letter?.headers?.['palisade-truncated-from']).toBe('3000000');
  });

  it('per-send mode (batch of one, nothing buffered) still delivers everything in order', async () => {
    const producer = new FakeProducer();
    const sink = new KafkaFlowSink({ producer, batchSize: 1, maxBufferedMessages: 1, lingerMs: 0 });
    for (let port = 1; port <= 5; port++) await sink.sendFlows([flow(port)]);
    await sink.close();
    expect(producer.batches).toHaveLength(5);
  });
});

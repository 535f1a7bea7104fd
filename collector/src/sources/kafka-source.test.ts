import { describe, expect, it } from 'vitest';
import { KafkaSource, type SourceConsumer } from './kafka-source.js';

type EachMessage = Parameters<SourceConsumer['run']>[0]['eachMessage'];

/** A consumer whose messages the test delivers by hand, as KafkaJS's fetch loop would. */
class FakeConsumer implements SourceConsumer {
  eachMessage: EachMessage | undefined;
  readonly commits: { topic: string; partition: number; offset: string }[][] = [];
  autoCommit: boolean | undefined;
  stopped = false;
  connect(): Promise<void> {
    return Promise.resolve();
  }
  subscribe(): Promise<void> {
    return Promise.resolve();
  }
  run(config: { autoCommit: boolean; eachMessage: EachMessage }): Promise<void> {
    this.autoCommit = config.autoCommit;
    this.eachMessage = config.eachMessage;
    return Promise.resolve();
  }
  commitOffsets(offsets: { topic: string; partition: number; offset: string }[]): Promise<void> {
    this.commits.push(offsets);
    return Promise.resolve();
  }
  stop(): Promise<void> {
    this.stopped = true;
    return Promise.resolve();
  }
  disconnect(): Promise<void> {
    return Promise.resolve();
  }
  deliver(partition: number, offset: number, value: string | null): Promise<void> {
    if (!this.eachMessage) throw new Error('run() was not called');
    return this.eachMessage({ topic: 'netobserv-flows', partition, message: { offset: String(offset), value: value === null ? null : Buffer.from(value) } });
  }
}

describe('KafkaSource', () => {
  it('yields one record per message, commits only what it was told to, and holds the consumer while its queue is full', async () => {
    const consumer = new FakeConsumer();
    const source = new KafkaSource({ topic: 'netobserv-flows', consumer, maxQueued: 2 });
    const lines = source.chunks()[Symbol.asyncIterator]();
    const first = lines.next();
    await new Promise((resolve) => setImmediate(resolve));
    expect(consumer.autoCommit).toBe(false);

    await consumer.deliver(0, 41, '{"SrcAddr":"10.0.0.1"}');
    expect(await first).toEqual({ done: false, value: [{ record: '{"SrcAddr":"10.0.0.1"}', origin: { source: 'kafka:netobserv-flows/0', line: 41 } }] });
    await consumer.deliver(1, 7, 'b');
    await consumer.deliver(1, 8, 'c');
    let thirdAccepted = false;
    const third = consumer.deliver(0, 42, 'd').then(() => (thirdAccepted = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(thirdAccepted).toBe(false);

    const second = await lines.next();
    expect(second.done === true ? [] : second.value.map((line) => line.record)).toEqual(['b', 'c']);
    await third;
    const position = source.position();
    expect([...position]).toEqual([
      [0, '42'],
      [1, '9'],
    ]);
    await source.commit(position);
    expect(consumer.commits).toEqual([
      [
        { topic: 'netobserv-flows', partition: 0, offset: '42' },
        { topic: 'netobserv-flows', partition: 1, offset: '9' },
      ],
    ]);

    source.stop();
    expect((await lines.next()).done).toBe(true);
    await source.close();
    expect(consumer.stopped).toBe(true);
  });
});

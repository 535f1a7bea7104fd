import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { startPrivateKafka } from '../../helpers/private-kafka.js';

describe('private Kafka broker for tests that restart one', () => {
  it('keeps a topic and its messages across a restart, without touching the shared broker', async () => {
    const broker = await startPrivateKafka();
    expect(broker.brokers).not.toContain(process.env['KAFKA_BROKERS']);
    const kafka = new Kafka({ clientId: 'palisade-test', brokers: [...broker.brokers], logLevel: logLevel.NOTHING });

    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'restart-check', messages: [{ value: 'before' }] });
    await producer.disconnect();

    await broker.restart();

    const admin = kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets('restart-check');
      expect(offsets.map(({ partition, high }) => [partition, high])).toEqual([[0, '1']]);
    } finally {
      await admin.disconnect();
    }
  });
});

import { FlowSchema, workloadId, type Flow, type FlowInput } from '@palisade/collector';
import type { Consumer, Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createTestKafka, freshKafkaTopic } from '../../helpers/kafka.js';

function flowFrom(workload: string, port: number): FlowInput {
  return {
    time: 1_700_000_000_000 + port,
    source: { kind: 'pod', ip: '10.1.0.5', namespace: 'shop', workload: { kind: 'Deployment', name: workload } },
    destination: { kind: 'pod', ip: '10.1.0.9', namespace: 'shop', workload: { kind: 'Deployment', name: 'db' } },
    protocol: 'TCP',
    port,
    verdict: 'allowed',
    format: 'hubble',
  };
}

/**
 * Consumes `count` messages with the group, committing each message's offset once it is handled
 * (no auto-commit), and returns the parsed flows; the consumer is disconnected afterwards.
 */
async function consumeAndCommit(kafka: Kafka, topic: string, groupId: string, count: number): Promise<Flow[]> {
  const consumer: Consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  const flows: Flow[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            flows.push(FlowSchema.parse(JSON.parse(message.value?.toString('utf8') ?? 'null')));
            await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
            if (flows.length === count) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return flows;
}

describe('Kafka round trip (real broker)', () => {
  it('carries Flow records through a topic to a consumer group, which resumes from its committed offsets', async () => {
    const kafka = createTestKafka();
    const { topic, groupId } = await freshKafkaTopic(kafka, { partitions: 2 });
    const producer = kafka.producer();
    await producer.connect();
    const send = (flows: FlowInput[]) =>
      producer.send({
        topic,
        messages: flows.map((flow) => ({
          key: flow.source.workload ? workloadId('shop', flow.source.workload) : null,
          value: JSON.stringify(flow),
        })),
      });
    try {
      const firstBatch = [flowFrom('web', 8080), flowFrom('web', 8081), flowFrom('api', 5432), flowFrom('api', 6379)];
      await send(firstBatch);

      const consumed = await consumeAndCommit(kafka, topic, groupId, firstBatch.length);
      const expected = firstBatch.map((flow) => FlowSchema.parse(flow));
      expect(consumed).toHaveLength(firstBatch.length);
      expect(consumed).toEqual(expect.arrayContaining(expected));

      // What the group committed is where each partition ends: nothing consumed is read again.
      const admin = kafka.admin();
      await admin.connect();
      try {
        const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
        const ends = await admin.fetchTopicOffsets(topic);
        const byPartition = (offsets: readonly { partition: number; offset: string }[]) =>
          Object.fromEntries(offsets.map(({ partition, offset }) => [partition, offset]));
        expect(byPartition(committed?.partitions ?? [])).toEqual(byPartition(ends));
      } finally {
        await admin.disconnect();
      }

      const secondBatch = [flowFrom('web', 9090), flowFrom('api', 9091)];
      await send(secondBatch);
      const resumed = await consumeAndCommit(kafka, topic, groupId, secondBatch.length);
      expect(resumed.map((flow) => flow.port).sort()).toEqual([9090, 9091]);
    } finally {
      await producer.disconnect();
    }
  });
});

import { decodeFlow } from '@palisade/collector';
import { KafkaFlowSink, readDeadLetter } from '@palisade/collector/kafka';
import { Partitioners } from 'kafkajs';
import { onTestFinished } from 'vitest';
import { describeFlowSinkContract } from '../../../collector/src/sinks/testing/flow-sink-contract.js';
import { createTestKafka, freshKafkaTopic } from '../../helpers/kafka.js';
import { readTopic } from './collector-harness.js';

// The same contract the memory sink passes, against the real broker: fresh randomUUID() topics per
// test, read back with a kafkajs consumer. Small batches, so one test's sends span several of them,
// and several partitions, so order is only promised per key.
describeFlowSinkContract('kafka', async () => {
  const kafka = createTestKafka();
  const flows = await freshKafkaTopic(kafka, { partitions: 3 });
  const deadLetters = await freshKafkaTopic(kafka, { partitions: 2 });
  // As collect-main makes it: idempotent, one request in flight, Java's partitioner.
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  const sink = new KafkaFlowSink({ producer, topics: { flows: flows.topic, deadLetters: deadLetters.topic }, batchSize: 5, lingerMs: 5 });
  await sink.connect();
  // Hooks run last-registered first: the sink closes before the topics are deleted.
  onTestFinished(() => sink.close());
  return {
    sink,
    delivered: async () => ({
      flows: (await readTopic(kafka, flows.topic)).map((message) => {
        const decoded = decodeFlow(message.value);
        if (!decoded.ok) throw new Error(`the flows topic holds a message that is no Flow: ${decoded.reason}`);
        return decoded.flow;
      }),
      deadLetters: (await readTopic(kafka, deadLetters.topic)).map((message) => readDeadLetter(message)),
    }),
  };
});

import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { onTestFinished } from 'vitest';
import { readServiceEnv } from './service-env.js';

/** A topic and a consumer group that belong to one test only. */
export interface KafkaTestTopic {
  readonly topic: string;
  readonly groupId: string;
}

/** A kafkajs client for the test broker; quiet, because a failing assertion says more than its logs. */
export function createTestKafka(clientId = 'palisade-test'): Kafka {
  return new Kafka({
    clientId,
    brokers: [...readServiceEnv().kafkaBrokers],
    logLevel: logLevel.ERROR,
    // The broker is local: a short retry budget turns "not running" into a fast, clear failure.
    retry: { retries: 3, initialRetryTime: 200 },
  });
}

/**
 * Creates a topic with a fresh `randomUUID()` name and picks an unused consumer group name. Call it
 * inside a test: the topic and the group are deleted when that test finishes.
 */
export async function freshKafkaTopic(
  kafka: Kafka,
  options: { readonly partitions?: number } = {},
): Promise<KafkaTestTopic> {
  const id = randomUUID();
  const scope: KafkaTestTopic = { topic: `palisade-test-${id}`, groupId: `palisade-test-group-${id}` };
  const admin = kafka.admin();
  await admin.connect();
  try {
    const created = await admin.createTopics({
      topics: [{ topic: scope.topic, numPartitions: options.partitions ?? 1, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    if (!created) throw new Error(`Kafka topic ${scope.topic} already existed`);
  } finally {
    await admin.disconnect();
  }
  onTestFinished(() => deleteKafkaScope(kafka, scope));
  return scope;
}

async function deleteKafkaScope(kafka: Kafka, scope: KafkaTestTopic): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const groups = await admin.listGroups();
    if (groups.groups.some((group) => group.groupId === scope.groupId)) {
      // A consumer process a test ended may not have left the group yet (GROUP_NOT_EMPTY). The group
      // name is unique to the test and empties when its session times out, so this is only tidying.
      await admin.deleteGroups([scope.groupId]).catch(() => undefined);
    }
    await admin.deleteTopics({ topics: [scope.topic] });
  } finally {
    await admin.disconnect();
  }
}

import type { ITopicConfig, ITopicMetadata } from 'kafkajs';
import { isRetriable, KafkaSinkError } from '../../errors.js';

/**
 * Creates the collector's topics when they are missing, with the partition count and replication
 * factor the operator chose. Partitions bound how many baseliner replicas can share the work
 * (ARCHITECTURE.md, "Scaling out"), so the count is a deployment decision, not a broker default.
 * An existing topic is never altered: shrinking is impossible and growing moves keys between
 * partitions, which only the operator should decide.
 */

/** The admin calls topic setup makes: a KafkaJS `Admin` satisfies it, and so does a test fake. */
export interface TopicAdmin {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  listTopics(): Promise<string[]>;
  createTopics(options: { topics: ITopicConfig[]; waitForLeaders?: boolean }): Promise<boolean>;
  fetchTopicMetadata(options: { topics: string[] }): Promise<{ topics: ITopicMetadata[] }>;
}

/** A topic the collector writes to. */
export interface TopicSpec {
  readonly topic: string;
  readonly partitions: number;
  /** @default 1 */
  readonly replicationFactor?: number;
}

/** What topic setup found or did for one topic. */
export interface TopicSetupResult {
  readonly topic: string;
  readonly created: boolean;
  /** Partitions the topic has now. */
  readonly partitions: number;
  /** Set when an existing topic has another partition count than asked for (it is left alone). */
  readonly warning?: string;
}

/**
 * Ensures every topic exists; creates the missing ones and waits for their leaders.
 * @throws KafkaSinkError when the broker cannot be reached or refuses to create a topic.
 */
export async function ensureTopics(admin: TopicAdmin, specs: readonly TopicSpec[]): Promise<TopicSetupResult[]> {
  try {
    await admin.connect();
  } catch (error) {
    throw new KafkaSinkError(`cannot reach Kafka to set up topics: ${(error as Error).message}`, undefined, { cause: error, retriable: isRetriable(error) });
  }
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((spec) => !existing.has(spec.topic));
    if (missing.length > 0) {
      try {
        await admin.createTopics({
          topics: missing.map((spec) => ({ topic: spec.topic, numPartitions: spec.partitions, replicationFactor: spec.replicationFactor ?? 1 })),
          waitForLeaders: true,
        });
      } catch (error) {
        // Another collector may have created it between our list and our create: that is fine.
        if ((error as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') {
          throw new KafkaSinkError(`cannot create topics ${missing.map((spec) => spec.topic).join(', ')}: ${(error as Error).message}`, missing[0]?.topic, {
            cause: error,
            retriable: isRetriable(error),
          });
        }
      }
    }
    const metadata = await admin.fetchTopicMetadata({ topics: specs.map((spec) => spec.topic) });
    const partitionsOf = new Map(metadata.topics.map((topic) => [topic.name, topic.partitions.length]));
    return specs.map((spec) => {
      const partitions = partitionsOf.get(spec.topic) ?? 0;
      const created = missing.includes(spec);
      return {
        topic: spec.topic,
        created,
        partitions,
        ...(partitions !== spec.partitions && !created
          ? { warning: `topic ${spec.topic} has ${partitions} partitions, not the ${spec.partitions} asked for; it is left as it is` }
          : {}),
      };
    });
  } finally {
    await admin.disconnect();
  }
}

import type { BaselineStore } from '../store/baseline-store.js';
import type { FlowConsumer } from './flow-consumer.js';
import type { BaselinerLogger } from './logger.js';
import type { RetryingCalls } from './retrying-calls.js';

/**
 * What reading the stored partition offsets and moving the consumer to them takes: resuming
 * assigned partitions, and the lost-write guard.
 */
export interface StoredOffsetDependencies {
  readonly store: Pick<BaselineStore, 'partitionOffsets'>;
  readonly consumer: Pick<FlowConsumer, 'seek'>;
  readonly logger: BaselinerLogger;
  readonly calls: RetryingCalls;
}

/**
 * Seeks newly assigned partitions to the offsets stored in the baseline. They may be ahead of the
 * group's commit (a crash before the commit) or behind it (Redis restored from an older AOF); both
 * are exact with stored offsets. When they cannot be read the group's offsets stand.
 */
export async function resumeFromStoredOffsets(assignment: ReadonlyMap<string, readonly number[]>, dependencies: StoredOffsetDependencies): Promise<void> {
  const { store, consumer, logger, calls } = dependencies;
  try {
    for (const [topic, partitions] of assignment) {
      const stored = await calls.run('reading partition offsets', () => store.partitionOffsets(topic));
      for (const partition of partitions) {
        const offset = stored.get(partition);
        if (offset !== undefined) consumer.seek(topic, partition, offset);
      }
      logger.info({ topic, partitions, resumeFrom: Object.fromEntries(stored) }, 'partitions assigned');
    }
  } catch (error) {
    logger.error({ err: error }, 'could not read stored offsets; resuming from the group offsets');
  }
}

import type { StoredOffsetDependencies } from './partition-resume.js';

/**
 * The guard against a store that lost acknowledged writes. A Redis that crashed without persisting
 * its last writes (AOF `everysec`) comes back with partition offsets below the ones this process
 * recorded; the consumer, far ahead in memory, would never re-read what was lost. Offsets only
 * ever rise otherwise, so a lower one means loss: what is pending must be dropped (it would be
 * stored above the gap) and the partition re-read from the stored offset.
 */
export interface LostWriteGuard {
  /** Remembers offsets this process recorded in the store. */
  noteRecorded(topic: string, offsets: ReadonlyMap<number, number>): void;
  /**
   * Compares the stored offsets with the recorded ones (one read per topic, before each flush).
   * On loss, seeks the consumer back to the stored offsets and returns true: the caller drops
   * what it holds.
   */
  storeLostWrites(): Promise<boolean>;
}

/** A guard with nothing recorded yet. */
export function createLostWriteGuard(options: StoredOffsetDependencies): LostWriteGuard {
  const { store, consumer, logger, calls } = options;
  /** Per topic, per partition: the next offset this process last recorded in the store. */
  const recorded = new Map<string, Map<number, number>>();
  return {
    noteRecorded(topic, offsets) {
      const mine = recorded.get(topic) ?? new Map<number, number>();
      for (const [partition, offset] of offsets) mine.set(partition, Math.max(mine.get(partition) ?? 0, offset));
      recorded.set(topic, mine);
    },
    async storeLostWrites() {
      let lost = false;
      for (const [topic, mine] of recorded) {
        const stored = await calls.run('reading partition offsets', () => store.partitionOffsets(topic));
        for (const [partition, offset] of mine) {
          const now = stored.get(partition) ?? 0;
          if (now >= offset) continue;
          lost = true;
          logger.warn({ topic, partition, recorded: offset, stored: now }, 'the baseline store lost writes; re-reading the partition from its stored offset');
          consumer.seek(topic, partition, now);
          mine.set(partition, now);
        }
      }
      return lost;
    },
  };
}

import { DEAD_LETTER_HEADERS, decodeFlow } from '@palisade/collector';
import type { BatchAggregator } from '../store/batch-aggregator.js';
import type { ConsumedBatch, OutgoingRecord } from './flow-consumer.js';

/**
 * Decodes a consumed batch into the aggregator and returns the dead letters for the messages that
 * are not Flows. A poison message is parked, never retried: the partition moves on. A message the
 * aggregator already took (redelivered after a seek) yields nothing.
 */
export function takeBatch(aggregator: BatchAggregator, batch: ConsumedBatch): OutgoingRecord[] {
  const deadLetters: OutgoingRecord[] = [];
  for (const message of batch.messages) {
    const position = { topic: batch.topic, partition: batch.partition, offset: Number(message.offset) };
    const decoded = decodeFlow(message.value);
    if (decoded.ok) aggregator.add(decoded.flow, position, message.value ?? undefined);
    else if (aggregator.skip(position)) {
      deadLetters.push({
        key: message.key,
        value: message.value,
        headers: { [DEAD_LETTER_HEADERS.reason]: decoded.reason, [DEAD_LETTER_HEADERS.source]: `${batch.topic}/${batch.partition}@${message.offset}` },
      });
    }
  }
  return deadLetters;
}

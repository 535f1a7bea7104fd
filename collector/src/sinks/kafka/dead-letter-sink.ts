import type { IHeaders, Message } from 'kafkajs';
import type { FlowFormat } from '../../flow/flow.js';
import { FlowFormatSchema } from '../../flow/flow.js';
import type { DeadLetter } from '../../pipeline/records.js';
import { DEAD_LETTER_HEADERS } from './flow-topics.js';

/**
 * The dead-letter topic's message shape (ARCHITECTURE.md: "the raw record, with headers for the
 * reason and the source format"). The value is the record exactly as read, so an operator can
 * replay it once the adapter is fixed; everything Palisade knows about it goes in headers, so the
 * value stays byte-for-byte the input.
 */

/** Header set on a dead letter whose record was cut: the record's full length in bytes. */
export const DEAD_LETTER_TRUNCATED_HEADER = 'palisade-truncated-from';

/**
 * The most bytes of a record a dead letter carries. A line of several megabytes (a torn write, a
 * binary file followed by mistake) would exceed the broker's message size and, refused for good,
 * stop the sink; its first 256 KiB say enough about what went wrong.
 */
export const MAX_DEAD_LETTER_BYTES = 256 * 1024;

/** The Kafka message for one dead letter. */
export function deadLetterMessage(letter: DeadLetter): Message {
  const headers: IHeaders = {
    [DEAD_LETTER_HEADERS.reason]: letter.reason,
    [DEAD_LETTER_HEADERS.source]: letter.source,
    [DEAD_LETTER_HEADERS.line]: String(letter.line),
  };
  if (letter.format !== undefined) headers[DEAD_LETTER_HEADERS.format] = letter.format;
  let value: Buffer | string | null = letter.record ?? null;
  if (value !== null && value.length > MAX_DEAD_LETTER_BYTES / 4) {
    const bytes = Buffer.from(value);
    if (bytes.length > MAX_DEAD_LETTER_BYTES) {
      headers[DEAD_LETTER_TRUNCATED_HEADER] = String(bytes.length);
      value = bytes.subarray(0, MAX_DEAD_LETTER_BYTES);
    }
  }
  // Keyed by where the record came from, so the dead letters of one source stay in order on one
  // partition. A record settled after it left memory (held back, then decided) has no raw value.
  return { key: letter.source, value, headers };
}

/** A dead letter read back from the topic (tests, and tools that replay the topic). */
export function readDeadLetter(message: { readonly value: Buffer | null; readonly headers?: IHeaders }): DeadLetter {
  const header = (name: string): string | undefined => {
    const value = message.headers?.[name];
    const first = Array.isArray(value) ? value[0] : value;
    return first === undefined ? undefined : first.toString();
  };
  const format = FlowFormatSchema.safeParse(header(DEAD_LETTER_HEADERS.format));
  const line = Number(header(DEAD_LETTER_HEADERS.line));
  return {
    source: header(DEAD_LETTER_HEADERS.source) ?? '',
    line: Number.isInteger(line) ? line : 0,
    reason: header(DEAD_LETTER_HEADERS.reason) ?? '',
    ...(message.value !== null ? { record: message.value.toString('utf8') } : {}),
    ...(format.success ? { format: format.data satisfies FlowFormat } : {}),
  };
}

import type { Flow, FlowFormat } from '../flow/flow.js';
import type { FlowStream } from '../pipeline/flow-stream.js';
import type { DeadLetter, SourceLine, StreamEvent } from '../pipeline/records.js';
import type { FlowSink } from '../sinks/sink.js';

/**
 * The one loop of the collector, shared by the `collect` service (a source → Kafka) and the
 * embedded ingest of `palisade generate --flows` (files → memory): a source's chunks of lines →
 * the adapters (`FlowStream`) → a flow sink. What each caller makes of the records (metrics, the
 * report) it learns through a {@link PumpObserver}; the sink only ever sees flows and dead letters.
 *
 * Per-record work is synchronous; only chunks cost an await, and that await is the sink's
 * back-pressure: a full sink buffer holds the source still.
 */

/** What the loop tells its caller as it goes. */
export interface PumpObserver {
  /** One record was read as `format` (`unknown` when no adapter recognised it); blank lines are not records. */
  readonly record?: (format: FlowFormat | 'unknown') => void;
  /**
   * The events of one chunk, or of the end of input (possibly none), just before they are handed
   * to the sink.
   */
  readonly events?: (events: readonly StreamEvent[]) => void;
  /** After a chunk's flows and dead letters were accepted by the sink, before the next chunk is read. */
  readonly delivered?: () => void;
}

/** Pushes one chunk of lines through the stream and returns the events they produced, in order. */
export function readChunk(stream: FlowStream, chunk: Iterable<SourceLine>, observer: PumpObserver = {}): StreamEvent[] {
  const events: StreamEvent[] = [];
  for (const { record, origin } of chunk) {
    const result = stream.push(record, origin);
    if (result === undefined) continue;
    observer.record?.(result.format);
    for (const event of result.events) events.push(event);
  }
  return events;
}

/**
 * Hands the flows and dead letters among `events` to the sink, in their order. Both are handed
 * over before either is awaited, so a checkpoint taken meanwhile never counts records whose dead
 * letters are not yet in the sink.
 */
export function deliverEvents(sink: FlowSink, events: readonly StreamEvent[], observer: PumpObserver = {}): Promise<void> {
  observer.events?.(events);
  let flows: Flow[] | undefined;
  let letters: DeadLetter[] | undefined;
  for (const event of events) {
    if (event.kind === 'flow') (flows ??= []).push(event.flow);
    else if (event.kind === 'dead-letter') (letters ??= []).push(event.letter);
  }
  if (flows === undefined && letters === undefined) return Promise.resolve();
  return Promise.all([flows ? sink.sendFlows(flows) : undefined, letters ? sink.sendDeadLetters(letters) : undefined]).then(() => undefined);
}

/**
 * Moves every chunk of `chunks` through `stream` into `sink`, then settles the records the adapters
 * held back and delivers those too. It neither flushes nor closes the sink: the caller decides
 * when (the service commits its source position in between).
 * @throws the source's or the sink's error.
 */
export async function pumpRecords(chunks: AsyncIterable<readonly SourceLine[]>, stream: FlowStream, sink: FlowSink, observer: PumpObserver = {}): Promise<void> {
  for await (const chunk of chunks) {
    await deliverEvents(sink, readChunk(stream, chunk, observer), observer);
    observer.delivered?.();
  }
  await deliverEvents(sink, stream.finish(), observer);
}

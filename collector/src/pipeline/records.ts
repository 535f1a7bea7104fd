import type { AdapterOutcome, RecordOrigin } from '../adapters/adapter.js';
import type { Flow, FlowFormat } from '../flow/flow.js';

/**
 * The record contracts every stage above the adapters shares: a line with where it came from (what
 * sources hand out), what became of it (what `FlowStream` hands on), and the dead letter of a
 * record that could not be read (what sinks, the dead-letter topic and `--dead-letter` receive).
 * They live apart from any one stage so that sources, the stream, the sinks and the services all
 * import them from here and none of those imports another for a type.
 *
 * `RecordOrigin` and `AdapterOutcome` are declared by the adapters, the lower floor that produces
 * them; they are re-exported here so the stages above find every record type in one place.
 */
export type { AdapterOutcome, RecordOrigin };

/** One line of input with where it came from. */
export interface SourceLine {
  readonly record: string;
  readonly origin: RecordOrigin;
}

/** A record that could not be read, for the dead-letter topic or file and the report. */
export interface DeadLetter {
  readonly source: string;
  readonly line: number;
  readonly reason: string;
  /** The raw line, when it is still at hand (records held back and settled later have none). */
  readonly record?: string;
  /** The format the line was read as, when one was detected. */
  readonly format?: FlowFormat;
}

/**
 * What became of one record in the pipeline, with where it came from: the adapter's outcome
 * (flow, dead letter, quarantine or skip) tied to its origin and format.
 */
export type StreamEvent =
  | { readonly kind: 'flow'; readonly flow: Flow; readonly format: FlowFormat; readonly origin: RecordOrigin }
  | { readonly kind: 'dead-letter'; readonly letter: DeadLetter }
  | { readonly kind: 'quarantine' | 'skip'; readonly reason: string; readonly format: FlowFormat; readonly origin: RecordOrigin };

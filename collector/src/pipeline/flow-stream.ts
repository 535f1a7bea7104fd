import type { FlowAdapter } from '../adapters/adapter.js';
import type { FlowFormat } from '../flow/flow.js';
import { detectFormat, type IngestFormat } from '../adapters/format-detect.js';
import { createAdapterFor, type AdapterFactoryOptions } from '../adapters/format-detectors.js';
import type { IdentityResolver } from '../identity/identity-resolver.js';
import type { AdapterOutcome, DeadLetter, RecordOrigin, StreamEvent } from './records.js';
import { RecordTimes, type RecordTimeCheck } from './record-times.js';

/**
 * The adapters stage of the one pipeline: lines → the adapter of their format → events. The
 * `collect` service and the embedded ingest both run it, through one loop (service/record-pump.ts)
 * that hands its events to a flow sink. Each pushed line hands back what became of it at once, and
 * nothing is kept except the adapters' own bounded state (connection tables, records held back for
 * orientation). Blank lines are not records, a line no detector recognises is a dead letter, and
 * every other line goes to the adapter of its format.
 */

/** Makes the adapter of one format, with the resolver shared by all of them. */
export type AdapterFactory = (format: FlowFormat, resolver: IdentityResolver | undefined) => FlowAdapter | undefined;

/** Options of {@link FlowStream}. */
export interface FlowStreamOptions {
  /** @default 'auto' */
  readonly format?: IngestFormat;
  /**
   * Identity lookups for records that name endpoints by address. A live resolver (cluster-watch.ts)
   * answers from the latest cluster snapshot at each call.
   */
  readonly resolver?: IdentityResolver;
  /** Per-line format detection for `auto`. @default detectFormat */
  readonly detect?: (line: string) => FlowFormat | undefined;
  /** @default {@link defaultAdapterFactory} */
  readonly adapterFor?: AdapterFactory;
  /**
   * Which flow times are believable (record-times.ts): a flow dated outside them becomes a dead
   * letter. @default {@link DEFAULT_RECORD_TIME_LIMITS} against `Date.now`
   */
  readonly recordTimes?: RecordTimeCheck;
}

/** Every adapter (Hubble, Calico, AWS VPC CNI, Antrea, NetObserv) made with `options`, sharing the resolver. */
export function adapterFactory(options: Omit<AdapterFactoryOptions, 'resolver'> = {}): AdapterFactory {
  return (format, resolver) => createAdapterFor(format, { ...options, ...(resolver ? { resolver } : {}) });
}

/** Every adapter with its default options, sharing the resolver. */
export const defaultAdapterFactory: AdapterFactory = adapterFactory();

const UNKNOWN_FORMAT = 'unknown format: no adapter recognises this line';

/** Lines in, events out, one line at a time. */
export class FlowStream {
  private readonly adapters = new Map<FlowFormat, FlowAdapter>();
  private readonly format: IngestFormat;
  private readonly detect: (line: string) => FlowFormat | undefined;
  private readonly adapterFor: AdapterFactory;
  private readonly times: RecordTimes;
  private finished = false;

  constructor(private readonly options: FlowStreamOptions = {}) {
    this.format = options.format ?? 'auto';
    this.detect = options.detect ?? detectFormat;
    this.adapterFor = options.adapterFor ?? defaultAdapterFactory;
    this.times = new RecordTimes(options.recordTimes);
  }

  /**
   * Reads one line. Returns undefined for a blank line (not a record), else the format it was read
   * as (`unknown` when none) and the events it produced, which may include events of records
   * held back earlier.
   */
  push(record: string, origin: RecordOrigin): { readonly format: FlowFormat | 'unknown'; readonly events: readonly StreamEvent[] } | undefined {
    if (this.finished) throw new Error('FlowStream.push after finish()');
    if (record.trim() === '') return undefined;
    const format = this.format === 'auto' ? this.detect(record) : this.format;
    if (format === undefined) {
      return { format: 'unknown', events: [{ kind: 'dead-letter', letter: deadLetter(origin, UNKNOWN_FORMAT, record, undefined) }] };
    }
    const adapter = this.adapter(format);
    if (adapter === undefined) {
      return { format, events: [{ kind: 'dead-letter', letter: deadLetter(origin, `no ${format} adapter in this build`, record, format) }] };
    }
    let outcomes: readonly AdapterOutcome[];
    try {
      outcomes = adapter.push(record, origin);
    } catch (error) {
      // An adapter bug must not stop the stream: the record is set aside with the error.
      return { format, events: [{ kind: 'dead-letter', letter: deadLetter(origin, `adapter failed: ${(error as Error).message}`, record, format) }] };
    }
    return { format, events: outcomes.map((outcome) => toEvent(outcome, origin, record, format, this.times)) };
  }

  /** End of input: settles the records every adapter held back. */
  finish(): readonly StreamEvent[] {
    if (this.finished) return [];
    this.finished = true;
    const events: StreamEvent[] = [];
    for (const [format, adapter] of this.adapters)
      for (const outcome of adapter.finish()) events.push(toEvent(outcome, outcome.origin ?? { source: '', line: 0 }, undefined, format, this.times));
    return events;
  }

  private adapter(format: FlowFormat): FlowAdapter | undefined {
    let adapter = this.adapters.get(format);
    if (adapter === undefined) {
      adapter = this.adapterFor(format, this.options.resolver);
      if (adapter !== undefined) this.adapters.set(format, adapter);
    }
    return adapter;
  }
}

function toEvent(outcome: AdapterOutcome, pushed: RecordOrigin, record: string | undefined, format: FlowFormat, times: RecordTimes): StreamEvent {
  // An outcome that names its own origin belongs to a record held back earlier, not to this line.
  const origin = outcome.origin ?? pushed;
  switch (outcome.kind) {
    case 'flow': {
      // Every format's times pass this one check, whatever its adapter parsed them from.
      const unbelievable = times.reason(outcome.flow.time);
      if (unbelievable !== undefined) return { kind: 'dead-letter', letter: deadLetter(origin, unbelievable, outcome.origin === undefined ? record : undefined, format) };
      return { kind: 'flow', flow: outcome.flow, format, origin };
    }
    case 'dead-letter':
      // A record held back and settled later is no longer at hand: its letter has no raw line.
      return { kind: 'dead-letter', letter: deadLetter(origin, outcome.reason, outcome.origin === undefined ? record : undefined, format) };
    case 'quarantine':
    case 'skip':
      return { kind: outcome.kind, reason: outcome.reason, format, origin };
  }
}

/** Fields in one order, so `generate --dead-letter` writes every letter alike. */
function deadLetter(origin: RecordOrigin, reason: string, record: string | undefined, format: FlowFormat | undefined): DeadLetter {
  return {
    source: origin.source,
    line: origin.line,
    reason,
    ...(record !== undefined ? { record } : {}),
    ...(format !== undefined ? { format } : {}),
  };
}

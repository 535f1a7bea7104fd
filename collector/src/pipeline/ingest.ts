import type { Readable } from 'node:stream';
import type { ClusterState } from '../identity/cluster-state.js';
import type { Flow, FlowFormat } from '../flow/flow.js';
import { adapterFactory, FlowStream } from './flow-stream.js';
import type { IngestFormat } from '../adapters/format-detect.js';
import type { HubbleAdapterOptions } from '../adapters/hubble/hubble.js';
import { resolverFor } from '../identity/identity-resolver.js';
import { readLines, type LineSource } from './read-lines.js';
import type { DeadLetter, RecordOrigin, SourceLine, StreamEvent } from './records.js';

/**
 * The ingestion pipeline behind `palisade generate --flows`: lines from files or stdin → the
 * adapter of their format → oriented Flows, with an account of every record (flow, dead letter,
 * quarantine or skip). Records go through the one core, `FlowStream` (flow-stream.ts); `Ingestor`
 * and `ingestLines` keep the flows and the account, synchronously and pure apart from the
 * callbacks; `ingest` adds the streaming file edge.
 */

/** An example of a record in the report: where it is and why it was set aside. */
export interface RecordExample {
  readonly source: string;
  readonly line: number;
  readonly reason: string;
}

/** What happened to the input, for the CLI's summary and `report.json`. */
export interface IngestReport {
  /** Non-blank lines read. */
  readonly recordsRead: number;
  readonly flowsProduced: number;
  /** Flows with verdict `denied` (listed as blocked attempts, rule 14). */
  readonly deniedFlows: number;
  /** Records per format (detected or given); `unknown` for lines no adapter recognised. */
  readonly recordsByFormat: Readonly<Partial<Record<FlowFormat | 'unknown', number>>>;
  readonly deadLetters: { readonly count: number; readonly examples: readonly RecordExample[] };
  readonly quarantined: {
    readonly count: number;
    readonly byReason: Readonly<Record<string, number>>;
    readonly examples: readonly RecordExample[];
  };
  readonly skipped: { readonly count: number; readonly byReason: Readonly<Record<string, number>> };
}

/** Flows and the account of the input. */
export interface IngestResult {
  readonly flows: Flow[];
  readonly report: IngestReport;
}

/** Options of the ingestion pipeline. */
export interface IngestOptions {
  /**
   * The format of every line, or `auto` to detect each line.
   * @default 'auto'
   */
  readonly format?: IngestFormat;
  /** Cluster objects for identity resolution and Service translation. */
  readonly clusterState?: ClusterState;
  /** Further Hubble adapter options (connection table bounds, hold-back). */
  readonly hubble?: Omit<HubbleAdapterOptions, 'clusterState' | 'resolver'>;
  /** Called with each dead letter (e.g. to write `--dead-letter FILE`). */
  readonly onDeadLetter?: (letter: DeadLetter) => void;
  /** Called every `progressEvery` records with the count so far (for a TTY progress line). */
  readonly onProgress?: (recordsRead: number) => void;
  /** @default 10000 */
  readonly progressEvery?: number;
  /**
   * How many examples of dead letters and quarantined records the report keeps.
   * @default 20
   */
  readonly maxExamples?: number;
}

/** Options of {@link ingest}: the pipeline options plus the stream `-` stands for. */
export interface IngestSourcesOptions extends IngestOptions {
  /** @default process.stdin */
  readonly stdin?: Readable;
}

/**
 * The incremental form for a file read once: push lines, then `finish()` for the flows and the
 * report. The records go through a {@link FlowStream}; this class keeps what it hands back.
 */
export class Ingestor {
  private readonly flows: Flow[] = [];
  private readonly stream: FlowStream;
  private readonly maxExamples: number;
  private readonly progressEvery: number;
  private recordsRead = 0;
  private deniedFlows = 0;
  private readonly recordsByFormat: Partial<Record<FlowFormat | 'unknown', number>> = {};
  private deadLetterCount = 0;
  private readonly deadLetterExamples: RecordExample[] = [];
  private quarantineCount = 0;
  private readonly quarantineByReason: Record<string, number> = {};
  private readonly quarantineExamples: RecordExample[] = [];
  private skipCount = 0;
  private readonly skipByReason: Record<string, number> = {};
  private finished = false;

  constructor(private readonly options: IngestOptions = {}) {
    const resolver = resolverFor({ clusterState: options.clusterState });
    this.stream = new FlowStream({ format: options.format ?? 'auto', ...(resolver ? { resolver } : {}), adapterFor: adapterFactory(options.hubble) });
    this.maxExamples = options.maxExamples ?? 20;
    this.progressEvery = Math.max(1, options.progressEvery ?? 10_000);
  }

  /** Reads one line. Blank lines are not records and are ignored. */
  push(record: string, origin: RecordOrigin): void {
    if (this.finished) throw new Error('Ingestor.push after finish()');
    const result = this.stream.push(record, origin);
    if (result === undefined) return;
    this.recordsRead++;
    if (this.options.onProgress && this.recordsRead % this.progressEvery === 0) this.options.onProgress(this.recordsRead);
    this.recordsByFormat[result.format] = (this.recordsByFormat[result.format] ?? 0) + 1;
    for (const event of result.events) this.account(event);
  }

  /** Settles records the adapters held back and returns the result. */
  finish(): IngestResult {
    if (!this.finished) {
      this.finished = true;
      for (const event of this.stream.finish()) this.account(event);
      if (this.options.onProgress && this.recordsRead % this.progressEvery !== 0) this.options.onProgress(this.recordsRead);
    }
    return {
      flows: this.flows,
      report: {
        recordsRead: this.recordsRead,
        flowsProduced: this.flows.length,
        deniedFlows: this.deniedFlows,
        recordsByFormat: { ...this.recordsByFormat },
        deadLetters: { count: this.deadLetterCount, examples: [...this.deadLetterExamples] },
        quarantined: { count: this.quarantineCount, byReason: { ...this.quarantineByReason }, examples: [...this.quarantineExamples] },
        skipped: { count: this.skipCount, byReason: { ...this.skipByReason } },
      },
    };
  }

  private account(event: StreamEvent): void {
    switch (event.kind) {
      case 'flow':
        this.flows.push(event.flow);
        if (event.flow.verdict === 'denied') this.deniedFlows++;
        break;
      case 'dead-letter': {
        const { source, line, reason } = event.letter;
        this.deadLetterCount++;
        if (this.deadLetterExamples.length < this.maxExamples) this.deadLetterExamples.push({ source, line, reason });
        this.options.onDeadLetter?.(event.letter);
        break;
      }
      case 'quarantine':
        this.quarantineCount++;
        this.quarantineByReason[event.reason] = (this.quarantineByReason[event.reason] ?? 0) + 1;
        if (this.quarantineExamples.length < this.maxExamples) this.quarantineExamples.push({ source: event.origin.source, line: event.origin.line, reason: event.reason });
        break;
      case 'skip':
        this.skipCount++;
        this.skipByReason[event.reason] = (this.skipByReason[event.reason] ?? 0) + 1;
        break;
    }
  }
}

/** Runs lines already in memory through the pipeline (the synchronous core; tests and benchmarks). */
export function ingestLines(lines: Iterable<SourceLine>, options: IngestOptions = {}): IngestResult {
  const ingestor = new Ingestor(options);
  for (const { record, origin } of lines) ingestor.push(record, origin);
  return ingestor.finish();
}

/**
 * Streams every source (file paths, `-` for stdin, or named streams) through the pipeline, in the
 * order given, with one set of adapters so connections are de-duplicated across files.
 * @throws the file system error of a source that cannot be opened.
 */
export async function ingest(sources: readonly LineSource[], options: IngestSourcesOptions = {}): Promise<IngestResult> {
  const ingestor = new Ingestor(options);
  for (const source of sources) for await (const { record, origin } of readLines(source, options.stdin)) ingestor.push(record, origin);
  return ingestor.finish();
}

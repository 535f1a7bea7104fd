import type { Flow, FlowFormat } from '../flow/flow.js';
import type { DeadLetter, StreamEvent } from './records.js';

/**
 * The account of an embedded ingest (`palisade generate --flows`): what happened to every record
 * of the input (flow, dead letter, quarantine or skip), for the CLI's summary and `report.json`.
 * {@link IngestAccount} builds it from the pipeline's events; the flows themselves are the sink's.
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

/** Options of {@link IngestAccount}. */
export interface IngestAccountOptions {
  /** Called with each dead letter (e.g. to write `--dead-letter FILE`). */
  readonly onDeadLetter?: ((letter: DeadLetter) => void) | undefined;
  /** Called every `progressEvery` records with the count so far (for a TTY progress line). */
  readonly onProgress?: ((recordsRead: number) => void) | undefined;
  /** @default 10000 */
  readonly progressEvery?: number | undefined;
  /**
   * How many examples of dead letters and quarantined records the report keeps.
   * @default 20
   */
  readonly maxExamples?: number | undefined;
}

/** Counts records and events as the pipeline reports them, and keeps a few examples of each kind set aside. */
export class IngestAccount {
  private readonly maxExamples: number;
  private readonly progressEvery: number;
  private recordsRead = 0;
  private flowsProduced = 0;
  private deniedFlows = 0;
  private readonly recordsByFormat: Partial<Record<FlowFormat | 'unknown', number>> = {};
  private deadLetterCount = 0;
  private readonly deadLetterExamples: RecordExample[] = [];
  private quarantineCount = 0;
  private readonly quarantineByReason: Record<string, number> = {};
  private readonly quarantineExamples: RecordExample[] = [];
  private skipCount = 0;
  private readonly skipByReason: Record<string, number> = {};

  constructor(private readonly options: IngestAccountOptions = {}) {
    this.maxExamples = options.maxExamples ?? 20;
    this.progressEvery = Math.max(1, options.progressEvery ?? 10_000);
  }

  /** One record read as `format` (blank lines are not records). */
  record(format: FlowFormat | 'unknown'): void {
    this.recordsRead++;
    if (this.options.onProgress && this.recordsRead % this.progressEvery === 0) this.options.onProgress(this.recordsRead);
    this.recordsByFormat[format] = (this.recordsByFormat[format] ?? 0) + 1;
  }

  /** What became of records, in order. */
  events(events: readonly StreamEvent[]): void {
    for (const event of events) this.event(event);
  }

  /** End of input: the last progress count, and the report. */
  finish(): IngestReport {
    if (this.options.onProgress && this.recordsRead % this.progressEvery !== 0) this.options.onProgress(this.recordsRead);
    return {
      recordsRead: this.recordsRead,
      flowsProduced: this.flowsProduced,
      deniedFlows: this.deniedFlows,
      recordsByFormat: { ...this.recordsByFormat },
      deadLetters: { count: this.deadLetterCount, examples: [...this.deadLetterExamples] },
      quarantined: { count: this.quarantineCount, byReason: { ...this.quarantineByReason }, examples: [...this.quarantineExamples] },
      skipped: { count: this.skipCount, byReason: { ...this.skipByReason } },
    };
  }

  private event(event: StreamEvent): void {
    switch (event.kind) {
      case 'flow':
        this.flowsProduced++;
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

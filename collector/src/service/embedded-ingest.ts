import type { Readable } from 'node:stream';
import type { HubbleAdapterOptions } from '../adapters/hubble/hubble.js';
import type { IngestFormat } from '../adapters/format-detect.js';
import type { ClusterState } from '../identity/cluster-state.js';
import { resolverFor } from '../identity/identity-resolver.js';
import { adapterFactory, FlowStream } from '../pipeline/flow-stream.js';
import { IngestAccount, type IngestAccountOptions, type IngestResult } from '../pipeline/ingest-report.js';
import type { SourceLine } from '../pipeline/records.js';
import type { RecordTimeCheck } from '../pipeline/record-times.js';
import { MemoryFlowSink } from '../sinks/memory-sink.js';
import { StreamSource, type LineSource } from '../sources/stream-source.js';
import { deliverEvents, pumpRecords, readChunk, type PumpObserver } from './record-pump.js';

/**
 * The embedded pipeline behind `palisade generate --flows`: the stages of `collect`, with a file
 * source and the memory sink. Files and stdin ({@link StreamSource}) → the adapter of each line's
 * format (`FlowStream`) → {@link MemoryFlowSink}, through the loop the `collect` service runs
 * (record-pump.ts), with an account of every record (flow, dead letter, quarantine or skip) for
 * the report. Nothing here loads a network client, so the pure entry exports it.
 */

/** Options of the embedded ingest. */
export interface IngestOptions extends IngestAccountOptions {
  /**
   * The format of every line, or `auto` to detect each line.
   * @default 'auto'
   */
  readonly format?: IngestFormat;
  /** Cluster objects for identity resolution and Service translation. */
  readonly clusterState?: ClusterState;
  /** Further Hubble adapter options (connection table bounds, hold-back). */
  readonly hubble?: Omit<HubbleAdapterOptions, 'clusterState' | 'resolver'>;
  /** Which record times are believable, and the clock of the run. @default 5 minutes ahead, 3650 days back, `Date.now` */
  readonly recordTimes?: RecordTimeCheck;
}

/** Options of {@link ingest}: the pipeline options plus the stream `-` stands for. */
export interface IngestSourcesOptions extends IngestOptions {
  /** @default process.stdin */
  readonly stdin?: Readable;
}

/** One run's stages: the stream, the memory sink, and the account the loop reports to. */
interface EmbeddedRun {
  readonly stream: FlowStream;
  readonly sink: MemoryFlowSink;
  readonly account: IngestAccount;
  readonly observer: PumpObserver;
}

function embeddedRun(options: IngestOptions): EmbeddedRun {
  const resolver = resolverFor({ clusterState: options.clusterState });
  const stream = new FlowStream({ format: options.format ?? 'auto', ...(resolver ? { resolver } : {}), adapterFor: adapterFactory({ ...options.hubble, ...(options.recordTimes?.clock ? { clock: options.recordTimes.clock } : {}) }), ...(options.recordTimes ? { recordTimes: options.recordTimes } : {}) });
  const account = new IngestAccount(options);
  const observer: PumpObserver = { record: (format) => account.record(format), events: (events) => account.events(events) };
  return { stream, sink: new MemoryFlowSink(), account, observer };
}

function result({ sink, account }: EmbeddedRun): IngestResult {
  return { flows: sink.flows, report: account.finish() };
}

/**
 * Streams every source (file paths, `-` for stdin, or named streams) through the pipeline, in the
 * order given, with one set of adapters so connections are de-duplicated across files.
 * @throws the file system error of a source that cannot be opened.
 */
export async function ingest(sources: readonly LineSource[], options: IngestSourcesOptions = {}): Promise<IngestResult> {
  const run = embeddedRun(options);
  await pumpRecords(chunksOf(sources, options.stdin), run.stream, run.sink, run.observer);
  await run.sink.close();
  return result(run);
}

/**
 * Runs lines already in memory through the same stages, synchronously (tests and benchmarks): one
 * chunk, then the records held back. The memory sink takes each send before it returns, so
 * nothing needs awaiting.
 */
export function ingestLines(lines: Iterable<SourceLine>, options: IngestOptions = {}): IngestResult {
  const run = embeddedRun(options);
  void deliverEvents(run.sink, readChunk(run.stream, lines, run.observer), run.observer);
  void deliverEvents(run.sink, run.stream.finish(), run.observer);
  return result(run);
}

/** The chunks of every source in turn, each numbered from line 1 under its own name. */
async function* chunksOf(sources: readonly LineSource[], stdin: Readable | undefined): AsyncGenerator<readonly SourceLine[]> {
  for (const input of sources) {
    const name = typeof input === 'string' ? (input === '-' ? 'stdin' : `file:${input}`) : input.name;
    yield* new StreamSource(name, input, stdin).chunks();
  }
}

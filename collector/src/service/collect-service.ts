import type { CollectMetrics } from './collect-metrics.js';
import type { FlowStream } from '../pipeline/flow-stream.js';
import type { StreamEvent } from '../pipeline/records.js';
import { pumpRecords, type PumpObserver } from './record-pump.js';
import type { FlowSink } from '../sinks/sink.js';
import type { RecordSource } from '../sources/record-source.js';

/**
 * The `collect` service: a source's lines → the adapters (FlowStream) → a sink, through the loop
 * the embedded ingest shares (record-pump.ts), with every record counted in the metrics. Clients,
 * metrics, logger and timers come in through options; the wiring to real Kafka, Kubernetes, HTTP
 * and signals is in collect-main.ts.
 *
 * Order of shutdown (STYLE.md rule 11): stop reading, settle the records the adapters hold back,
 * flush the sink, commit the source's position, close the sink and the source.
 *
 * Delivery is at least once across restarts: a position is committed only after the sink has
 * flushed everything read before it. The one gap is a crash (not a stop) while an adapter holds
 * records back for orientation (Hubble keeps at most `maxHeldBack`): their lines lie before the
 * committed position, so those records are not read again.
 *
 * A checkpoint starts as soon as a chunk is in the sink and none is in flight (flushed, then
 * committed): the first one follows the first flush, not the first interval, since a process
 * killed (SIGKILL, OOM) before its first checkpoint read its whole input again on restart. What a
 * kill can still duplicate is what was read since the last committed checkpoint: the chunks read
 * while one checkpoint's flush was in flight (docs/DELIVERY.md). The interval timer covers a
 * source that is waiting for input.
 */

/** The logger calls the service makes; a pino logger satisfies it. */
export interface CollectLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

/** Options of {@link CollectService}. */
export interface CollectServiceOptions {
  readonly source: RecordSource;
  readonly sink: FlowSink;
  readonly stream: FlowStream;
  readonly metrics: CollectMetrics;
  readonly logger: CollectLogger;
  /**
   * How often the source position is checkpointed (after a flush of everything read before it).
   * @default 5000
   */
  readonly checkpointIntervalMs?: number;
}

/** Counts of one run. */
export interface CollectSummary {
  readonly recordsRead: number;
  readonly flowsProduced: number;
  readonly deadLettered: number;
  readonly quarantined: number;
  readonly skipped: number;
}

/** The service; {@link run} once, {@link stop} from a signal handler. */
export class CollectService {
  private readonly counts = { recordsRead: 0, flowsProduced: 0, deadLettered: 0, quarantined: 0, skipped: 0 };
  private running = false;
  private failed: unknown;
  private checkpointing: Promise<void> | undefined;
  /** A chunk reached the sink while a checkpoint was in flight: checkpoint again after it. */
  private checkpointAgain = false;
  private readonly readByFormat = new Map<string, number>();

  constructor(private readonly options: CollectServiceOptions) {}

  /** Whether the loop is reading and nothing has failed (`/healthz`). */
  get healthy(): boolean {
    return this.running && this.failed === undefined;
  }

  /** Counts so far. */
  get summary(): CollectSummary {
    return { ...this.counts };
  }

  /** Stops reading; `run()` then flushes and returns. */
  stop(): void {
    this.options.source.stop();
  }

  /**
   * Reads until the source ends or {@link stop} is called, then shuts down in order.
   * @throws the sink's or the source's error; the source is closed either way.
   */
  async run(): Promise<CollectSummary> {
    const { source, sink, stream, logger } = this.options;
    this.running = true;
    const timer = setInterval(() => this.checkpoint(), this.options.checkpointIntervalMs ?? 5000);
    timer.unref();
    logger.info({ source: source.name }, 'collect: reading');
    const observer: PumpObserver = {
      record: (format) => {
        this.counts.recordsRead++;
        this.count(this.readByFormat, format);
      },
      events: (events) => this.countEvents(events),
      delivered: () => this.checkpoint(),
    };
    try {
      await pumpRecords(source.chunks(), stream, sink, observer);
      const position = source.position();
      await sink.flush();
      while (this.checkpointing !== undefined) await this.checkpointing;
      await source.commit(position);
      logger.info({ source: source.name, ...this.counts }, 'collect: input done, everything flushed');
      return this.summary;
    } catch (error) {
      this.failed = error;
      logger.error({ err: error, source: source.name }, 'collect: stopped by an error');
      throw error;
    } finally {
      clearInterval(timer);
      this.running = false;
      await Promise.allSettled([sink.close(), source.close()]).then((results) => {
        for (const result of results) if (result.status === 'rejected') logger.error({ err: result.reason }, 'collect: error while closing');
      });
    }
  }

  /** Counts one chunk's records and events in the metrics, before the chunk goes to the sink. */
  private countEvents(events: readonly StreamEvent[]): void {
    const { metrics } = this.options;
    // Counted per chunk rather than per record: a labelled prom-client increment costs more than
    // a map update, and the scrape only needs the totals.
    for (const [format, count] of this.readByFormat) metrics.recordsRead.inc({ format }, count);
    this.readByFormat.clear();
    if (events.length === 0) return;
    const produced = new Map<string, number>();
    for (const event of events) {
      switch (event.kind) {
        case 'flow':
          this.count(produced, event.format);
          this.counts.flowsProduced++;
          break;
        case 'dead-letter':
          metrics.deadLettered.inc({ format: event.letter.format ?? 'unknown' });
          this.counts.deadLettered++;
          break;
        case 'quarantine':
          metrics.quarantined.inc({ format: event.format, reason: event.reason });
          this.counts.quarantined++;
          break;
        case 'skip':
          metrics.skipped.inc({ format: event.format, reason: event.reason });
          this.counts.skipped++;
          break;
      }
    }
    for (const [format, count] of produced) metrics.flowsProduced.inc({ format }, count);
  }

  private count(counts: Map<string, number>, key: string): void {
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }

  /** Commits the position of everything read so far once the sink has flushed it; one at a time. */
  private checkpoint(): void {
    if (!this.running) return;
    if (this.checkpointing !== undefined) {
      // Chunks accepted while a checkpoint is in flight get one of their own right after it, so
      // a source that goes quiet (a followed file at its end) is never left with a stale position
      // until the interval timer comes round.
      this.checkpointAgain = true;
      return;
    }
    const { source, sink, logger } = this.options;
    const position = source.position();
    this.checkpointAgain = false;
    this.checkpointing = sink
      .flush()
      .then(() => source.commit(position))
      .catch((error: unknown) => logger.warn({ err: error, source: source.name }, 'collect: checkpoint failed; it is retried at the next interval'))
      .finally(() => {
        this.checkpointing = undefined;
        if (this.checkpointAgain) this.checkpoint();
      });
  }
}

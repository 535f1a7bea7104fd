import type { Flow } from './flow.js';
import type { CollectMetrics } from './collect-metrics.js';
import type { FlowStream } from './flow-stream.js';
import type { DeadLetter } from './ingest.js';
import type { FlowSink } from './sink.js';
import type { RecordSource } from './sources/record-source.js';

/**
 * The `collect` service loop: a source's lines → the adapters (FlowStream) → a sink, with every
 * record counted in the metrics. Clients, metrics, logger and timers come in through options; the
 * wiring to real Kafka, Kubernetes, HTTP and signals is in collect-main.ts.
 *
 * Order of shutdown (STYLE.md rule 11): stop reading, settle the records the adapters hold back,
 * flush the sink, commit the source's position, close the sink and the source.
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
    try {
      for await (const { record, origin } of source.lines()) {
        const result = stream.push(record, origin);
        if (result === undefined) continue;
        this.counts.recordsRead++;
        this.options.metrics.recordsRead.inc({ format: result.format });
        await this.deliver(result.events);
      }
      await this.deliver(stream.finish());
      const position = source.position();
      await sink.flush();
      await this.checkpointing;
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

  private async deliver(events: ReturnType<FlowStream['finish']>): Promise<void> {
    if (events.length === 0) return;
    const { metrics, sink } = this.options;
    let flows: Flow[] | undefined;
    let letters: DeadLetter[] | undefined;
    for (const event of events) {
      switch (event.kind) {
        case 'flow':
          (flows ??= []).push(event.flow);
          metrics.flowsProduced.inc({ format: event.format });
          this.counts.flowsProduced++;
          break;
        case 'dead-letter':
          (letters ??= []).push(event.letter);
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
    // Awaiting here is the back-pressure: a full sink buffer holds the source still.
    if (flows) await sink.sendFlows(flows);
    if (letters) await sink.sendDeadLetters(letters);
  }

  /** Commits the position of everything read so far once the sink has flushed it; one at a time. */
  private checkpoint(): void {
    if (this.checkpointing !== undefined || !this.running) return;
    const { source, sink, logger } = this.options;
    const position = source.position();
    this.checkpointing = sink
      .flush()
      .then(() => source.commit(position))
      .catch((error: unknown) => logger.warn({ err: error, source: source.name }, 'collect: checkpoint failed; it is retried at the next interval'))
      .finally(() => (this.checkpointing = undefined));
  }
}

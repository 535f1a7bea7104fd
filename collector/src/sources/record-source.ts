import type { SourceLine } from '../pipeline/records.js';

/**
 * Where the `collect` service reads records from. Every source yields lines with their origin,
 * can be asked to stop (the iteration then ends after the current line), and can remember how far
 * it got: the service takes a `position()`, waits until the sink has flushed everything read up to
 * it, and only then `commit`s it, so a restart never skips a record that had not reached Kafka.
 */
export interface RecordSource<Position = unknown> {
  /** `file:PATH`, `follow:PATH`, `stdin` or `kafka:TOPIC`, for logs. */
  readonly name: string;
  /**
   * The records, in order, a chunk at a time (the complete lines of one read), so the per-record
   * work stays synchronous and only chunks cost an await. Ends at the end of the input or after
   * {@link stop}.
   */
  chunks(): AsyncIterable<readonly SourceLine[]>;
  /** How far the lines handed out so far reach. */
  position(): Position;
  /** Makes `position` durable (a checkpoint file, committed offsets). */
  commit(position: Position): Promise<void>;
  /** Ends the iteration after the current line; safe to call at any time, more than once. */
  stop(): void;
  /** Releases files and clients; call after the iteration ended. */
  close(): Promise<void>;
}

/**
 * A stop switch for sources whose iteration may wait indefinitely (stdin, a followed file, a topic):
 * `chunks()` races each wait against it, so stopping does not depend on more input arriving.
 */
export class StopSignal {
  private resolveStop: () => void = () => undefined;
  /** Settles once {@link stop} is called. */
  readonly stopped: Promise<'stopped'> = new Promise((resolve) => (this.resolveStop = () => resolve('stopped')));
  private isStopped = false;

  stop(): void {
    this.isStopped = true;
    this.resolveStop();
  }

  get requested(): boolean {
    return this.isStopped;
  }

  /** Yields from `iterable` until it ends or the signal stops it; the iterator is then closed. */
  async *guard<T>(iterable: AsyncIterable<T>): AsyncGenerator<T> {
    const iterator = iterable[Symbol.asyncIterator]();
    try {
      while (!this.isStopped) {
        const next = await Promise.race([iterator.next(), this.stopped]);
        if (next === 'stopped' || next.done === true) return;
        yield next.value;
      }
    } finally {
      // Not awaited: a pending read on a stream that will never deliver must not hold shutdown.
      void iterator.return?.(undefined)?.catch(() => undefined);
    }
  }
}

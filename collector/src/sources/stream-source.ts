import type { Readable } from 'node:stream';
import { readLines, type LineSource, type SourceLine } from '../read-lines.js';
import { StopSignal, type RecordSource } from './record-source.js';

/**
 * `file:PATH` (read once, to the end) and `stdin`: the lines of a file or a stream, with nothing
 * to checkpoint, since such input is not resumed after a restart.
 */
export class StreamSource implements RecordSource<number> {
  private readonly signal = new StopSignal();
  private delivered = 0;

  /**
   * @param name the name in logs (`file:PATH`, `stdin`).
   * @param input a file path, or `-` and the stream it stands for.
   */
  constructor(
    readonly name: string,
    private readonly input: LineSource,
    private readonly stdin?: Readable,
  ) {}

  async *lines(): AsyncGenerator<SourceLine> {
    for await (const line of this.signal.guard(readLines(this.input, this.stdin))) {
      this.delivered = line.origin.line;
      yield line;
    }
  }

  position(): number {
    return this.delivered;
  }

  commit(): Promise<void> {
    return Promise.resolve();
  }

  stop(): void {
    this.signal.stop();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

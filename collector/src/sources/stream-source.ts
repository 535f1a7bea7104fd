import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { SourceLine } from '../pipeline/records.js';
import { LineCutter } from './follow-position.js';
import { StopSignal, type RecordSource } from './record-source.js';

/** What a {@link StreamSource} reads: a file path, `-` for stdin, or a named stream. */
export type LineSource = string | { readonly name: string; readonly stream: Readable };

/**
 * `file:PATH` (read once, to the end) and `stdin`: the lines of a file or a stream, numbered from
 * 1 as in the file, with nothing to checkpoint, since such input is not resumed after a restart.
 * A line ends at `\n` (or `\r\n`); a last line without one still counts.
 */
export class StreamSource implements RecordSource<number> {
  private readonly signal = new StopSignal();
  private delivered = 0;

  /**
   * @param name the name in logs (`file:PATH`, `stdin`).
   * @param input a file path, or `-` and the stream it stands for, or a named stream.
   */
  constructor(
    readonly name: string,
    private readonly input: LineSource,
    private readonly stdin?: Readable,
  ) {}

  async *chunks(): AsyncGenerator<readonly SourceLine[]> {
    const source = typeof this.input === 'string' ? this.input : this.input.name;
    // Opening first makes a missing or unreadable file fail here, with its path, before any line.
    const stream =
      typeof this.input !== 'string' ? this.input.stream : this.input === '-' ? (this.stdin ?? process.stdin) : (await open(this.input, 'r')).createReadStream();
    const cutter = new LineCutter();
    let line = 0;
    const numbered = (texts: readonly { readonly text: string }[]): SourceLine[] => texts.map(({ text }) => ({ record: text, origin: { source, line: ++line } }));
    for await (const chunk of this.signal.guard<Buffer | string>(stream)) {
      const lines = numbered(cutter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
      if (lines.length === 0) continue;
      this.delivered = line;
      yield lines;
    }
    const last = this.signal.requested ? undefined : cutter.end();
    if (last !== undefined) {
      const lines = numbered([last]);
      this.delivered = line;
      yield lines;
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

import { open } from 'node:fs/promises';
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { SourceLine } from '../pipeline/records.js';
import { LineCutter } from './follow-position.js';
import { StopSignal, type RecordSource } from './record-source.js';

/** What a {@link StreamSource} reads: a file path, `-` for stdin, or a named stream. */
export type LineSource = string | { readonly name: string; readonly stream: Readable };

/**
 * `file:PATH` (read once, to the end) and `stdin`: the lines of a file or a stream, numbered from
 * 1 as in the file, with nothing to checkpoint, since such input is not resumed after a restart.
 * A line ends at `\n` (or `\r\n`); a last line without one still counts. Input that starts with
 * gzip's magic bytes (`1f 8b`: a rotated `*.log.gz`, `hubble observe | gzip`) is decompressed first,
 * whatever its name, so it is read as lines instead of becoming one dead letter per binary chunk.
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
    const stream = typeof this.input !== 'string' ? this.input.stream : this.input === '-' ? (this.stdin ?? process.stdin) : await openFile(this.input);
    const cutter = new LineCutter();
    let line = 0;
    const numbered = (texts: readonly { readonly text: string }[]): SourceLine[] => texts.map(({ text }) => ({ record: text, origin: { source, line: ++line } }));
    for await (const chunk of this.signal.guard<Buffer>(decompressed(stream, source))) {
      const lines = numbered(cutter.push(chunk));
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

/**
 * Opens a file to read. A directory opens fine on Linux and fails only at the first read, with an
 * error that names no path: it is refused here, with its path.
 */
async function openFile(path: string): Promise<Readable> {
  const handle = await open(path, 'r');
  if ((await handle.stat()).isDirectory()) {
    await handle.close();
    throw Object.assign(new Error(`EISDIR: illegal operation on a directory, read '${path}'`), { code: 'EISDIR', errno: -21, syscall: 'read', path });
  }
  return handle.createReadStream();
}

const GZIP_MAGIC = [0x1f, 0x8b] as const;

/**
 * The bytes of `stream`, gunzipped when they start with gzip's magic bytes. A corrupt or truncated
 * gzip stream fails with zlib's error (`Z_DATA_ERROR`, `Z_BUF_ERROR`) carrying the source's name as
 * `path`, so the caller can name the file.
 */
async function* decompressed(stream: AsyncIterable<Buffer | string>, source: string): AsyncGenerator<Buffer> {
  const iterator = stream[Symbol.asyncIterator]();
  // The first two bytes decide; a stream may hand them out one at a time.
  let head = Buffer.alloc(0);
  while (head.length < GZIP_MAGIC.length) {
    const next = await iterator.next();
    if (next.done === true) break;
    head = Buffer.concat([head, toBuffer(next.value)]);
  }
  const rest = async function* (): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) yield toBuffer(next.value);
  };
  if (head[0] !== GZIP_MAGIC[0] || head[1] !== GZIP_MAGIC[1]) {
    yield* rest();
    return;
  }
  const gunzip = createGunzip();
  // pipeline, not pipe: a read error of the file destroys the gunzip stream too, so this loop ends.
  pipeline(Readable.from(rest()), gunzip, () => undefined);
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (error) {
    throw Object.assign(error as Error, { path: source });
  }
}

function toBuffer(chunk: Buffer | string): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
}

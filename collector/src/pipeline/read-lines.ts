import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { SourceLine } from './records.js';

/**
 * The thin file edge of ingestion: streams the lines of a file (or of stdin) one by one, so input
 * of any size is read in constant memory.
 */

/** A source of lines: a file path, `-` for stdin, or a named stream. */
export type LineSource = string | { readonly name: string; readonly stream: Readable };

/**
 * Yields the lines of `source` with 1-based line numbers (blank lines included, so numbers match
 * the file; the caller decides what to do with them).
 * @param stdin the stream `-` stands for.
 */
export async function* readLines(source: LineSource, stdin?: Readable): AsyncGenerator<SourceLine> {
  const name = typeof source === 'string' ? source : source.name;
  // Opening first makes a missing or unreadable file fail here, with its path, before any line.
  const input =
    typeof source !== 'string'
      ? source.stream
      : source === '-'
        ? (stdin ?? process.stdin)
        : (await open(source, 'r')).createReadStream({ encoding: 'utf8' });
  // crlfDelay: Infinity treats \r\n as one line break whatever the timing of the chunks.
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  for await (const record of lines) {
    line++;
    yield { record, origin: { source: name, line } };
  }
}

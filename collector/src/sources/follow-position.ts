/**
 * The pure part of following a log file across rotation, as the Hubble exporter writes
 * `events.log` (lumberjack: the file is renamed to a timestamped name and a new one created) or
 * as `logrotate` does with `copytruncate` (the same file cut to zero). No I/O here: the follow
 * source hands in what `stat` said and gets back what to do, so every case is a table test.
 *
 * Truncation is recognised, as `tail -F` does, by the file being shorter than the offset read:
 * a file truncated and rewritten past that offset between two polls cannot be told from one that
 * grew. Lumberjack-style rotation (the Hubble exporter's) renames and has no such blind spot.
 *
 * A file is known by device and inode, not by name: after a rename the open descriptor still reads
 * the old file, which is drained to its end before the new file at the path is opened.
 */

/** The identity of a file. */
export interface FileId {
  readonly dev: number;
  readonly ino: number;
}

/** What `stat` says of a file. */
export interface FileStat extends FileId {
  readonly size: number;
}

/** How far the follower got in which file, saved between runs. */
export interface FollowCheckpoint extends FileId {
  readonly path: string;
  /** Byte offset just after the last line handed out (always at a line boundary). */
  readonly offset: number;
  /** That line's number in its file (1-based; 0 before the first). */
  readonly line: number;
}

/** What to do after a read found nothing new in the open file. */
export type FollowStep =
  /** The open file grew: read on. */
  | { readonly kind: 'read' }
  /** The open file shrank below the offset: it was truncated; read it again from the start. */
  | { readonly kind: 'truncated' }
  /** The path names another file now and the open one is drained: switch to the new one. */
  | { readonly kind: 'rotated' }
  /** Nothing new yet (or the path is between rename and re-creation): poll again later. */
  | { readonly kind: 'wait' };

/** The same file? */
export function sameFile(a: FileId, b: FileId): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/**
 * Decides the next step at the end of the open file.
 * @param open the open file's identity and the offset read up to.
 * @param openSize the open file's current size (`fstat`).
 * @param atPath what the path names now, or undefined while it does not exist.
 */
export function nextStep(open: FileId & { readonly offset: number }, openSize: number, atPath: FileStat | undefined): FollowStep {
  // Data still in the open file comes first, even when the path was rotated meanwhile.
  if (openSize > open.offset) return { kind: 'read' };
  if (openSize < open.offset) return { kind: 'truncated' };
  if (atPath !== undefined && !sameFile(atPath, open)) return { kind: 'rotated' };
  return { kind: 'wait' };
}

/** Where to start after a restart. */
export interface ResumePlan {
  /** A rotated file that still holds lines after the checkpoint: read it to its end first. */
  readonly drain?: { readonly path: string; readonly offset: number; readonly line: number };
  /** Where to start in the file at the path. */
  readonly start: { readonly offset: number; readonly line: number };
  /** Set when lines after the checkpoint may be gone (the rotated file was not found, or was truncated). */
  readonly warning?: string;
}

/**
 * Plans the start from a saved checkpoint.
 * @param checkpoint the last saved position, if any.
 * @param atPath what the path names now.
 * @param siblings files next to it (rotated names), to find the checkpointed file after a rename.
 */
export function resumeAt(
  checkpoint: FollowCheckpoint | undefined,
  atPath: FileStat | undefined,
  siblings: readonly (FileStat & { readonly path: string })[],
): ResumePlan {
  const fromStart = { offset: 0, line: 0 };
  if (checkpoint === undefined) return { start: fromStart };
  if (atPath !== undefined && sameFile(atPath, checkpoint)) {
    if (atPath.size >= checkpoint.offset) return { start: { offset: checkpoint.offset, line: checkpoint.line } };
    return { start: fromStart, warning: `${checkpoint.path} was truncated since the checkpoint; reading it from the start` };
  }
  const rotated = siblings.find((sibling) => sameFile(sibling, checkpoint));
  if (rotated !== undefined && rotated.size >= checkpoint.offset) {
    return { drain: { path: rotated.path, offset: checkpoint.offset, line: checkpoint.line }, start: fromStart };
  }
  return { start: fromStart, warning: `the file of the checkpoint (${checkpoint.path}, inode ${checkpoint.ino}) is gone; lines written to it after the checkpoint are lost` };
}

/** A complete line cut from the byte stream, with the offset just after its newline. */
export interface CutLine {
  readonly text: string;
  readonly endOffset: number;
}

/**
 * Cuts a byte stream into lines while keeping exact byte offsets (a checkpoint must point at a line
 * boundary in bytes, which character counts cannot give with multi-byte UTF-8). A line is complete
 * at its `\n`; `\r\n` ends a line too. The unfinished tail is kept for the next chunk.
 */
export class LineCutter {
  private tail: Buffer = Buffer.alloc(0);

  /** @param offset the byte offset the next chunk starts at. */
  constructor(private offset = 0) {}

  /** Bytes held back as an unfinished line. */
  get pendingBytes(): number {
    return this.tail.length;
  }

  /** Cuts the complete lines out of `chunk` (plus the tail of earlier chunks). */
  push(chunk: Buffer): CutLine[] {
    const data = this.tail.length === 0 ? chunk : Buffer.concat([this.tail, chunk]);
    const lines: CutLine[] = [];
    let start = 0;
    for (let newline = data.indexOf(10, start); newline !== -1; newline = data.indexOf(10, start)) {
      const end = newline > start && data[newline - 1] === 13 ? newline - 1 : newline;
      this.offset += newline + 1 - start;
      lines.push({ text: data.toString('utf8', start, end), endOffset: this.offset });
      start = newline + 1;
    }
    this.tail = start === data.length ? Buffer.alloc(0) : Buffer.from(data.subarray(start));
    return lines;
  }

  /** The unfinished tail as a last line (a file that is complete: read once, or rotated away). */
  end(): CutLine | undefined {
    if (this.tail.length === 0) return undefined;
    this.offset += this.tail.length;
    const text = this.tail.toString('utf8');
    this.tail = Buffer.alloc(0);
    return { text, endOffset: this.offset };
  }

  /** Starts again at `offset` (after truncation or a switch of file), forgetting the tail. */
  reset(offset: number): void {
    this.offset = offset;
    this.tail = Buffer.alloc(0);
  }
}

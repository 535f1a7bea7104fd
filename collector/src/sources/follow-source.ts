import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { SourceError } from '../errors.js';
import type { SourceLine } from '../pipeline/records.js';
import { LineCutter, nextStep, resumeAt, type FileStat, type FollowCheckpoint } from './follow-position.js';
import { StopSignal, type RecordSource } from './record-source.js';

/**
 * `follow:PATH`: tails a log file like `tail -F`, across rotation (renamed and recreated, or
 * truncated), and resumes after a restart from a checkpoint file in the state directory. The
 * decisions are in follow-position.ts; this file only reads, stats and writes.
 *
 * Polling rather than `fs.watch`: inotify misses renames on some overlay and network file systems
 * a DaemonSet meets on nodes, and a poll every quarter second costs nothing next to parsing.
 */

/** Options of {@link FollowSource}. */
export interface FollowSourceOptions {
  readonly path: string;
  /** Directory of the checkpoint file (`follow-<hash of the path>.json`). */
  readonly stateDir: string;
  /** @default 250 */
  readonly pollIntervalMs?: number;
  /** Read size. @default 256 KiB */
  readonly chunkBytes?: number;
  /** Told when lines may have been lost or a file was truncated or rotated. */
  readonly onEvent?: (event: { readonly kind: 'rotated' | 'truncated' | 'resumed' | 'warning'; readonly message: string }) => void;
}

/** Follows one file; see the module comment. */
export class FollowSource implements RecordSource<FollowCheckpoint | undefined> {
  readonly name: string;
  private readonly signal = new StopSignal();
  private readonly checkpointFile: string;
  private delivered: FollowCheckpoint | undefined;
  private handle: FileHandle | undefined;

  constructor(private readonly options: FollowSourceOptions) {
    this.name = `follow:${options.path}`;
    const digest = createHash('sha256').update(options.path).digest('hex').slice(0, 16);
    this.checkpointFile = join(options.stateDir, `follow-${digest}.json`);
  }

  async *chunks(): AsyncGenerator<readonly SourceLine[]> {
    const { path } = this.options;
    const saved = await this.loadCheckpoint();
    const plan = resumeAt(saved, await statOrUndefined(path), saved ? await this.siblings() : []);
    if (plan.warning) this.options.onEvent?.({ kind: 'warning', message: plan.warning });
    if (saved) this.options.onEvent?.({ kind: 'resumed', message: `resuming ${path} at byte ${plan.drain?.offset ?? plan.start.offset}` });
    if (plan.drain) yield* this.readToEnd(plan.drain.path, plan.drain.offset, plan.drain.line);

    let offset = plan.start.offset;
    let line = plan.start.line;
    while (!this.signal.requested) {
      const handle = await this.openWhenPresent(path);
      if (handle === undefined) return;
      this.handle = handle;
      const id = await handle.stat();
      const cutter = new LineCutter(offset);
      const buffer = Buffer.alloc(this.options.chunkBytes ?? 256 * 1024);
      let switchFile = false;
      while (!this.signal.requested && !switchFile) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset + cutter.pendingBytes);
        if (bytesRead > 0) {
          const cuts = cutter.push(buffer.subarray(0, bytesRead));
          const last = cuts.at(-1);
          if (last === undefined) continue;
          const lines = cuts.map((cut) => ({ record: cut.text, origin: { source: path, line: ++line } }));
          offset = last.endOffset;
          this.delivered = { path, dev: id.dev, ino: id.ino, offset, line };
          yield lines;
          continue;
        }
        const step = nextStep({ dev: id.dev, ino: id.ino, offset: offset + cutter.pendingBytes }, (await handle.stat()).size, await statOrUndefined(path));
        if (step.kind === 'read') continue;
        if (step.kind === 'truncated') {
          this.options.onEvent?.({ kind: 'truncated', message: `${path} was truncated; reading it from the start` });
          offset = 0;
          line = 0;
          cutter.reset(0);
        } else if (step.kind === 'rotated') {
          // The writer closed the old file: an unfinished last line is all it will ever hold.
          const last = cutter.end();
          if (last !== undefined) yield [{ record: last.text, origin: { source: path, line: ++line } }];
          this.options.onEvent?.({ kind: 'rotated', message: `${path} was rotated; following the new file` });
          offset = 0;
          line = 0;
          switchFile = true;
        } else {
          await this.pause();
        }
      }
      await handle.close();
      this.handle = undefined;
    }
  }

  position(): FollowCheckpoint | undefined {
    return this.delivered;
  }

  /** Writes the checkpoint atomically (write a temporary file, then rename over the old one). */
  async commit(position: FollowCheckpoint | undefined): Promise<void> {
    if (position === undefined) return;
    await mkdir(this.options.stateDir, { recursive: true });
    const temporary = `${this.checkpointFile}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(position)}\n`);
    await rename(temporary, this.checkpointFile);
  }

  stop(): void {
    this.signal.stop();
  }

  async close(): Promise<void> {
    await this.handle?.close().catch(() => undefined);
    this.handle = undefined;
  }

  /** Reads a rotated file from `offset` to its end, last unfinished line included. */
  private async *readToEnd(path: string, offset: number, firstLine: number): AsyncGenerator<readonly SourceLine[]> {
    const handle = await open(path, 'r');
    try {
      const cutter = new LineCutter(offset);
      const buffer = Buffer.alloc(this.options.chunkBytes ?? 256 * 1024);
      let position = offset;
      let line = firstLine;
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
        position += bytesRead;
        const cuts = bytesRead > 0 ? cutter.push(buffer.subarray(0, bytesRead)) : [cutter.end()].filter((cut) => cut !== undefined);
        if (cuts.length > 0) yield cuts.map((cut) => ({ record: cut.text, origin: { source: path, line: ++line } }));
        if (bytesRead === 0 || this.signal.requested) return;
      }
    } finally {
      await handle.close();
    }
  }

  private async openWhenPresent(path: string): Promise<FileHandle | undefined> {
    while (!this.signal.requested) {
      try {
        return await open(path, 'r');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new SourceError(`cannot open ${path}: ${(error as Error).message}`, this.name, { cause: error });
        await this.pause();
      }
    }
    return undefined;
  }

  private async pause(): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([new Promise((resolve) => (timer = setTimeout(resolve, this.options.pollIntervalMs ?? 250))), this.signal.stopped]);
    clearTimeout(timer);
  }

  private async loadCheckpoint(): Promise<FollowCheckpoint | undefined> {
    let text: string;
    try {
      text = await readFile(this.checkpointFile, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new SourceError(`cannot read the checkpoint ${this.checkpointFile}: ${(error as Error).message}`, this.name, { cause: error });
    }
    const parsed = JSON.parse(text) as Partial<FollowCheckpoint>;
    const valid = ['dev', 'ino', 'offset', 'line'].every((key) => typeof parsed[key as keyof FollowCheckpoint] === 'number');
    if (!valid || parsed.path !== this.options.path) {
      this.options.onEvent?.({ kind: 'warning', message: `ignoring the checkpoint ${this.checkpointFile}: it is not for ${this.options.path}` });
      return undefined;
    }
    return parsed as FollowCheckpoint;
  }

  /** Files next to the path whose names start like it (`events.log` → `events-2024….log`, `events.log.1`). */
  private async siblings(): Promise<(FileStat & { path: string })[]> {
    const directory = dirname(this.options.path);
    const stem = basename(this.options.path).replace(/\.[^.]*$/, '');
    const names = (await readdir(directory).catch(() => [])).filter((name) => name.startsWith(stem) && join(directory, name) !== this.options.path);
    const stats = await Promise.all(names.map(async (name) => ({ path: join(directory, name), stat: await statOrUndefined(join(directory, name)) })));
    return stats.flatMap(({ path, stat: found }) => (found ? [{ path, ...found }] : []));
  }
}

async function statOrUndefined(path: string): Promise<FileStat | undefined> {
  try {
    const found = await stat(path);
    return { dev: found.dev, ino: found.ino, size: found.size };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

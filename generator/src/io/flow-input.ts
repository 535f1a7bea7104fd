import { open } from 'node:fs/promises';
import type { ClusterState, DeadLetter, IngestFormat, IngestResult, RecordTimeLimits } from '@palisade/collector';
import { ingest } from '@palisade/collector';
import { InputError } from '../errors.js';
import type { CliIo } from './cli-io.js';
import { progressLine } from './cli-io.js';
import { InputFiles } from './input-files.js';

/** Where flows come from: the flags every command that reads flow logs shares. */
export interface FlowInputConfig {
  readonly flows: readonly string[];
  readonly format: IngestFormat;
  readonly cluster?: string;
  readonly deadLetter?: string;
  /** Records dated further from the run's time are dead letters. @default the collector's DEFAULT_RECORD_TIME_LIMITS */
  readonly recordTimes?: RecordTimeLimits;
}

/** The inputs of {@link FlowInputConfig}: the `--flows` files and the `--cluster` file. */
export function flowInputPaths(config: Pick<FlowInputConfig, 'flows' | 'cluster'>): { flag: string; path: string }[] {
  return [...config.flows.map((path) => ({ flag: '--flows', path })), ...(config.cluster !== undefined ? [{ flag: '--cluster', path: config.cluster }] : [])];
}

/**
 * Reads every flow source through the collector's ingest pipeline, with a progress line on a
 * terminal and unreadable records written to `--dead-letter` when given.
 * @throws InputError when `--dead-letter` is one of the inputs or cannot be created, or a `--flows`
 *   file cannot be read.
 */
export async function readFlowInput(config: FlowInputConfig, cluster: ClusterState | undefined, io: CliIo, clock: () => number = Date.now): Promise<IngestResult> {
  const deadLetters = config.deadLetter === undefined ? undefined : await openDeadLetterFile(config.deadLetter, await InputFiles.of(flowInputPaths(config)));
  const progress = progressLine(io, 'records read');
  try {
    return await ingest(config.flows, {
      format: config.format,
      ...(cluster ? { clusterState: cluster } : {}),
      stdin: io.stdin as never,
      onProgress: progress.update,
      // One clock for the run: what "now" is for every record's time (tests pass their own).
      recordTimes: { ...config.recordTimes, clock },
      ...(deadLetters ? { onDeadLetter: deadLetters.write } : {}),
    });
  } catch (error) {
    throw flowReadError(error);
  } finally {
    progress.done();
    await deadLetters?.close();
  }
}

/** A file error of a `--flows` source as a one-line input error naming the file. */
function flowReadError(error: unknown): unknown {
  const { code, path } = error as NodeJS.ErrnoException;
  if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR')
    return new InputError(`--flows ${path ?? ''}: not a complete gzip file (${(error as Error).message}): check the file or decompress it yourself`, { cause: error });
  if (code === 'EISDIR') return new InputError(`--flows ${path ?? ''}: is a directory; give the files in it, one --flows each, or pipe them (cat ${path ?? 'DIR'}/*.jsonl | palisade … --flows -)`, { cause: error });
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EPERM' || code === 'ELOOP' || code === 'ENAMETOOLONG' || code === 'EIO')
    return new InputError(`--flows ${path ?? ''}: cannot read the file (${code})`, { cause: error });
  return error;
}

/** The `--dead-letter` file, open for writing, one JSON line per letter. */
interface DeadLetterFile {
  readonly write: (letter: DeadLetter) => void;
  /** Flushes and closes the file. @throws InputError when a write failed (disk full, …). */
  readonly close: () => Promise<void>;
}

/**
 * Opens `--dead-letter PATH` before any record is read: a path that is one of the inputs is
 * refused before it is truncated, and one that cannot be created (its directory is missing, no
 * permission) is an input error, not an unhandled stream error later.
 */
async function openDeadLetterFile(path: string, inputs: InputFiles): Promise<DeadLetterFile> {
  await inputs.refuseAsOutput({ flag: '--dead-letter', path });
  let handle;
  try {
    handle = await open(path, 'w');
  } catch (error) {
    throw new InputError(`--dead-letter ${path}: ${cannotCreate(error as NodeJS.ErrnoException)}`, { cause: error });
  }
  const stream = handle.createWriteStream();
  let failure: NodeJS.ErrnoException | undefined;
  // A write error (disk full) is kept and reported at close: the stream must never throw unheard.
  stream.on('error', (error: NodeJS.ErrnoException) => (failure ??= error));
  return {
    write: (letter) => {
      if (failure === undefined) stream.write(`${JSON.stringify(letter)}\n`);
    },
    close: async () => {
      await new Promise<void>((resolve) => {
        if (stream.destroyed) resolve();
        else stream.end(() => resolve());
        stream.once('error', () => resolve());
      });
      if (failure !== undefined) throw new InputError(`--dead-letter ${path}: could not write the file (${failure.code ?? failure.message})`, { cause: failure });
    },
  };
}

/** Why a file could not be created, with what to do. */
function cannotCreate(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return 'its directory does not exist: create it first or choose another path';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a directory: choose another path';
    case 'EISDIR':
      return 'is a directory: name a file';
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return `cannot create the file (${error.code}): choose a writable path`;
    default:
      return `cannot create the file (${error.code ?? error.message})`;
  }
}

import { createWriteStream } from 'node:fs';
import type { ClusterState, DeadLetter, IngestFormat, IngestResult } from '@palisade/collector';
import { ingest } from '@palisade/collector';
import { InputError } from '../errors.js';
import type { CliIo } from './cli-io.js';
import { progressLine } from './cli-io.js';

/** Where flows come from: the flags every command that reads flow logs shares. */
export interface FlowInputConfig {
  readonly flows: readonly string[];
  readonly format: IngestFormat;
  readonly cluster?: string;
  readonly deadLetter?: string;
}

/**
 * Reads every flow source through the collector's ingest pipeline, with a progress line on a
 * terminal and unreadable records written to `--dead-letter` when given.
 */
export async function readFlowInput(config: FlowInputConfig, cluster: ClusterState | undefined, io: CliIo): Promise<IngestResult> {
  const deadLetters = config.deadLetter ? createWriteStream(config.deadLetter) : undefined;
  const progress = progressLine(io, 'records read');
  try {
    return await ingest(config.flows, {
      format: config.format,
      ...(cluster ? { clusterState: cluster } : {}),
      stdin: io.stdin as never,
      onProgress: progress.update,
      ...(deadLetters ? { onDeadLetter: (letter: DeadLetter) => deadLetters.write(`${JSON.stringify(letter)}\n`) } : {}),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const path = (error as NodeJS.ErrnoException).path;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') throw new InputError(`--flows ${path ?? ''}: cannot read the file (${code})`, { cause: error });
    throw error;
  } finally {
    progress.done();
    if (deadLetters) await new Promise<void>((resolve, reject) => deadLetters.end((error?: Error | null) => (error ? reject(error) : resolve())));
  }
}

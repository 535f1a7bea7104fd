import { createWriteStream } from 'node:fs';
import type { Command } from 'commander';
import { Option } from 'commander';
import { z } from 'zod';
import type { ClusterState, DeadLetter, IngestFormat, IngestResult } from '@palisade/collector';
import { INGEST_FORMATS, ingest } from '@palisade/collector';
import { InputError } from '../errors.js';
import type { CliIo } from '../cli/progress.js';
import { progressLine } from '../cli/progress.js';

/** Splits repeatable and comma-separated list flags (`--flows a --flows b,c`). */
export const collectList = (value: string, previous: string[] = []): string[] => [
  ...previous,
  ...value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean),
];

/** A list flag that may also come from an environment variable (one comma-separated string). */
export const listFromFlag = (value: unknown): string[] | undefined =>
  typeof value === 'string' ? collectList(value) : Array.isArray(value) ? (value as string[]) : undefined;

/** Where flows come from: the flags every command that reads flow logs shares. */
export interface FlowInputConfig {
  readonly flows: readonly string[];
  readonly format: IngestFormat;
  readonly cluster?: string;
  readonly deadLetter?: string;
}

/** zod shape of the shared flow-input flags. */
export const FlowInputFlags = {
  flows: z.array(z.string().min(1)),
  format: z.enum(INGEST_FORMATS as unknown as [IngestFormat, ...IngestFormat[]]),
  cluster: z.string().optional(),
  deadLetter: z.string().optional(),
};

/** Adds `--flows`, `--format`, `--cluster` and `--dead-letter` to a command. */
export function addFlowInputOptions(command: Command, flowsHelp = 'flow log file (repeatable); - reads stdin'): Command {
  return command
    .addOption(new Option('--flows <path>', flowsHelp).argParser(collectList).env('PALISADE_FLOWS'))
    .addOption(new Option('--format <format>', 'flow log format').choices([...INGEST_FORMATS]).default('auto').env('PALISADE_FORMAT'))
    .addOption(new Option('--cluster <file>', 'cluster objects as kubectl get -o yaml prints them (selectors, ports, DNS)').env('PALISADE_CLUSTER'))
    .addOption(new Option('--dead-letter <file>', 'write unreadable records there, one JSON line each').env('PALISADE_DEAD_LETTER'));
}

/**
 * Turns zod's first issue into the one-line message the CLI prints: the flag as typed
 * (`--world-fold-min`), the offending list item when there is one, and what to fix.
 */
export function flagError(issue: z.core.$ZodIssue | undefined, flags: Record<string, unknown>): InputError {
  const name = String(issue?.path[0] ?? '');
  const flag = `--${name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
  const value = issue?.path.length === 2 ? ` ${JSON.stringify((flags[name] as unknown[] | undefined)?.[Number(issue.path[1])])}` : '';
  return new InputError(`${flag}${value}: ${issue?.message ?? 'invalid'}`);
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

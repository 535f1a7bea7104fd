import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CollectConfigError } from '../errors.js';

/**
 * Checks a source before the service creates topics or starts anything: a file that is not
 * there used to surface after the topics were made and the producer connected, as a stack from
 * the read stream (issue 11, item 21). The checks are the ones that cannot change by waiting:
 * a missing `file:`, a directory, a file this process may not read, a `follow:` path whose
 * directory does not exist (the file itself may appear later: that is what following is for),
 * a topic name Kafka refuses.
 */

/** The source as `collect` parsed it (see `SourceSpec` in the service's configuration). */
export type CheckedSource =
  | { readonly kind: 'file' | 'follow'; readonly path: string }
  | { readonly kind: 'stdin' }
  | { readonly kind: 'kafka'; readonly topic: string };

/** Kafka's rule for topic names: 1 to 249 of `[a-zA-Z0-9._-]`, and not `.` or `..`. */
export function kafkaTopicNameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > 249 || name === '.' || name === '..' || !/^[A-Za-z0-9._-]+$/.test(name))
    return `${JSON.stringify(name)} is not a Kafka topic name (1 to 249 of letters, digits, '.', '_' and '-')`;
  return undefined;
}

/** What `--source` says for a spec, as typed. */
function typed(source: CheckedSource): string {
  return source.kind === 'stdin' ? 'stdin' : source.kind === 'kafka' ? `kafka:${source.topic}` : `${source.kind}:${source.path}`;
}

/** @throws CollectConfigError, one line naming `--source` and what to fix, when the source cannot work. */
export async function checkSource(source: CheckedSource): Promise<void> {
  const fail = (problem: string, cause?: unknown) => new CollectConfigError(`--source ${typed(source)}: ${problem}`, cause === undefined ? {} : { cause });
  switch (source.kind) {
    case 'stdin':
      return;
    case 'kafka': {
      const problem = kafkaTopicNameProblem(source.topic);
      if (problem !== undefined) throw fail(problem);
      return;
    }
    case 'file':
    case 'follow': {
      const info = await stat(source.path).catch((error: NodeJS.ErrnoException) => error);
      if (info instanceof Error) {
        if (info.code !== 'ENOENT') throw fail(`cannot be read (${info.code ?? info.message})`, info);
        if (source.kind === 'file') throw fail('no such file (check the path)', info);
        const directory = dirname(source.path);
        const parent = await stat(directory).catch(() => undefined);
        if (parent === undefined || !parent.isDirectory()) throw fail(`the directory ${directory} does not exist (the file may appear later, its directory must be there)`, info);
        return;
      }
      if (info.isDirectory()) throw fail('is a directory, not a file');
      await access(source.path, constants.R_OK).catch((error: NodeJS.ErrnoException) => {
        throw fail(`cannot be read (${error.code ?? error.message}): check its permissions`, error);
      });
      return;
    }
  }
}

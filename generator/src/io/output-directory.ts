import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InputError } from '../errors.js';
import type { InputFiles } from './input-files.js';

/** A file to write, relative to the output directory. */
export interface OutputFile {
  readonly path: string;
  readonly content: string;
}

const OWNED_POLICY_FILE = /^palisade-.*\.yaml$/;
const MANAGED_BY = 'app.kubernetes.io/managed-by: palisade';

/**
 * Checks `--out DIR` before a run does its work: it must be a directory or not exist yet (it is
 * created). @throws InputError naming the path when it is a file.
 */
export async function checkOutputDirectory(directory: string): Promise<void> {
  const info = await stat(directory).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    if (error.code === 'ENOTDIR') throw new InputError(`--out ${directory}: a part of the path is a file, not a directory: choose another path`, { cause: error });
    throw new InputError(`--out ${directory}: cannot read the directory (${error.code ?? error.message})`, { cause: error });
  });
  if (info !== undefined && !info.isDirectory()) throw new InputError(`--out ${directory}: is a file, not a directory: name a directory (it is created when missing)`);
}

/**
 * Writes the files into the directory and removes policy files of an earlier run that this run no
 * longer proposes (a workload that is gone), so the directory always holds exactly one proposal.
 * Only files Palisade wrote (named `palisade-*.yaml` and labelled managed-by palisade) are removed.
 * Before anything is written or removed, no file it touches may be one of the run's `inputs`.
 * @returns the stale files removed, relative to the directory.
 * @throws InputError when a file to write is an input, or the directory cannot be written.
 */
export async function writeOutputDirectory(directory: string, files: readonly OutputFile[], inputs?: InputFiles): Promise<string[]> {
  await checkOutputDirectory(directory);
  const wanted = new Set(files.map((file) => file.path));
  const stale = (await ownedPolicyFiles(directory)).filter((path) => !wanted.has(path));
  if (inputs !== undefined) {
    for (const path of [...files.map((file) => file.path), ...stale]) await inputs.refuseAsOutput({ flag: '--out', path: join(directory, path) });
  }
  try {
    for (const path of stale) await rm(join(directory, path));
    for (const file of files) {
      const target = join(directory, file.path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, file.content);
    }
  } catch (error) {
    const { code, path } = error as NodeJS.ErrnoException;
    if (code === undefined) throw error;
    throw new InputError(`--out ${directory}: cannot write ${path ?? 'a file'} (${code}): choose a writable directory`, { cause: error });
  }
  return stale.sort();
}

async function ownedPolicyFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  const owned: string[] = [];
  for (const namespace of entries.filter((entry) => entry.isDirectory())) {
    for (const file of await readdir(join(directory, namespace.name))) {
      if (!OWNED_POLICY_FILE.test(file)) continue;
      const path = `${namespace.name}/${file}`;
      if ((await readFile(join(directory, path), 'utf8')).includes(MANAGED_BY)) owned.push(path);
    }
  }
  return owned;
}

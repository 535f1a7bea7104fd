import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** A file to write, relative to the output directory. */
export interface OutputFile {
  readonly path: string;
  readonly content: string;
}

const OWNED_POLICY_FILE = /^palisade-.*\.yaml$/;
const MANAGED_BY = 'app.kubernetes.io/managed-by: palisade';

/**
 * Writes the files into the directory and removes policy files of an earlier run that this run no
 * longer proposes (a workload that is gone), so the directory always holds exactly one proposal.
 * Only files Palisade wrote (named `palisade-*.yaml` and labelled managed-by palisade) are removed.
 * @returns the stale files removed, relative to the directory.
 */
export async function writeOutputDirectory(directory: string, files: readonly OutputFile[]): Promise<string[]> {
  const wanted = new Set(files.map((file) => file.path));
  const removed: string[] = [];
  for (const stale of await ownedPolicyFiles(directory)) {
    if (wanted.has(stale)) continue;
    await rm(join(directory, stale));
    removed.push(stale);
  }
  for (const file of files) {
    const target = join(directory, file.path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, file.content);
  }
  return removed.sort();
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

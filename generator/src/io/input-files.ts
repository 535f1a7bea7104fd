import { stat } from 'node:fs/promises';
import { InputError } from '../errors.js';

/**
 * The files a command reads, known by device and inode, so that no output of the same run can be
 * one of them. A name comparison is not enough: `./f.jsonl`, `f.jsonl`, a symlink and a hard link
 * all name the same file, and opening an output for writing truncates it before a line is read
 * (issue 11, item 1: `--flows f.jsonl --dead-letter f.jsonl` left the input empty).
 */

/** A path given on the command line, with the flag that gave it. */
export interface NamedPath {
  readonly flag: string;
  readonly path: string;
}

/** An input file and its identity on disk. */
interface InputFile extends NamedPath {
  readonly device: number;
  readonly inode: number;
}

/** The inputs of one run, to check outputs against. */
export class InputFiles {
  private constructor(private readonly files: readonly InputFile[]) {}

  /**
   * Stats every input. `-` (stdin) has no file; an input that does not exist cannot be
   * overwritten by an output either, so it is left out here and reported when it is read.
   */
  static async of(inputs: readonly NamedPath[]): Promise<InputFiles> {
    const files: InputFile[] = [];
    for (const input of inputs) {
      if (input.path === '-') continue;
      const info = await statOrUndefined(input.path);
      if (info !== undefined) files.push({ ...input, device: info.dev, inode: info.ino });
    }
    return new InputFiles(files);
  }

  /**
   * @throws InputError when `output` is the same file (or directory) as one of the inputs, before
   *   anything is opened for writing.
   */
  async refuseAsOutput(output: NamedPath): Promise<void> {
    if (this.files.length === 0) return;
    const info = await statOrUndefined(output.path);
    if (info === undefined) return;
    const input = this.files.find((file) => file.device === info.dev && file.inode === info.ino);
    if (input === undefined) return;
    const same = input.path === output.path ? '' : ` (${input.path}, the same file)`;
    throw new InputError(`${output.flag} ${output.path}: is the ${input.flag} input${same}; writing there would destroy it: choose another path`);
  }
}

async function statOrUndefined(path: string): Promise<{ readonly dev: number; readonly ino: number } | undefined> {
  try {
    return await stat(path);
  } catch {
    // A path that cannot be stated (missing, no permission) is not a file this run reads from.
    return undefined;
  }
}

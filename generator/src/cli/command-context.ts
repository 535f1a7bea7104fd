import type { CliIo } from '../io/cli-io.js';

/** What a command's action gets: the streams, and a way to end with an exit code other than 0. */
export interface CommandContext {
  readonly io: CliIo;
  setExitCode(code: number): void;
}

import { PalisadeError } from '@palisade/collector';

/**
 * The CLI's errors: Palisade's one error base (`PalisadeError`: message, cause, whether a retry can
 * help) plus the exit code that ends a command. Exit codes are decided here, in one place.
 */
export class CliError extends PalisadeError {
  /** Exit code of the CLI when this error ends a command. */
  readonly exitCode: number = 1;
}

/** Bad flags, files or input data: the message says what to fix. */
export class InputError extends CliError {
  override readonly exitCode = 2;
}

/** Palisade refuses to act on too little evidence (rule 16) or a failed safety gate. */
export class RefusedError extends CliError {
  override readonly exitCode = 4;
}

/** The generated policies would deny traffic that was observed and allowed (rule 19). */
export class VerificationError extends CliError {
  override readonly exitCode = 5;
}

/**
 * The Kubernetes API server or the Git remote/GitHub could not be reached or answered with an
 * error that is not the user's input: the message names the call; a retry may help.
 */
export class ClusterError extends CliError {
  override readonly retriable: boolean;

  constructor(message: string, options?: { cause?: unknown; retriable?: boolean }) {
    super(message, options);
    this.retriable = options?.retriable ?? true;
  }
}

/** Exit codes, as `--help` documents them. */
export const EXIT_CODES = Object.freeze({
  ok: 0,
  failure: 1,
  input: 2,
  denied: 3,
  refused: 4,
  verification: 5,
  /** `refresh`: the proposal changed and was acted on (0 means nothing changed). */
  changed: 10,
});

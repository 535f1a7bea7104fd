import { PalisadeError } from '@palisade/collector';

/**
 * The CLI's errors: Palisade's one error base (`PalisadeError`: message, cause, whether a retry can
 * help) plus the exit code that ends a command. Exit codes are decided here, in one place.
 */
export class CliError extends PalisadeError {
  /** Exit code of the CLI when this error ends a command. */
  readonly exitCode: number = 1;

  /**
   * The kind of failure in words, printed before the message (`palisade: refused: …`); empty when
   * the message says it all. By default the class name in words (`BaselinerServiceError` →
   * `baseliner service`), never run together into a code like `baselinerservice`.
   */
  get label(): string {
    return this.name
      .replace(/Error$/, '')
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .toLowerCase();
  }
}

/** Bad flags, files or input data: the message says what to fix. */
export class InputError extends CliError {
  override readonly exitCode = 2;

  override get label(): string {
    return '';
  }
}

/** Palisade refuses to act on too little evidence (rule 16) or a failed safety gate. */
export class RefusedError extends CliError {
  override readonly exitCode = 4;

  override get label(): string {
    return 'refused';
  }
}

/**
 * The baseline holds no traffic that may teach an allow rule (rule 16): policies from it would deny
 * everything. The proposal chain replaces the message with why the input came to nothing.
 */
export class EmptyBaselineError extends RefusedError {}

/** The generated policies would deny traffic that was observed and allowed (rule 19). */
export class VerificationError extends CliError {
  override readonly exitCode = 5;

  override get label(): string {
    return 'verification';
  }
}

/**
 * The Kubernetes API server or the Git remote/GitHub could not be reached or answered with an
 * error that is not the user's input: the message names the call; a retry may help.
 */
export class ClusterError extends CliError {
  override readonly retriable: boolean;

  override get label(): string {
    return 'cluster';
  }

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

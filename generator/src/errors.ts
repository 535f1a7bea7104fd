/**
 * Palisade's error hierarchy. Every error carries an optional cause; whether a retry can help and
 * which exit code the CLI uses are decided here, in one place.
 */
export class PalisadeError extends Error {
  /** Exit code of the CLI when this error ends a command. */
  readonly exitCode: number = 1;
  /** Whether trying the same thing again can succeed (a network blip, a conflict). */
  readonly retriable: boolean = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad flags, files or input data: the message says what to fix. */
export class InputError extends PalisadeError {
  override readonly exitCode = 2;
}

/** Palisade refuses to act on too little evidence (rule 16) or a failed safety gate. */
export class RefusedError extends PalisadeError {
  override readonly exitCode = 4;
}

/** The generated policies would deny traffic that was observed and allowed (rule 19). */
export class VerificationError extends PalisadeError {
  override readonly exitCode = 5;
}

/**
 * The Kubernetes API server or the Git remote/GitHub could not be reached or answered with an
 * error that is not the user's input: the message names the call; a retry may help.
 */
export class ClusterError extends PalisadeError {
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

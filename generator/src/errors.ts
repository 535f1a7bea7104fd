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

/** Exit codes, as `--help` documents them. */
export const EXIT_CODES = Object.freeze({
  ok: 0,
  failure: 1,
  input: 2,
  denied: 3,
  refused: 4,
  verification: 5,
});

/**
 * The one redaction every message and log line passes through on its way out of a Palisade process
 * (the CLI's stdout and stderr, the services' pino loggers). It removes two things:
 *
 * - the values of the secrets this process was given (a GitHub token, a Redis or Kafka password, a
 *   kubeconfig's bearer token), wherever they came from: whoever reads a secret registers it with
 *   {@link registerSecret}, so a server that echoes it back in an error body cannot make us print it;
 * - credentials of the usual shapes even when they were never registered: GitHub tokens
 *   (`ghp_…`, `gho_…`, `ghs_…`, `github_pat_…`), `Bearer`/`Basic`/`token` values after an
 *   `Authorization` header or on their own, and the password of a URL's user info.
 *
 * Pure and dependency-free, below every floor, so the CLI and both services use the same function.
 */

/** What a redacted secret is replaced with. */
export const REDACTED = '***';

/**
 * Secret values shorter than this are not registered: replacing every "abc" in every line would
 * make the output unreadable, and a password that short is not a secret worth the name anyway.
 */
const MIN_SECRET_LENGTH = 4;

/** The secret values one process knows; {@link processSecrets} is the process's own. */
export class SecretRegistry {
  readonly #values = new Set<string>();
  #pattern: RegExp | undefined;

  /** Remembers a secret value (and its URL-encoded form, as it appears inside a URL). */
  register(value: string | undefined): void {
    if (value === undefined) return;
    for (const form of new Set([value, value.trim(), encodeURIComponent(value.trim())])) {
      if (form.length >= MIN_SECRET_LENGTH && !this.#values.has(form)) {
        this.#values.add(form);
        this.#pattern = undefined;
      }
    }
  }

  /** Every registered value replaced by {@link REDACTED}, longest first (so a value's prefix never leaves its tail). */
  redact(text: string): string {
    if (this.#values.size === 0) return text;
    this.#pattern ??= new RegExp(
      [...this.#values]
        .sort((a, b) => b.length - a.length)
        .map(escapeRegExp)
        .join('|'),
      'g',
    );
    return text.replace(this.#pattern, REDACTED);
  }
}

/** The secrets of this process. */
export const processSecrets = new SecretRegistry();

/** Registers a secret value of this process: from now on it is redacted from every line printed. */
export function registerSecret(value: string | undefined): void {
  processSecrets.register(value);
}

/**
 * Token shapes redacted even when not registered. Each keeps what says what it was (the header
 * name, the scheme, the URL's user) and drops the credential.
 */
const TOKEN_SHAPES: readonly { readonly pattern: RegExp; readonly replacement: string }[] = [
  // GitHub: personal (ghp_), OAuth (gho_), user-to-server (ghu_), server-to-server (ghs_), refresh (ghr_), fine-grained (github_pat_).
  { pattern: /\bgithub_pat_[A-Za-z0-9_]{10,}/g, replacement: REDACTED },
  { pattern: /\bgh[pousr]_[A-Za-z0-9_-]{10,}/g, replacement: REDACTED },
  // An Authorization header's whole value, in a header dump or in JSON (`"authorization":"…"`).
  { pattern: /(\b(?:proxy-)?authorization["']?\s*[:=]\s*["']?)[^"'\r\n,}]+/gi, replacement: `$1${REDACTED}` },
  // A scheme and its credential on their own (`Bearer eyJ…`, `token abc…`, `Basic dXNl…`); the value
  // must hold a digit, so prose ("the token contents") is left alone.
  { pattern: /\b(Bearer|Basic|token)(\s+)(?=[A-Za-z._~+/=-]*\d)[A-Za-z0-9._~+/=-]{8,}/gi, replacement: `$1$2${REDACTED}` },
  // A URL's password: scheme://user:password@host.
  { pattern: /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s/@]+@/gi, replacement: `$1${REDACTED}@` },
];

/**
 * `text` with every registered secret and every credential of a known shape replaced by
 * {@link REDACTED}. Idempotent: redacting twice changes nothing more.
 */
export function redactSecrets(text: string, secrets: SecretRegistry = processSecrets): string {
  let out = secrets.redact(text);
  for (const { pattern, replacement } of TOKEN_SHAPES) out = out.replace(pattern, replacement);
  return out;
}

/**
 * A write-only stream that redacts each line before handing it to `target`: what the services give
 * pino as its destination, so no log line (their own, or KafkaJS's through pino) leaves unredacted.
 */
export function redactingDestination(target: { write(text: string): unknown }): { write(text: string): void } {
  return {
    write(text: string) {
      target.write(redactSecrets(text));
    },
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

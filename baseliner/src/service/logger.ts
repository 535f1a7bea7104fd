/**
 * The logging calls the baseliner makes, a subset of pino's, so the service passes a pino logger
 * and tests pass a recorder.
 */
export interface BaselinerLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** A logger that drops everything (benchmarks, library use). */
export const SILENT_LOGGER: BaselinerLogger = Object.freeze({ debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined });

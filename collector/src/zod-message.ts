import type { z } from 'zod';

/**
 * One-line messages from zod errors, for dead-letter reasons, configuration errors and unreadable
 * cluster objects: the first issue, named by its field. zod 4's `z.prettifyError` lists every
 * issue over several lines (`✖ message` then `→ at a.b`); a dead-letter header, a report example or
 * a CLI error is one line that says which field to fix, in the words Palisade has always used.
 */

/** The first issue of a zod error, reduced to what a one-line message needs. */
export interface FirstIssue {
  /** The issue's path as zod gives it (empty when the issue is about the value itself). */
  readonly path: readonly PropertyKey[];
  /** `prefix` and the path, joined with dots; `''` when both are empty. */
  readonly field: string;
  /** zod's message, or `invalid` for an error without issues. */
  readonly message: string;
}

/** The first issue of `error`, its field placed under `prefix` (e.g. the list index of the record). */
export function firstIssue(error: z.ZodError, prefix = ''): FirstIssue {
  const issue = error.issues[0];
  const path = issue?.path ?? [];
  const field = [prefix, path.map(String).join('.')].filter((part) => part !== '').join('.');
  return { path, field, message: issue?.message ?? 'invalid' };
}

/**
 * `field a.b: message` for the first issue of `error`, the field under `prefix`.
 * @param whole what the message calls the value itself, when the issue has no path.
 */
export function describeIssue(error: z.ZodError, prefix = '', whole = '(record)'): string {
  const { field, message } = firstIssue(error, prefix);
  return `field ${field === '' ? whole : field}: ${message}`;
}

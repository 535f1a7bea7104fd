import type { z } from 'zod';
import { InputError } from '../../errors.js';
import { typedFlag } from '../options/old-spellings.js';

/**
 * Turns zod's first issue into the one-line message the CLI prints: the flag as typed
 * (`--world-fold-min`), the offending list item when there is one, and what to fix.
 */
export function flagError(issue: z.core.$ZodIssue | undefined, flags: Record<string, unknown>): InputError {
  const name = String(issue?.path[0] ?? '');
  const value = issue?.path.length === 2 ? ` ${JSON.stringify((flags[name] as unknown[] | undefined)?.[Number(issue.path[1])])}` : '';
  return new InputError(`${typedFlag(name, flags)}${value}: ${issue?.message ?? 'invalid'}`);
}

import type { z } from 'zod';
import { firstIssue } from '@palisade/collector';
import { InputError } from '../../errors.js';
import { typedFlag } from '../options/old-spellings.js';

/**
 * Turns zod's first issue into the one-line message the CLI prints: the flag as typed
 * (`--world-fold-min`), the offending list item when there is one, and what to fix.
 */
export function flagError(error: z.ZodError, flags: Record<string, unknown>): InputError {
  const { path, message } = firstIssue(error);
  const name = String(path[0] ?? '');
  const value = path.length === 2 ? ` ${JSON.stringify((flags[name] as unknown[] | undefined)?.[Number(path[1])])}` : '';
  return new InputError(`${typedFlag(name, flags)}${value}: ${message}`);
}

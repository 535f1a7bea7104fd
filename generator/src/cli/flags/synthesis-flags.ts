import { z } from 'zod';
import { parseDuration } from './duration.js';

/** zod of `--min-window`; `example` is the hint after "is not a duration". */
export function minWindowFlag(example: string): z.ZodType<string> {
  return z.string().refine((value) => parseDuration(value) !== undefined, { message: `is not a duration (for example ${example})` });
}

/** zod of `--max-changes N`. */
export const MaxChanges = z.coerce.number({ error: 'is not a number' }).int('must be a whole number').min(0, 'must be 0 or more').optional();

import { Option } from 'commander';
import { z } from 'zod';

/** `--max-changes N`: the gate on how many policies one apply may create, update or prune. */
export const MaxChanges = z.coerce.number({ error: 'is not a number' }).int('must be a whole number').min(0, 'must be 0 or more').optional();

/** The `--max-changes` option. */
export function maxChangesOption(help: string): Option {
  return new Option('--max-changes <n>', help).env('PALISADE_MAX_CHANGES');
}

import { Option } from 'commander';
import { z } from 'zod';
import { parseDuration } from './duration.js';

/** `--default-deny`. */
export function defaultDenyOption(): Option {
  return new Option('--default-deny', 'add a default-deny policy to namespaces where every workload has its own').env('PALISADE_DEFAULT_DENY');
}

/** `--min-window DURATION`: what it does (warn or refuse) is the command's help. */
export function minWindowOption(help: string): Option {
  return new Option('--min-window <duration>', help).default('24h').env('PALISADE_MIN_WINDOW');
}

/** zod of `--min-window`; `example` is the hint after "is not a duration". */
export function minWindowFlag(example: string) {
  return z.string().refine((value) => parseDuration(value) !== undefined, { message: `is not a duration (for example ${example})` });
}

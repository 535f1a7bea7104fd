import { Option } from 'commander';

/** `-o, --output FORMAT`: how a command prints its result. */
export function outputOption(choices: readonly string[], help = 'result format'): Option {
  return new Option('-o, --output <format>', help).choices([...choices]).default('text').env('PALISADE_OUTPUT');
}

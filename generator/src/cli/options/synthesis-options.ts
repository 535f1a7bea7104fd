import { Option } from 'commander';

/** `--default-deny`. */
export function defaultDenyOption(): Option {
  return new Option('--default-deny', 'add a default-deny policy to namespaces where every workload has its own').env('PALISADE_DEFAULT_DENY');
}

/** `--min-window DURATION`: what it does (warn or refuse) is the command's help. */
export function minWindowOption(help: string): Option {
  return new Option('--min-window <duration>', help).default('24h').env('PALISADE_MIN_WINDOW');
}

/** `--max-changes N`: the gate on how many policies one apply may create, update or prune. */
export function maxChangesOption(help: string): Option {
  return new Option('--max-changes <n>', help).env('PALISADE_MAX_CHANGES');
}

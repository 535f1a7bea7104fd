import { Option } from 'commander';

/** `--default-deny`. */
export function defaultDenyOption(): Option {
  return new Option('--default-deny', 'add a default-deny policy to namespaces where every workload has its own').env('PALISADE_DEFAULT_DENY');
}

/** `--isolate-idle`: a deny-all for workloads of the cluster state the baseline never saw talk. */
export function isolateIdleOption(): Option {
  return new Option(
    '--isolate-idle',
    'give workloads of the cluster state with no observed traffic a deny-all of both directions, when the baseline spans at least --min-window (off: they are only listed in the report)',
  ).env('PALISADE_ISOLATE_IDLE');
}

/** `--min-window DURATION`: what it does (warn or refuse) is the command's help. */
export function minWindowOption(help: string): Option {
  return new Option('--min-window <duration>', help).default('24h').env('PALISADE_MIN_WINDOW');
}

/** `--max-changes N`: the gate on how many policies one apply may create, update or prune. */
export function maxChangesOption(help: string): Option {
  return new Option('--max-changes <n>', help).env('PALISADE_MAX_CHANGES');
}

import type { Command } from 'commander';
import { Option } from 'commander';
import { collectList } from './flag-values.js';

/** `--kubeconfig FILE` of the cluster to read (or watch, or write). */
export function kubeconfigOption(help = 'kubeconfig of the cluster (default: KUBECONFIG, ~/.kube/config, then the in-cluster service account)'): Option {
  return new Option('--kubeconfig <file>', help);
}

/**
 * `--cluster FILE`: cluster objects as `kubectl get -o yaml` prints them, instead of a live
 * cluster. `collect` reads `PALISADE_CLUSTER` through its own settings, so it passes `env: false`.
 */
export function clusterFileOption(help: string, options: { readonly env?: boolean } = {}): Option {
  const option = new Option('--cluster <file>', help);
  return options.env === false ? option : option.env('PALISADE_CLUSTER');
}

/** `--namespace NS` (repeatable): read and act only there. */
export function namespacesOption(): Option {
  return new Option('--namespace <ns>', 'read and act only in this namespace (repeatable; default all)').argParser(collectList).env('PALISADE_NAMESPACES');
}

/** `--exclude-namespace NS` (repeatable): no policies for it. */
export function excludeNamespaceOption(): Option {
  return new Option('--exclude-namespace <ns>', 'no policies for this namespace (repeatable; system namespaces always)').argParser(collectList).env('PALISADE_EXCLUDE_NAMESPACES');
}

/** `--request-timeout DURATION`: the longest wait for one Kubernetes or GitHub request. */
export function requestTimeoutOption(): Option {
  return new Option('--request-timeout <duration>', 'longest wait for one Kubernetes or GitHub request (a server that accepts and never answers)').default('30s').env('PALISADE_REQUEST_TIMEOUT');
}

/** Adds `--kubeconfig`, `--namespace` and `--request-timeout` to a command. */
export function addClusterOptions(command: Command): Command {
  return command.addOption(kubeconfigOption()).addOption(namespacesOption()).addOption(requestTimeoutOption());
}

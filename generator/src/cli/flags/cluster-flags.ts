import type { Command } from 'commander';
import { Option } from 'commander';
import { z } from 'zod';
import type { ClusterConfig } from '../../app/live-cluster.js';
import { NamespaceName, namespacesOption } from './namespace-flags.js';

/** zod shape of the cluster flags. */
export const ClusterFlags = {
  kubeconfig: z.string().min(1).optional(),
  namespace: z.array(NamespaceName).optional(),
};

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

/** Adds `--kubeconfig` and `--namespace` to a command. */
export function addClusterOptions(command: Command): Command {
  return command.addOption(kubeconfigOption()).addOption(namespacesOption());
}

/** The cluster part of a parsed flag set. */
export function clusterConfig(f: z.infer<z.ZodObject<typeof ClusterFlags>>): ClusterConfig {
  return { ...(f.kubeconfig ? { kubeconfig: f.kubeconfig } : {}), ...(f.namespace && f.namespace.length > 0 ? { namespaces: f.namespace } : {}) };
}

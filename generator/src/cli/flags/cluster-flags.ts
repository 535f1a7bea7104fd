import type { Command } from 'commander';
import { Option } from 'commander';
import { z } from 'zod';
import type { ClusterConfig } from '../../app/live-cluster.js';
import { collectList } from './list-flags.js';

const Namespace = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'is not a namespace name');

/** zod shape of the cluster flags. */
export const ClusterFlags = {
  kubeconfig: z.string().min(1).optional(),
  namespace: z.array(Namespace).optional(),
};

/** Adds `--kubeconfig` and `--namespace` to a command. */
export function addClusterOptions(command: Command): Command {
  return command
    .addOption(new Option('--kubeconfig <file>', 'kubeconfig of the cluster (default: KUBECONFIG, ~/.kube/config, then the in-cluster service account)'))
    .addOption(new Option('--namespace <ns>', 'read and act only in this namespace (repeatable; default all)').argParser(collectList).env('PALISADE_NAMESPACES'));
}

/** The cluster part of a parsed flag set. */
export function clusterConfig(f: z.infer<z.ZodObject<typeof ClusterFlags>>): ClusterConfig {
  return { ...(f.kubeconfig ? { kubeconfig: f.kubeconfig } : {}), ...(f.namespace && f.namespace.length > 0 ? { namespaces: f.namespace } : {}) };
}

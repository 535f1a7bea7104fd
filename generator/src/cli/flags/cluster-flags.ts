import { z } from 'zod';
import type { ClusterConfig } from '../../app/live-cluster.js';
import { NamespaceName } from './namespace-flags.js';

/** zod shape of the cluster flags. */
export const ClusterFlags = {
  kubeconfig: z.string().min(1).optional(),
  namespace: z.array(NamespaceName).optional(),
};

/** The cluster part of a parsed flag set. */
export function clusterConfig(f: z.infer<z.ZodObject<typeof ClusterFlags>>): ClusterConfig {
  return { ...(f.kubeconfig ? { kubeconfig: f.kubeconfig } : {}), ...(f.namespace && f.namespace.length > 0 ? { namespaces: f.namespace } : {}) };
}

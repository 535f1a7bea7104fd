import { z } from 'zod';
import type { ClusterConfig } from '../../app/live-cluster.js';
import { parseDuration } from './duration.js';
import { NamespaceName } from './namespace-flags.js';

/** zod of `--request-timeout`: a duration above zero. */
export const RequestTimeoutFlag = z
  .string()
  .refine((value) => (parseDuration(value) ?? 0) > 0, { message: 'is not a duration above zero (for example 30s, 2m)' })
  .default('30s');

/** zod shape of the cluster flags. */
export const ClusterFlags = {
  kubeconfig: z.string().min(1).optional(),
  namespace: z.array(NamespaceName).optional(),
  requestTimeout: RequestTimeoutFlag,
};

/** `--request-timeout` in milliseconds. */
export function requestTimeoutMs(f: { readonly requestTimeout?: string | undefined }): number {
  return parseDuration(f.requestTimeout ?? '30s') as number;
}

/** The cluster part of a parsed flag set. */
export function clusterConfig(f: z.infer<z.ZodObject<typeof ClusterFlags>>): ClusterConfig {
  return {
    ...(f.kubeconfig ? { kubeconfig: f.kubeconfig } : {}),
    ...(f.namespace && f.namespace.length > 0 ? { namespaces: f.namespace } : {}),
    requestTimeoutMs: requestTimeoutMs(f),
  };
}

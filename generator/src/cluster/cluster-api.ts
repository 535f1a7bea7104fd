import type { V1NetworkPolicy } from '@kubernetes/client-node';
import { PalisadeError } from '@palisade/collector';

/**
 * The Kubernetes calls Palisade makes, and nothing more: listing the objects it reads and applying or
 * deleting its own NetworkPolicies. The pure code (cluster-read.ts, apply-plan.ts, apply-run.ts)
 * sees only these interfaces; kubernetes-client.ts implements them with @kubernetes/client-node,
 * and tests implement them with plain objects.
 */

/** The kinds Palisade reads, in the order it reads them. */
export const READ_KINDS = [
  'Namespace',
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'Pod',
  'Service',
  'EndpointSlice',
  'NetworkPolicy',
] as const;

/** One kind Palisade reads. */
export type ReadKind = (typeof READ_KINDS)[number];

/** One page of a list call, items as plain manifest data (with `apiVersion` and `kind`). */
export interface ListPage {
  readonly items: readonly unknown[];
  /** Present when more pages follow. */
  readonly continueToken?: string;
}

/** Reads objects from the API server. */
export interface ClusterReader {
  /**
   * One page of a kind, in one namespace or (namespace undefined) in all of them; `Namespace`
   * with a namespace is that one Namespace object (read by name, no cluster-wide list). Rejects when the server refuses or cannot be reached: never an empty page.
   */
  list(kind: ReadKind, namespace: string | undefined, continueToken: string | undefined): Promise<ListPage>;
}

/** Whether a write is persisted, or only run through admission and validation (`dryRun=All`). */
export interface WriteOptions {
  readonly dryRun: boolean;
}

/** Writes Palisade's own NetworkPolicies. */
export interface PolicyWriter {
  /** Server-side apply with field manager `palisade`, never forced: a field owned by another manager is a conflict. */
  apply(policy: V1NetworkPolicy, options: WriteOptions): Promise<V1NetworkPolicy>;
  /** Deletes the policy, only if it still has `resourceVersion` (so a policy changed since it was read survives). */
  delete(target: { readonly namespace: string; readonly name: string; readonly resourceVersion?: string }, options: WriteOptions): Promise<void>;
}

/** The field manager of every write Palisade makes. */
export const FIELD_MANAGER = 'palisade';

/**
 * A refusal from the API server, reduced to what Palisade decides on: HTTP status, the Status
 * `reason` (`Conflict`, `Invalid`, `Forbidden`, `NotFound`, ...) and its message. A Palisade error
 * (`PalisadeError`), but not a `ClusterError`: callers turn it into the CLI error its status
 * calls for (a conflict is a refusal, an invalid object the user's input, the rest the cluster's).
 */
export class ApiRefusedError extends PalisadeError {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    // 429 Too Many Requests and 5xx: the server is busy or failing, the same call may succeed later.
    super(message, { ...options, retriable: code === 429 || code >= 500 });
  }
}

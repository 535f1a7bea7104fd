import type { V1NetworkPolicy } from '@kubernetes/client-node';
import type { ClusterState } from '@palisade/collector';
import { ClusterObjectError, clusterStateFromObjects } from '@palisade/collector';
import { ClusterError } from '../errors.js';
import type { ClusterReader, ReadKind } from './cluster-api.js';
import { ApiRefusedError, READ_KINDS } from './cluster-api.js';

/**
 * Reads everything Palisade needs from the live cluster, in full, before any synthesis runs
 * (STYLE.md: gather all state first). Every page of every kind is read; a refused or failed read
 * is an error naming the call, never an empty result, because an empty pod list would make every
 * workload look gone and every policy look stale.
 */

/** The cluster as read: the state synthesis and evaluation use, and the NetworkPolicies in force. */
export interface LiveCluster {
  readonly state: ClusterState;
  /** Every NetworkPolicy in the scope, Palisade's and everyone else's. */
  readonly policies: readonly V1NetworkPolicy[];
  /** The namespaces read, or undefined for all of them. */
  readonly namespaces?: readonly string[];
  /** Objects read, per kind. */
  readonly counts: Readonly<Record<ReadKind, number>>;
}

/** What to read. */
export interface ReadOptions {
  /** Read only these namespaces (objects in them; Namespace objects are always all read). @default all */
  readonly namespaces?: readonly string[];
}

/** Reads every kind, every page, in the scope. */
export async function readLiveCluster(reader: ClusterReader, options: ReadOptions = {}): Promise<LiveCluster> {
  const scopes: readonly (string | undefined)[] = options.namespaces && options.namespaces.length > 0 ? [...new Set(options.namespaces)].sort() : [undefined];
  const objects: unknown[] = [];
  const policies: V1NetworkPolicy[] = [];
  const counts = Object.fromEntries(READ_KINDS.map((kind) => [kind, 0])) as Record<ReadKind, number>;
  for (const kind of READ_KINDS) {
    if (kind === 'Namespace') {
      const items = await readNamespaces(reader, scopes);
      counts[kind] += items.length;
      objects.push(...items);
      continue;
    }
    for (const namespace of scopes) {
      const items = await listAll(reader, kind, namespace);
      counts[kind] += items.length;
      if (kind === 'NetworkPolicy') policies.push(...(items as V1NetworkPolicy[]));
      else objects.push(...items);
    }
  }
  let state: ClusterState;
  try {
    state = clusterStateFromObjects(objects);
  } catch (error) {
    if (error instanceof ClusterObjectError) throw new ClusterError(`the cluster holds an object Palisade cannot read: ${error.message}`, { cause: error, retriable: false });
    throw error;
  }
  return { state, policies, ...(options.namespaces && options.namespaces.length > 0 ? { namespaces: scopes as string[] } : {}), counts };
}

/**
 * The Namespace objects: all of them, or with `--namespace` only what that scope needs. A reader
 * allowed into its namespaces alone cannot list namespaces cluster-wide (issue 11, item 26), so a
 * scoped read that is refused the list reads each of its namespaces by name, and where even that
 * is refused uses the one label every namespace carries, `kubernetes.io/metadata.name` (set by the
 * API server since 1.21), which is the label Palisade's own namespace selectors use.
 */
async function readNamespaces(reader: ClusterReader, scopes: readonly (string | undefined)[]): Promise<unknown[]> {
  const scoped = scopes.filter((scope): scope is string => scope !== undefined);
  if (scoped.length === 0) return listAll(reader, 'Namespace', undefined);
  try {
    return await listAll(reader, 'Namespace', undefined);
  } catch (error) {
    if (!(error instanceof ClusterPermissionError)) throw error;
  }
  const namespaces: unknown[] = [];
  for (const name of scoped) {
    try {
      namespaces.push(...(await reader.list('Namespace', name, undefined)).items);
    } catch (error) {
      if (!(error instanceof ApiRefusedError) || (error.code !== 401 && error.code !== 403)) throw readError('Namespace', name, error);
      namespaces.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } } });
    }
  }
  return namespaces;
}

/**
 * The reader may not read what the scope needs: the user's to fix (a Role, a narrower
 * `--namespace`), so exit 2 like other bad input, and no retry helps.
 */
export class ClusterPermissionError extends ClusterError {
  override readonly exitCode = 2;

  constructor(message: string, options: { readonly cause?: unknown } = {}) {
    super(message, { ...options, retriable: false });
  }
}

async function listAll(reader: ClusterReader, kind: ReadKind, namespace: string | undefined): Promise<unknown[]> {
  const items: unknown[] = [];
  let continueToken: string | undefined;
  do {
    try {
      const page = await reader.list(kind, namespace, continueToken);
      items.push(...page.items);
      continueToken = page.continueToken;
    } catch (error) {
      throw readError(kind, namespace, error);
    }
  } while (continueToken !== undefined);
  return items;
}

function readError(kind: ReadKind, namespace: string | undefined, error: unknown): ClusterError {
  if (error instanceof ClusterError) return error;
  const where = kind === 'Namespace' || namespace === undefined ? '' : ` in namespace ${namespace}`;
  if (error instanceof ApiRefusedError) {
    if (error.code === 401 || error.code === 403) {
      const resource = `${kind.toLowerCase()}s`;
      const scope = kind === 'Namespace' ? ' (cluster-wide)' : namespace === undefined ? ' in every namespace (a ClusterRole), or give --namespace NS to read only there' : ` in namespace ${namespace} (a Role there)`;
      return new ClusterPermissionError(`cannot read ${kind}s${where}: ${error.message}: Palisade needs get and list on ${resource}${scope}; see the Helm chart's RBAC`, { cause: error });
    }
    // 410 Gone: the continue token expired between pages; a new read from the start succeeds.
    const retriable = error.retriable || error.code === 410;
    return new ClusterError(`cannot read ${kind}s${where}: ${error.message}`, { cause: error, retriable });
  }
  return new ClusterError(`cannot read ${kind}s${where}: ${(error as Error).message}`, { cause: error });
}

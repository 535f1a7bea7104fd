import { readFile } from 'node:fs/promises';
import yaml from 'js-yaml';
import type { ClusterState } from '@palisade/collector';
import { ClusterObjectError, clusterStateFromObjects } from '@palisade/collector';
import { InputError } from '../errors.js';

/**
 * Reads `--cluster FILE`: multi-document YAML (or JSON, or a `kind: List`) of the objects
 * `kubectl get -o yaml` prints. A file that cannot be read or parsed is an input error naming it.
 */
export async function readClusterFile(path: string): Promise<ClusterState> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InputError(`--cluster ${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { cause: error });
  }
  let documents: unknown[];
  try {
    documents = yaml.loadAll(text);
  } catch (error) {
    throw new InputError(`--cluster ${path}: not valid YAML: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
  try {
    return clusterStateFromObjects(documents);
  } catch (error) {
    if (error instanceof ClusterObjectError) throw new InputError(`--cluster ${path}: ${error.message}`, { cause: error });
    throw error;
  }
}

/**
 * The warning for a `--cluster` file that names no workload (empty, or only ConfigMaps and the
 * like): accepted, since Services and namespaces still help, but selectors then come from flow
 * labels alone, which is worth knowing before applying them (issue 11, item 29).
 */
export function emptyClusterWarning(path: string, state: ClusterState): string | undefined {
  if (state.workloads.length > 0 || state.pods.length > 0) return undefined;
  return `palisade: warning: --cluster ${path} holds no workloads (no Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job or CronJob): selectors come from flow labels, without release labels such as version; export the workloads too (kubectl get pods,deployments,statefulsets,daemonsets,replicasets,jobs,cronjobs -A -o yaml)\n`;
}

/** {@link readClusterFile} when `--cluster` was given; undefined (no cluster state) when not. */
export async function readClusterFileIfGiven(path: string | undefined): Promise<ClusterState | undefined> {
  return path === undefined ? undefined : readClusterFile(path);
}

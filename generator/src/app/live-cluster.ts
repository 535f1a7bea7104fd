import type { ClusterReader, PolicyWriter } from '../cluster/cluster-api.js';
import type { LiveCluster } from '../cluster/cluster-read.js';
import { readLiveCluster } from '../cluster/cluster-read.js';

/** The live-cluster settings every cluster command shares. */
export interface ClusterConfig {
  /** Undefined: in-cluster service account, else the default kubeconfig lookup. */
  readonly kubeconfig?: string;
  /** Read and act only in these namespaces; undefined means all. */
  readonly namespaces?: readonly string[];
  /** Longest wait for one API request. @default 30 s */
  readonly requestTimeoutMs?: number;
}

/** Reads the live cluster in full, within the configured namespaces. */
export function readLive(cluster: ClusterReader, config: ClusterConfig): Promise<LiveCluster> {
  return readLiveCluster(cluster, config.namespaces ? { namespaces: config.namespaces } : {});
}

/**
 * The Kubernetes API of the cluster: `kubeconfig`, else KUBECONFIG, ~/.kube/config, then the
 * in-cluster service account. The client library loads here, when a command talks to a cluster.
 */
export async function connectCluster(kubeconfig: string | undefined, options: { readonly requestTimeoutMs?: number } = {}): Promise<ClusterReader & PolicyWriter> {
  const { kubernetesClusterApi, loadKubeConfig } = await import('../cluster/kubernetes-client.js');
  return kubernetesClusterApi(loadKubeConfig(kubeconfig), options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs });
}

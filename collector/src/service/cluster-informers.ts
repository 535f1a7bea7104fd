import { AppsV1Api, BatchV1Api, CoreV1Api, DiscoveryV1Api, makeInformer, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import type { InformerFactory, ObjectInformer, WatchedKind } from '../identity/cluster-watch.js';

/**
 * The real informers of cluster-watch.ts, through `@kubernetes/client-node`: one list+watch per
 * kind, cluster-wide or in one namespace. RBAC: get/list/watch on pods, services (core),
 * replicasets (apps), jobs (batch) and endpointslices (discovery.k8s.io).
 */
export function kubernetesInformers(kubeConfig: KubeConfig, options: { readonly namespace?: string } = {}): InformerFactory {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const apps = kubeConfig.makeApiClient(AppsV1Api);
  const batch = kubeConfig.makeApiClient(BatchV1Api);
  const discovery = kubeConfig.makeApiClient(DiscoveryV1Api);
  const namespace = options.namespace;
  const scoped = (group: string, resource: string) => (namespace === undefined ? `${group}/${resource}` : `${group}/namespaces/${namespace}/${resource}`);
  const lists: Record<WatchedKind, { readonly path: string; readonly list: () => Promise<{ items: KubernetesObject[] } & KubernetesObject> }> = {
    Pod: {
      path: scoped('/api/v1', 'pods'),
      list: () => (namespace === undefined ? core.listPodForAllNamespaces() : core.listNamespacedPod({ namespace })),
    },
    Service: {
      path: scoped('/api/v1', 'services'),
      list: () => (namespace === undefined ? core.listServiceForAllNamespaces() : core.listNamespacedService({ namespace })),
    },
    ReplicaSet: {
      path: scoped('/apis/apps/v1', 'replicasets'),
      list: () => (namespace === undefined ? apps.listReplicaSetForAllNamespaces() : apps.listNamespacedReplicaSet({ namespace })),
    },
    Job: {
      path: scoped('/apis/batch/v1', 'jobs'),
      list: () => (namespace === undefined ? batch.listJobForAllNamespaces() : batch.listNamespacedJob({ namespace })),
    },
    EndpointSlice: {
      path: scoped('/apis/discovery.k8s.io/v1', 'endpointslices'),
      list: () => (namespace === undefined ? discovery.listEndpointSliceForAllNamespaces() : discovery.listNamespacedEndpointSlice({ namespace })),
    },
  };
  return (kind) => {
    const { path, list } = lists[kind];
    const informer: ObjectInformer = makeInformer(kubeConfig, path, list);
    return informer;
  };
}

import { randomUUID } from 'node:crypto';
import { ApiException, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { onTestFinished } from 'vitest';
import { readServiceEnv } from './service-env.js';

/**
 * The kubeconfig of the test kube-apiserver (admin, group `system:masters`). Loaded from the file
 * `KUBECONFIG` names rather than the default lookup, so a developer's own cluster is never touched.
 */
export function loadTestKubeConfig(): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(readServiceEnv().kubeconfig);
  return kubeConfig;
}

/**
 * Creates a namespace with a fresh `randomUUID()`-based name for the calling test, deleted when it
 * finishes. Without a controller-manager, a deleted namespace stays `Terminating` with its objects
 * (services.sh starts etcd empty each time); what matters is that no two tests share one.
 * The test kube-apiserver creates no `default` ServiceAccount in it either.
 */
export async function freshNamespace(kubeConfig: KubeConfig): Promise<string> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const name = `palisade-test-${randomUUID()}`;
  await core.createNamespace({ body: { metadata: { name, labels: { 'palisade.dev/test': 'true' } } } });
  onTestFinished(async () => {
    await core.deleteNamespace({ name });
  });
  return name;
}

/** What the API server answered to a refused request, with its body parsed as a `Status`. */
export interface ApiRefusal {
  readonly code: number;
  readonly status: KubernetesStatus;
}

/** The parts of a `meta/v1` `Status` the tests read. */
export interface KubernetesStatus {
  readonly reason?: string;
  readonly message?: string;
  readonly details?: { readonly causes?: readonly { readonly field?: string; readonly reason?: string; readonly message?: string }[] };
}

/**
 * Runs a request that the API server must refuse and returns its answer.
 * @throws Error when the request succeeds, or fails without an answer from the API server.
 */
export async function expectApiRefusal(request: () => Promise<unknown>): Promise<ApiRefusal> {
  try {
    await request();
  } catch (error: unknown) {
    if (error instanceof ApiException) {
      const body: unknown = error.body;
      const status = (typeof body === 'string' ? JSON.parse(body) : body) as KubernetesStatus;
      return { code: error.code, status };
    }
    throw error;
  }
  throw new Error('the API server accepted a request it was expected to refuse');
}

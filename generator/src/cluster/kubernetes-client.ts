import {
  ApiException,
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  DiscoveryV1Api,
  KubeConfig,
  KubernetesObjectApi,
  NetworkingV1Api,
  PatchStrategy,
  ServerConfiguration,
  createConfiguration,
  type RequestContext,
  type V1NetworkPolicy,
} from '@kubernetes/client-node';
import { registerSecret } from '@palisade/collector';
import { ClusterError, InputError } from '../errors.js';
import type { ClusterReader, ListPage, PolicyWriter, ReadKind } from './cluster-api.js';
import { ApiRefusedError, FIELD_MANAGER } from './cluster-api.js';
import { applyConfiguration } from './policy-manifest.js';

/**
 * The one place Palisade talks to the Kubernetes API, through @kubernetes/client-node 1.x. Nothing
 * here decides anything: it lists, applies and deletes, and turns the client's exceptions into
 * {@link ApiRefusedError} (the server said no) or {@link ClusterError} (the server could not be reached).
 */

/** Page size of list calls: large enough for few round trips, small enough for a busy API server. */
const PAGE_SIZE = 500;

/**
 * Loads a kubeconfig: the file given (`--kubeconfig`), else the in-cluster service account when
 * running in a pod, else the default lookup (`KUBECONFIG`, `~/.kube/config`).
 */
export function loadKubeConfig(path: string | undefined): KubeConfig {
  const kubeConfig = new KubeConfig();
  try {
    if (path !== undefined) kubeConfig.loadFromFile(path);
    else kubeConfig.loadFromDefault();
  } catch (error) {
    throw new InputError(`--kubeconfig ${path ?? '(default)'}: cannot load the kubeconfig: ${(error as Error).message}`, { cause: error });
  }
  if (kubeConfig.getCurrentCluster() === null) throw new InputError(`--kubeconfig ${path ?? '(default)'}: no current cluster; set current-context or pass --kubeconfig`);
  // The user's credentials are redacted from every line the process prints from here on.
  const user = kubeConfig.getCurrentUser();
  registerSecret(user?.token);
  registerSecret(user?.password);
  return kubeConfig;
}

interface Paged {
  readonly items: readonly object[];
  readonly metadata?: { readonly _continue?: string };
}

/** A list call's paging arguments. */
interface ListRequest {
  readonly _continue?: string;
  readonly limit: number;
}

type Lister = (namespace: string | undefined, request: ListRequest) => Promise<Paged>;

/** A lister of a namespaced kind: its namespaced list call for one namespace, its all-namespaces call otherwise. */
function scoped(inNamespace: (request: ListRequest & { readonly namespace: string }) => Promise<Paged>, inAll: (request: ListRequest) => Promise<Paged>): Lister {
  return (namespace, request) => (namespace ? inNamespace({ namespace, ...request }) : inAll(request));
}

/** How long one API request may take before Palisade gives up on it, unless told otherwise. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** Options of {@link kubernetesClusterApi}. */
export interface KubernetesApiOptions {
  /** Longest wait for one request's answer (a server that accepts and never answers). @default 30 s */
  readonly requestTimeoutMs?: number;
}

/**
 * The client's configuration for `kubeConfig` with a deadline on every request. client-node has
 * no timeout of its own: a server that accepts the connection and never answers kept `apply`
 * waiting forever (issue 11, item 16). The kubeconfig's authentication runs on every request
 * just before it is sent, so it is where each request also gets its abort signal.
 */
function timedConfiguration(kubeConfig: KubeConfig, server: string, timeoutMs: number) {
  return createConfiguration({
    baseServer: new ServerConfiguration(server, {}),
    authMethods: {
      default: {
        getName: () => 'palisade-timed-kubeconfig',
        async applySecurityAuthentication(context: RequestContext) {
          await kubeConfig.applySecurityAuthentication(context);
          context.setSignal(AbortSignal.timeout(timeoutMs));
        },
      },
    },
  });
}

/** The Kubernetes implementation of {@link ClusterReader} and {@link PolicyWriter}. */
export function kubernetesClusterApi(kubeConfig: KubeConfig, options: KubernetesApiOptions = {}): ClusterReader & PolicyWriter {
  const server = kubeConfig.getCurrentCluster()?.server ?? '(unknown server)';
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const configuration = timedConfiguration(kubeConfig, server, timeoutMs);
  const core = new CoreV1Api(configuration);
  const apps = new AppsV1Api(configuration);
  const batch = new BatchV1Api(configuration);
  const discovery = new DiscoveryV1Api(configuration);
  const networking = new NetworkingV1Api(configuration);
  // Every manifest Palisade applies names its namespace, so the object API needs no default one.
  const objects = new KubernetesObjectApi(configuration);
  const call = <T>(what: string, request: () => Promise<T>) => callApi(what, server, timeoutMs, request);

  const listers: Readonly<Record<ReadKind, { apiVersion: string; list: Lister }>> = {
    // With a name: that one namespace (GET needs no cluster-wide list), as a one-item page.
    Namespace: { apiVersion: 'v1', list: async (namespace, request) => (namespace ? { items: [await core.readNamespace({ name: namespace })] } : core.listNamespace(request)) },
    Deployment: {
      apiVersion: 'apps/v1',
      list: scoped((request) => apps.listNamespacedDeployment(request), (request) => apps.listDeploymentForAllNamespaces(request)),
    },
    ReplicaSet: {
      apiVersion: 'apps/v1',
      list: scoped((request) => apps.listNamespacedReplicaSet(request), (request) => apps.listReplicaSetForAllNamespaces(request)),
    },
    StatefulSet: {
      apiVersion: 'apps/v1',
      list: scoped((request) => apps.listNamespacedStatefulSet(request), (request) => apps.listStatefulSetForAllNamespaces(request)),
    },
    DaemonSet: {
      apiVersion: 'apps/v1',
      list: scoped((request) => apps.listNamespacedDaemonSet(request), (request) => apps.listDaemonSetForAllNamespaces(request)),
    },
    Job: {
      apiVersion: 'batch/v1',
      list: scoped((request) => batch.listNamespacedJob(request), (request) => batch.listJobForAllNamespaces(request)),
    },
    CronJob: {
      apiVersion: 'batch/v1',
      list: scoped((request) => batch.listNamespacedCronJob(request), (request) => batch.listCronJobForAllNamespaces(request)),
    },
    Pod: {
      apiVersion: 'v1',
      list: scoped((request) => core.listNamespacedPod(request), (request) => core.listPodForAllNamespaces(request)),
    },
    Service: {
      apiVersion: 'v1',
      list: scoped((request) => core.listNamespacedService(request), (request) => core.listServiceForAllNamespaces(request)),
    },
    EndpointSlice: {
      apiVersion: 'discovery.k8s.io/v1',
      list: scoped((request) => discovery.listNamespacedEndpointSlice(request), (request) => discovery.listEndpointSliceForAllNamespaces(request)),
    },
    NetworkPolicy: {
      apiVersion: 'networking.k8s.io/v1',
      list: scoped((request) => networking.listNamespacedNetworkPolicy(request), (request) => networking.listNetworkPolicyForAllNamespaces(request)),
    },
  };

  return {
    async list(kind, namespace, continueToken): Promise<ListPage> {
      const { apiVersion, list } = listers[kind];
      const where = kind === 'Namespace' ? (namespace ? ` ${namespace}` : '') : namespace ? ` in namespace ${namespace}` : ' in all namespaces';
      const page = await call(`list ${kind}s${where}`, () => list(namespace, { limit: PAGE_SIZE, ...(continueToken ? { _continue: continueToken } : {}) }));
      // List items carry no kind; the typed client turns timestamps into Dates, which JSON turns back.
      const items = page.items.map((item) => ({ apiVersion, kind, ...(JSON.parse(JSON.stringify(item)) as object) }));
      const next = page.metadata?._continue;
      return { items, ...(next ? { continueToken: next } : {}) };
    },

    async apply(policy, options) {
      const manifest = applyConfiguration(policy);
      const key = `${manifest.metadata?.namespace}/${manifest.metadata?.name}`;
      return call(`apply NetworkPolicy ${key}${options.dryRun ? ' (dry run)' : ''}`, () =>
        objects.patch<V1NetworkPolicy>(manifest, undefined, options.dryRun ? 'All' : undefined, FIELD_MANAGER, false, PatchStrategy.ServerSideApply),
      );
    },

    async delete(target, options) {
      await call(`delete NetworkPolicy ${target.namespace}/${target.name}${options.dryRun ? ' (dry run)' : ''}`, () =>
        networking.deleteNamespacedNetworkPolicy({
          name: target.name,
          namespace: target.namespace,
          // With a body the API server reads DeleteOptions from it and ignores the query, so dryRun goes in both.
          ...(options.dryRun ? { dryRun: 'All' } : {}),
          body: {
            ...(options.dryRun ? { dryRun: ['All'] } : {}),
            ...(target.resourceVersion ? { preconditions: { resourceVersion: target.resourceVersion } } : {}),
          },
        }),
      );
    },
  };
}

/** Runs one API call; a refusal becomes {@link ApiRefusedError}, anything else {@link ClusterError}. */
async function callApi<T>(what: string, server: string, timeoutMs: number, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    if (error instanceof ApiException) {
      const status = parseStatus(error.body);
      throw new ApiRefusedError(error.code, status.reason ?? String(error.code), `${what}: ${status.message ?? `HTTP ${error.code}`}`, { cause: error });
    }
    if (isAbort(error))
      throw new ClusterError(`${what}: the Kubernetes API server at ${server} did not answer within ${formatSeconds(timeoutMs)} (a slower server: --request-timeout)`, { cause: error });
    throw new ClusterError(`${what}: cannot reach the Kubernetes API server at ${server}: ${connectionProblem(error)}`, { cause: error });
  }
}

/** Whether a request ended because its deadline's signal aborted it. */
function isAbort(error: unknown): boolean {
  const { name, type } = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; type?: unknown };
  return name === 'AbortError' || name === 'TimeoutError' || type === 'aborted';
}

/** What went wrong with the connection, in words (`connection refused`), else the client's first line. */
function connectionProblem(error: unknown): string {
  const code = (error as { code?: unknown }).code ?? (error as { cause?: { code?: unknown } }).cause?.code;
  const words: Readonly<Record<string, string>> = { ECONNREFUSED: 'connection refused', ENOTFOUND: 'the host name does not resolve', ECONNRESET: 'the connection was reset', EHOSTUNREACH: 'no route to the host', ETIMEDOUT: 'the connection timed out' };
  if (typeof code === 'string' && words[code] !== undefined) return words[code] as string;
  return ((error as Error).message ?? String(error)).split('\n')[0] ?? '';
}

/** `30s`, `1.5s`. */
export function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))}s`;
}

function parseStatus(body: unknown): { reason?: string; message?: string } {
  try {
    const status = (typeof body === 'string' ? JSON.parse(body) : body) as { reason?: unknown; message?: unknown } | null;
    return {
      ...(typeof status?.reason === 'string' ? { reason: status.reason } : {}),
      ...(typeof status?.message === 'string' ? { message: status.message } : {}),
    };
  } catch {
    return {};
  }
}

import { createHash, randomBytes } from 'node:crypto';
import {
  AppsV1Api,
  CoreV1Api,
  DiscoveryV1Api,
  type KubeConfig,
  type V1ContainerPort,
  type V1Deployment,
  type V1EndpointSlice,
  type V1OwnerReference,
  type V1Pod,
  type V1PodTemplateSpec,
  type V1ReplicaSet,
  type V1Service,
} from '@kubernetes/client-node';

/**
 * Workloads as a real cluster shows them, written straight into a kube-apiserver that runs no
 * controllers, kubelet or scheduler: what those would have created (ReplicaSet, Pods, EndpointSlices)
 * and reported (pod IPs, ready replicas) is created here, with the same names, labels, owner
 * references and status.
 */

/** The node every test pod claims to run on; no Node object exists, as nothing checks for one. */
export const TEST_NODE_NAME = 'palisade-test-node';

/** A port of the workload's single container. */
export interface ContainerPortSpec {
  readonly name?: string;
  readonly containerPort: number;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
}

/** What {@link createWorkload} builds: a Deployment with one pod per IP in `podIPs`. */
export interface WorkloadSpec {
  readonly namespace: string;
  readonly name: string;
  /** Labels of the pod template, and the Deployment's selector. */
  readonly labels: Readonly<Record<string, string>>;
  /** One pod is created per address, in order; the Deployment's `replicas` is their count. */
  readonly podIPs: readonly string[];
  readonly ports?: readonly ContainerPortSpec[];
  /** @default 'registry.example/palisade-test:1' (never pulled: no kubelet runs) */
  readonly image?: string;
  /** Must exist already when set: the test apiserver creates no ServiceAccounts by itself. */
  readonly serviceAccountName?: string;
}

/** The objects of one workload, as the API server returned them after their status was set. */
export interface Workload {
  readonly deployment: V1Deployment;
  readonly replicaSet: V1ReplicaSet;
  readonly pods: readonly V1Pod[];
}

/** A port of a Service; `targetPort` may name a container port, as in a real Service. */
export interface ServicePortSpec {
  readonly name?: string;
  readonly port: number;
  /** @default port */
  readonly targetPort?: number | string;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
}

/** A Service selecting a workload's pods, and the EndpointSlice the controller would have made. */
export interface ExposedWorkload {
  readonly service: V1Service;
  readonly endpointSlice: V1EndpointSlice;
}

/**
 * Creates Deployment → ReplicaSet → Pods, linked by controller owner references, labelled with the
 * template's labels plus `pod-template-hash`, each pod given its IP through the status subresource.
 */
export async function createWorkload(kubeConfig: KubeConfig, spec: WorkloadSpec): Promise<Workload> {
  const apps = kubeConfig.makeApiClient(AppsV1Api);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const { namespace } = spec;
  const template = podTemplate(spec);
  const replicas = spec.podIPs.length;

  const deployment = await apps.createNamespacedDeployment({
    namespace,
    body: {
      metadata: { name: spec.name, labels: { ...spec.labels } },
      spec: { replicas, selector: { matchLabels: { ...spec.labels } }, template },
    },
  });

  // The Deployment controller names a ReplicaSet after a hash of the pod template and adds that hash
  // to the labels and selector, so the ReplicaSets of two rollouts never select each other's pods.
  const hash = podTemplateHash(template);
  const hashedLabels = { ...spec.labels, 'pod-template-hash': hash };
  const replicaSet = await apps.createNamespacedReplicaSet({
    namespace,
    body: {
      metadata: {
        name: `${spec.name}-${hash}`,
        labels: hashedLabels,
        annotations: { 'deployment.kubernetes.io/revision': '1' },
        ownerReferences: [controllerReference('apps/v1', 'Deployment', deployment)],
      },
      spec: {
        replicas,
        selector: { matchLabels: hashedLabels },
        template: { ...template, metadata: { labels: hashedLabels } },
      },
    },
  });

  const pods: V1Pod[] = [];
  for (const podIP of spec.podIPs) {
    const created = await core.createNamespacedPod({
      namespace,
      body: {
        metadata: {
          name: `${replicaSet.metadata?.name ?? spec.name}-${randomSuffix()}`,
          labels: hashedLabels,
          ownerReferences: [controllerReference('apps/v1', 'ReplicaSet', replicaSet)],
        },
        spec: { ...template.spec, containers: template.spec?.containers ?? [], nodeName: TEST_NODE_NAME },
      },
    });
    pods.push(
      await core.replaceNamespacedPodStatus({
        name: created.metadata?.name ?? '',
        namespace,
        body: { ...created, status: runningPodStatus(podIP) },
      }),
    );
  }

  const replicaStatus = { replicas, readyReplicas: replicas, availableReplicas: replicas, fullyLabeledReplicas: replicas };
  const readyReplicaSet = await apps.replaceNamespacedReplicaSetStatus({
    name: replicaSet.metadata?.name ?? '',
    namespace,
    body: { ...replicaSet, status: { ...replicaStatus, observedGeneration: replicaSet.metadata?.generation ?? 1 } },
  });
  const readyDeployment = await apps.replaceNamespacedDeploymentStatus({
    name: spec.name,
    namespace,
    body: {
      ...deployment,
      status: {
        replicas,
        readyReplicas: replicas,
        availableReplicas: replicas,
        updatedReplicas: replicas,
        observedGeneration: deployment.metadata?.generation ?? 1,
      },
    },
  });
  return { deployment: readyDeployment, replicaSet: readyReplicaSet, pods };
}

/**
 * Creates a ClusterIP Service selecting the workload's pods (the API server allocates its IP) and
 * the EndpointSlice the EndpointSlice controller would derive from it: one ready endpoint per pod,
 * labelled `kubernetes.io/service-name`, ports resolved to the container ports they target.
 */
export async function exposeWorkload(
  kubeConfig: KubeConfig,
  workload: Workload,
  spec: { readonly name: string; readonly ports: readonly ServicePortSpec[] },
): Promise<ExposedWorkload> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const discovery = kubeConfig.makeApiClient(DiscoveryV1Api);
  const namespace = workload.deployment.metadata?.namespace ?? '';
  const selector = workload.deployment.spec?.selector.matchLabels ?? {};
  const containerPorts = workload.deployment.spec?.template.spec?.containers[0]?.ports ?? [];

  const service = await core.createNamespacedService({
    namespace,
    body: {
      metadata: { name: spec.name, labels: { ...selector } },
      spec: {
        type: 'ClusterIP',
        selector: { ...selector },
        ports: spec.ports.map((port) => ({
          ...(port.name === undefined ? {} : { name: port.name }),
          port: port.port,
          targetPort: port.targetPort ?? port.port,
          protocol: port.protocol ?? 'TCP',
        })),
      },
    },
  });

  const endpointSlice = await discovery.createNamespacedEndpointSlice({
    namespace,
    body: {
      metadata: {
        name: `${spec.name}-${randomSuffix()}`,
        labels: {
          'kubernetes.io/service-name': spec.name,
          'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
        },
        ownerReferences: [controllerReference('v1', 'Service', service)],
      },
      addressType: 'IPv4',
      endpoints: workload.pods.map((pod) => ({
        addresses: [pod.status?.podIP ?? ''],
        conditions: { ready: true, serving: true, terminating: false },
        nodeName: TEST_NODE_NAME,
        targetRef: { kind: 'Pod', namespace, name: pod.metadata?.name ?? '', uid: pod.metadata?.uid ?? '' },
      })),
      ports: spec.ports.map((port) => ({
        ...(port.name === undefined ? {} : { name: port.name }),
        port: resolveTargetPort(port, containerPorts),
        protocol: port.protocol ?? 'TCP',
      })),
    },
  });
  return { service, endpointSlice };
}

function podTemplate(spec: WorkloadSpec): V1PodTemplateSpec {
  return {
    metadata: { labels: { ...spec.labels } },
    spec: {
      ...(spec.serviceAccountName === undefined ? {} : { serviceAccountName: spec.serviceAccountName }),
      containers: [
        {
          name: spec.name,
          image: spec.image ?? 'registry.example/palisade-test:1',
          ports: (spec.ports ?? []).map((port) => ({
            ...(port.name === undefined ? {} : { name: port.name }),
            containerPort: port.containerPort,
            protocol: port.protocol ?? 'TCP',
          })),
        },
      ],
    },
  };
}

function runningPodStatus(podIP: string): NonNullable<V1Pod['status']> {
  const now = new Date();
  const ready = ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].map((type) => ({
    type,
    status: 'True',
    lastTransitionTime: now,
  }));
  return { phase: 'Running', podIP, podIPs: [{ ip: podIP }], hostIP: '10.255.0.1', startTime: now, conditions: ready };
}

/** The Service port's target as a number: EndpointSlices list the ports pods actually listen on. */
function resolveTargetPort(port: ServicePortSpec, containerPorts: readonly V1ContainerPort[]): number {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  const named = containerPorts.find((containerPort) => containerPort.name === target);
  if (named === undefined) {
    throw new Error(`Service port ${port.port} targets container port "${target}", which the workload does not declare`);
  }
  return named.containerPort;
}

function controllerReference(
  apiVersion: string,
  kind: string,
  owner: { readonly metadata?: { readonly name?: string; readonly uid?: string } },
): V1OwnerReference {
  return {
    apiVersion,
    kind,
    name: owner.metadata?.name ?? '',
    uid: owner.metadata?.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

// Kubernetes' generated name suffixes use this alphabet (no vowels, no look-alike characters).
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function encodeSafe(bytes: Uint8Array, length: number): string {
  return Array.from(bytes.subarray(0, length), (byte) => SAFE_ALPHABET[byte % SAFE_ALPHABET.length]).join('');
}

function podTemplateHash(template: V1PodTemplateSpec): string {
  return encodeSafe(createHash('sha256').update(JSON.stringify(template)).digest(), 10);
}

function randomSuffix(): string {
  return encodeSafe(randomBytes(5), 5);
}

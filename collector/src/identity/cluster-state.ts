import { z } from 'zod';
import type { PortProtocol, WorkloadKind, WorkloadRef } from '../flow/flow.js';

/**
 * A snapshot of the cluster objects Palisade needs, as plain data: namespaces, workloads with
 * their selectors, pods with IPs, owners and container ports, Services and EndpointSlices. It is
 * built from Kubernetes objects (manifests from `kubectl get -o yaml`, or a live list) by the pure
 * function below, and used for identity resolution, selectors (rules 5–6), ports (rule 8), DNS
 * (rule 10) and the evaluator.
 */

/** A label selector as the Kubernetes API defines it. */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}
/** One `matchExpressions` entry. */
export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values?: readonly string[];
}

/** A namespace and its labels (`kubernetes.io/metadata.name` is always present). */
export interface NamespaceInfo {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** A workload controller (root owner) with its own pod selector. */
export interface WorkloadInfo {
  readonly namespace: string;
  readonly kind: WorkloadKind;
  readonly name: string;
  /** `spec.selector` (for CronJobs, the job template's), absent for bare pods and jobs without one. */
  readonly selector?: LabelSelector;
  /** Labels of the pod template, when the object has one. */
  readonly templateLabels: Readonly<Record<string, string>>;
}

/** A port a container declares. */
export interface ContainerPortInfo {
  readonly name?: string;
  readonly port: number;
  readonly protocol: PortProtocol;
}

/** A pod, with its root owner resolved through owner references. */
export interface PodInfo {
  readonly namespace: string;
  readonly name: string;
  readonly uid?: string;
  readonly labels: Readonly<Record<string, string>>;
  /** All pod IPs (`status.podIPs`, else `status.podIP`). */
  readonly ips: readonly string[];
  readonly node?: string;
  readonly hostNetwork: boolean;
  readonly workload: WorkloadRef;
  readonly containerPorts: readonly ContainerPortInfo[];
  /** When the pod started to exist (epoch ms), to resolve reused IPs by time. */
  readonly createdAt?: number;
  /** When it was deleted (epoch ms), if it is being deleted. */
  readonly deletedAt?: number;
}

/** One port of a Service. */
export interface ServicePortInfo {
  readonly name?: string;
  readonly port: number;
  readonly protocol: PortProtocol;
  /** A number, a container port name, or absent (= `port`). */
  readonly targetPort?: number | string;
}

/** A Service. */
export interface ServiceInfo {
  readonly namespace: string;
  readonly name: string;
  readonly type: string;
  readonly clusterIPs: readonly string[];
  readonly selector?: Readonly<Record<string, string>>;
  readonly ports: readonly ServicePortInfo[];
}

/** An EndpointSlice: the pod addresses and ports behind a Service. */
export interface EndpointSliceInfo {
  readonly namespace: string;
  readonly name: string;
  readonly serviceName?: string;
  readonly ports: readonly { readonly name?: string; readonly port: number; readonly protocol: PortProtocol }[];
  readonly endpoints: readonly { readonly addresses: readonly string[]; readonly podName?: string }[];
}

/** The cluster objects Palisade reads, as plain data. */
export interface ClusterState {
  readonly namespaces: readonly NamespaceInfo[];
  readonly workloads: readonly WorkloadInfo[];
  readonly pods: readonly PodInfo[];
  readonly services: readonly ServiceInfo[];
  readonly endpointSlices: readonly EndpointSliceInfo[];
}

/** A cluster state with nothing in it. */
export const EMPTY_CLUSTER_STATE: ClusterState = Object.freeze({
  namespaces: [],
  workloads: [],
  pods: [],
  services: [],
  endpointSlices: [],
});

const Labels = z.record(z.string(), z.string()).optional();
const OwnerReference = z.object({ kind: z.string(), name: z.string(), controller: z.boolean().optional() });
const Metadata = z.object({
  name: z.string(),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  labels: Labels,
  ownerReferences: z.array(OwnerReference).optional(),
  creationTimestamp: z.string().optional(),
  deletionTimestamp: z.string().optional(),
});
const Requirement = z.object({
  key: z.string(),
  operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
  values: z.array(z.string()).optional(),
});
const Selector = z.object({ matchLabels: Labels, matchExpressions: z.array(Requirement).optional() });
const Protocol = z.enum(['TCP', 'UDP', 'SCTP']).default('TCP');
const PodSpec = z.object({
  nodeName: z.string().optional(),
  hostNetwork: z.boolean().optional(),
  containers: z
    .array(
      z.object({
        ports: z
          .array(z.object({ name: z.string().optional(), containerPort: z.number().int(), protocol: Protocol }))
          .optional(),
      }),
    )
    .default([]),
});
const Template = z.object({ metadata: z.object({ labels: Labels }).optional() }).optional();

/** Any object: kind and metadata; the rest is read per kind. */
const KubeObject = z.object({ apiVersion: z.string().optional(), kind: z.string(), metadata: Metadata });

const Pod = KubeObject.extend({
  spec: PodSpec.optional(),
  status: z
    .object({ podIP: z.string().optional(), podIPs: z.array(z.object({ ip: z.string() })).optional() })
    .optional(),
});
const Controller = KubeObject.extend({ spec: z.object({ selector: Selector.optional(), template: Template }).optional() });
const CronJob = KubeObject.extend({
  spec: z.object({ jobTemplate: z.object({ spec: z.object({ selector: Selector.optional(), template: Template }) }) }),
});
const Service = KubeObject.extend({
  spec: z.object({
    type: z.string().default('ClusterIP'),
    clusterIP: z.string().optional(),
    clusterIPs: z.array(z.string()).optional(),
    selector: z.record(z.string(), z.string()).optional(),
    ports: z
      .array(
        z.object({
          name: z.string().optional(),
          port: z.number().int(),
          protocol: Protocol,
          targetPort: z.union([z.number().int(), z.string()]).optional(),
        }),
      )
      .default([]),
  }),
});
const EndpointSlice = KubeObject.extend({
  ports: z
    .array(z.object({ name: z.string().optional(), port: z.number().int().optional(), protocol: Protocol }))
    .nullish(),
  endpoints: z
    .array(
      z.object({
        addresses: z.array(z.string()),
        targetRef: z.object({ kind: z.string().optional(), name: z.string().optional() }).optional(),
      }),
    )
    .nullish(),
});

/** An object in the cluster input that Palisade could not read. */
export class ClusterObjectError extends Error {
  constructor(
    readonly objectIndex: number,
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'ClusterObjectError';
  }
}

function parseAs<T>(schema: z.ZodType<T>, object: unknown, index: number, kind: string): T {
  const result = schema.safeParse(object);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue ? issue.path.join('.') : '';
  throw new ClusterObjectError(index, field, `${kind} #${index + 1}: field ${field || '(root)'}: ${issue?.message ?? 'invalid'}`);
}

function epochMs(timestamp: string | undefined): number | undefined {
  if (timestamp === undefined) return undefined;
  const ms = Date.parse(timestamp);
  return Number.isNaN(ms) ? undefined : ms;
}

const ROOT_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'Job']);

/**
 * Builds a cluster state from Kubernetes objects (already parsed from YAML or JSON; `kind: List`
 * items flattened). Kinds Palisade does not use are ignored. Owner references are walked to the
 * root workload: Pod → ReplicaSet → Deployment, Pod → Job → CronJob, Pod → StatefulSet/DaemonSet.
 * When the ReplicaSet object is missing, its name minus the pod's `pod-template-hash` names the
 * Deployment, which is how the Deployment controller names ReplicaSets.
 * @throws ClusterObjectError naming the object and field that could not be read.
 */
export function clusterStateFromObjects(input: readonly unknown[]): ClusterState {
  const objects = flattenLists(input);
  const namespaces = new Map<string, NamespaceInfo>();
  const workloads: WorkloadInfo[] = [];
  const owners = new Map<string, { kind: string; name: string } | undefined>();
  const podObjects: { object: z.infer<typeof Pod>; index: number }[] = [];
  const services: ServiceInfo[] = [];
  const endpointSlices: EndpointSliceInfo[] = [];

  objects.forEach((object, index) => {
    const base = parseAs(KubeObject, object, index, 'object');
    const namespace = base.metadata.namespace ?? 'default';
    const ownerOf = (meta: z.infer<typeof Metadata>) => {
      const controller = meta.ownerReferences?.find((ref) => ref.controller) ?? meta.ownerReferences?.[0];
      owners.set(`${namespace}/${base.kind}/${meta.name}`, controller ? { kind: controller.kind, name: controller.name } : undefined);
    };
    switch (base.kind) {
      case 'Namespace':
        namespaces.set(base.metadata.name, {
          name: base.metadata.name,
          labels: { ...base.metadata.labels, 'kubernetes.io/metadata.name': base.metadata.name },
        });
        break;
      case 'Deployment':
      case 'StatefulSet':
      case 'DaemonSet':
      case 'ReplicaSet':
      case 'Job': {
        const controller = parseAs(Controller, object, index, base.kind);
        ownerOf(controller.metadata);
        if (base.kind === 'ReplicaSet') break;
        if (base.kind === 'Job' && controller.metadata.ownerReferences?.some((ref) => ref.kind === 'CronJob')) break;
        workloads.push({
          namespace,
          kind: base.kind,
          name: base.metadata.name,
          ...(controller.spec?.selector ? { selector: cleanSelector(controller.spec.selector) } : {}),
          templateLabels: controller.spec?.template?.metadata?.labels ?? {},
        });
        break;
      }
      case 'CronJob': {
        const cronJob = parseAs(CronJob, object, index, 'CronJob');
        const jobSpec = cronJob.spec.jobTemplate.spec;
        workloads.push({
          namespace,
          kind: 'CronJob',
          name: base.metadata.name,
          ...(jobSpec.selector ? { selector: cleanSelector(jobSpec.selector) } : {}),
          templateLabels: jobSpec.template?.metadata?.labels ?? {},
        });
        break;
      }
      case 'Pod': {
        const pod = parseAs(Pod, object, index, 'Pod');
        podObjects.push({ object: pod, index });
        ownerOf(pod.metadata);
        break;
      }
      case 'Service': {
        const service = parseAs(Service, object, index, 'Service');
        const clusterIPs = service.spec.clusterIPs ?? (service.spec.clusterIP ? [service.spec.clusterIP] : []);
        services.push({
          namespace,
          name: base.metadata.name,
          type: service.spec.type,
          clusterIPs: clusterIPs.filter((ip) => ip !== 'None' && ip !== ''),
          ...(service.spec.selector ? { selector: service.spec.selector } : {}),
          ports: service.spec.ports.map((port) => ({
            ...(port.name ? { name: port.name } : {}),
            port: port.port,
            protocol: port.protocol,
            ...(port.targetPort !== undefined ? { targetPort: port.targetPort } : {}),
          })),
        });
        break;
      }
      case 'EndpointSlice': {
        const slice = parseAs(EndpointSlice, object, index, 'EndpointSlice');
        const serviceName = base.metadata.labels?.['kubernetes.io/service-name'];
        endpointSlices.push({
          namespace,
          name: base.metadata.name,
          ...(serviceName ? { serviceName } : {}),
          ports: (slice.ports ?? [])
            .filter((port) => port.port !== undefined)
            .map((port) => ({ ...(port.name ? { name: port.name } : {}), port: port.port as number, protocol: port.protocol })),
          endpoints: (slice.endpoints ?? []).map((endpoint) => ({
            addresses: endpoint.addresses,
            ...(endpoint.targetRef?.kind === 'Pod' && endpoint.targetRef.name ? { podName: endpoint.targetRef.name } : {}),
          })),
        });
        break;
      }
      default:
        break;
    }
  });

  const rootOf = (namespace: string, name: string, labels: Readonly<Record<string, string>>): WorkloadRef => {
    let current = { kind: 'Pod', name };
    for (let depth = 0; depth < 8; depth++) {
      const owner = owners.get(`${namespace}/${current.kind}/${current.name}`);
      if (owner === undefined) break;
      current = owner;
    }
    if (ROOT_KINDS.has(current.kind)) return { kind: current.kind as WorkloadKind, name: current.name };
    const hash = labels['pod-template-hash'];
    if (current.kind === 'ReplicaSet' && hash && current.name.endsWith(`-${hash}`))
      return { kind: 'Deployment', name: current.name.slice(0, -hash.length - 1) };
    return { kind: 'Pod', name };
  };

  const pods: PodInfo[] = podObjects.map(({ object: pod }) => {
    const namespace = pod.metadata.namespace ?? 'default';
    const ips = pod.status?.podIPs?.map((entry) => entry.ip) ?? (pod.status?.podIP ? [pod.status.podIP] : []);
    const createdAt = epochMs(pod.metadata.creationTimestamp);
    const deletedAt = epochMs(pod.metadata.deletionTimestamp);
    return {
      namespace,
      name: pod.metadata.name,
      ...(pod.metadata.uid ? { uid: pod.metadata.uid } : {}),
      labels: pod.metadata.labels ?? {},
      ips,
      ...(pod.spec?.nodeName ? { node: pod.spec.nodeName } : {}),
      hostNetwork: pod.spec?.hostNetwork ?? false,
      workload: rootOf(namespace, pod.metadata.name, pod.metadata.labels ?? {}),
      containerPorts: (pod.spec?.containers ?? []).flatMap((container) =>
        (container.ports ?? []).map((port) => ({
          ...(port.name ? { name: port.name } : {}),
          port: port.containerPort,
          protocol: port.protocol,
        })),
      ),
      ...(createdAt !== undefined ? { createdAt } : {}),
      ...(deletedAt !== undefined ? { deletedAt } : {}),
    };
  });

  // A namespace that only appears in objects' metadata still has its automatic name label.
  for (const namespace of [...pods, ...workloads, ...services].map((object) => object.namespace)) {
    if (!namespaces.has(namespace)) namespaces.set(namespace, { name: namespace, labels: { 'kubernetes.io/metadata.name': namespace } });
  }

  return {
    namespaces: [...namespaces.values()],
    workloads,
    pods,
    services,
    endpointSlices,
  };
}

function cleanSelector(selector: z.infer<typeof Selector>): LabelSelector {
  return {
    ...(selector.matchLabels ? { matchLabels: selector.matchLabels } : {}),
    ...(selector.matchExpressions ? { matchExpressions: selector.matchExpressions } : {}),
  };
}

function flattenLists(input: readonly unknown[]): unknown[] {
  return input.flatMap((object) => {
    if (object === null || object === undefined) return [];
    if (typeof object === 'object' && 'kind' in object && typeof object.kind === 'string' && object.kind.endsWith('List') && 'items' in object && Array.isArray(object.items))
      return flattenLists(object.items);
    return [object];
  });
}

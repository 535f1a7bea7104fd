import { z } from 'zod';
import { CollectorError } from '../errors.js';
import { describeIssue, firstIssue } from '../zod-message.js';
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

/** An object in the cluster input that Palisade could not read (not retriable: the input must change). */
export class ClusterObjectError extends CollectorError {
  constructor(
    readonly objectIndex: number,
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

function parseAs<T>(schema: z.ZodType<T>, object: unknown, index: number, kind: string): T {
  const result = schema.safeParse(object);
  if (result.success) return result.data;
  throw new ClusterObjectError(index, firstIssue(result.error).field, `${kind} #${index + 1}: ${describeIssue(result.error, '', '(root)')}`);
}

function epochMs(timestamp: string | undefined): number | undefined {
  if (timestamp === undefined) return undefined;
  const ms = Date.parse(timestamp);
  return Number.isNaN(ms) ? undefined : ms;
}

const ROOT_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'Job']);

type PodObject = z.infer<typeof Pod>;
type ObjectMetadata = z.infer<typeof Metadata>;
/** Each object's controlling owner, by `namespace/Kind/name` (undefined: the object has none). */
type OwnerTable = Map<string, { readonly kind: string; readonly name: string } | undefined>;

/** What the objects said, gathered per kind before pods are tied to their root workloads. */
interface ObjectsRead {
  readonly namespaces: Map<string, NamespaceInfo>;
  readonly workloads: WorkloadInfo[];
  readonly owners: OwnerTable;
  readonly pods: PodObject[];
  readonly services: ServiceInfo[];
  readonly endpointSlices: EndpointSliceInfo[];
}

/**
 * Builds a cluster state from Kubernetes objects (already parsed from YAML or JSON; `kind: List`
 * items flattened). Kinds Palisade does not use are ignored. Owner references are walked to the
 * root workload: Pod → ReplicaSet → Deployment, Pod → Job → CronJob, Pod → StatefulSet/DaemonSet.
 * When the ReplicaSet object is missing, its name minus the pod's `pod-template-hash` names the
 * Deployment, which is how the Deployment controller names ReplicaSets.
 * @throws ClusterObjectError naming the object and field that could not be read.
 */
export function clusterStateFromObjects(input: readonly unknown[]): ClusterState {
  const read: ObjectsRead = { namespaces: new Map(), workloads: [], owners: new Map(), pods: [], services: [], endpointSlices: [] };
  flattenLists(input).forEach((object, index) => readObject(object, index, read));
  const rootOf = (pod: PodObject) => rootWorkload(read.owners, pod.metadata.namespace ?? 'default', pod.metadata.name, pod.metadata.labels ?? {});
  const pods = read.pods.map((pod) => podInfo(pod, rootOf(pod)));
  // A namespace that only appears in objects' metadata still has its automatic name label.
  for (const namespace of [...pods, ...read.workloads, ...read.services].map((object) => object.namespace)) {
    if (!read.namespaces.has(namespace)) read.namespaces.set(namespace, namespaceInfo(namespace, undefined));
  }
  return {
    namespaces: [...read.namespaces.values()],
    workloads: read.workloads,
    pods,
    services: read.services,
    endpointSlices: read.endpointSlices,
  };
}

/** Reads one object into `read` by its kind. */
function readObject(object: unknown, index: number, read: ObjectsRead): void {
  const base = parseAs(KubeObject, object, index, 'object');
  const namespace = base.metadata.namespace ?? 'default';
  switch (base.kind) {
    case 'Namespace':
      read.namespaces.set(base.metadata.name, namespaceInfo(base.metadata.name, base.metadata.labels));
      break;
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'Job': {
      const controller = parseAs(Controller, object, index, base.kind);
      recordOwner(read.owners, namespace, base.kind, controller.metadata);
      const workload = controllerWorkload(controller, base.kind, namespace);
      if (workload !== undefined) read.workloads.push(workload);
      break;
    }
    case 'CronJob':
      read.workloads.push(cronJobWorkload(parseAs(CronJob, object, index, 'CronJob'), namespace));
      break;
    case 'Pod': {
      const pod = parseAs(Pod, object, index, 'Pod');
      read.pods.push(pod);
      recordOwner(read.owners, namespace, base.kind, pod.metadata);
      break;
    }
    case 'Service':
      read.services.push(serviceInfo(parseAs(Service, object, index, 'Service'), namespace));
      break;
    case 'EndpointSlice':
      read.endpointSlices.push(endpointSliceInfo(parseAs(EndpointSlice, object, index, 'EndpointSlice'), namespace));
      break;
    default:
      break;
  }
}

/** A namespace with its automatic `kubernetes.io/metadata.name` label. */
function namespaceInfo(name: string, labels: Readonly<Record<string, string>> | undefined): NamespaceInfo {
  return { name, labels: { ...labels, 'kubernetes.io/metadata.name': name } };
}

/** Remembers the controlling owner of an object (the `controller: true` reference, else the first). */
function recordOwner(owners: OwnerTable, namespace: string, kind: string, metadata: ObjectMetadata): void {
  const controller = metadata.ownerReferences?.find((ref) => ref.controller) ?? metadata.ownerReferences?.[0];
  owners.set(`${namespace}/${kind}/${metadata.name}`, controller ? { kind: controller.kind, name: controller.name } : undefined);
}

/**
 * The workload a controller is, or undefined when it is none of its own: a ReplicaSet (its
 * Deployment is the workload) or a Job a CronJob made (the CronJob is).
 */
function controllerWorkload(controller: z.infer<typeof Controller>, kind: 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'ReplicaSet' | 'Job', namespace: string): WorkloadInfo | undefined {
  if (kind === 'ReplicaSet') return undefined;
  if (kind === 'Job' && controller.metadata.ownerReferences?.some((ref) => ref.kind === 'CronJob')) return undefined;
  return {
    namespace,
    kind,
    name: controller.metadata.name,
    ...(controller.spec?.selector ? { selector: cleanSelector(controller.spec.selector) } : {}),
    templateLabels: controller.spec?.template?.metadata?.labels ?? {},
  };
}

/** A CronJob, with the selector and pod labels of its job template. */
function cronJobWorkload(cronJob: z.infer<typeof CronJob>, namespace: string): WorkloadInfo {
  const jobSpec = cronJob.spec.jobTemplate.spec;
  return {
    namespace,
    kind: 'CronJob',
    name: cronJob.metadata.name,
    ...(jobSpec.selector ? { selector: cleanSelector(jobSpec.selector) } : {}),
    templateLabels: jobSpec.template?.metadata?.labels ?? {},
  };
}

/** A Service; headless (`None`) and empty cluster IPs are dropped. */
function serviceInfo(service: z.infer<typeof Service>, namespace: string): ServiceInfo {
  const clusterIPs = service.spec.clusterIPs ?? (service.spec.clusterIP ? [service.spec.clusterIP] : []);
  return {
    namespace,
    name: service.metadata.name,
    type: service.spec.type,
    clusterIPs: clusterIPs.filter((ip) => ip !== 'None' && ip !== ''),
    ...(service.spec.selector ? { selector: service.spec.selector } : {}),
    ports: service.spec.ports.map((port) => ({
      ...(port.name ? { name: port.name } : {}),
      port: port.port,
      protocol: port.protocol,
      ...(port.targetPort !== undefined ? { targetPort: port.targetPort } : {}),
    })),
  };
}

/** An EndpointSlice, tied to its Service by the `kubernetes.io/service-name` label; ports without a number are dropped. */
function endpointSliceInfo(slice: z.infer<typeof EndpointSlice>, namespace: string): EndpointSliceInfo {
  const serviceName = slice.metadata.labels?.['kubernetes.io/service-name'];
  return {
    namespace,
    name: slice.metadata.name,
    ...(serviceName ? { serviceName } : {}),
    ports: (slice.ports ?? [])
      .filter((port) => port.port !== undefined)
      .map((port) => ({ ...(port.name ? { name: port.name } : {}), port: port.port as number, protocol: port.protocol })),
    endpoints: (slice.endpoints ?? []).map((endpoint) => ({
      addresses: endpoint.addresses,
      ...(endpoint.targetRef?.kind === 'Pod' && endpoint.targetRef.name ? { podName: endpoint.targetRef.name } : {}),
    })),
  };
}

/** The root workload of a pod, through the owner table (eight levels at most). */
function rootWorkload(owners: OwnerTable, namespace: string, name: string, labels: Readonly<Record<string, string>>): WorkloadRef {
  let current: { readonly kind: string; readonly name: string } = { kind: 'Pod', name };
  for (let depth = 0; depth < 8; depth++) {
    const owner = owners.get(`${namespace}/${current.kind}/${current.name}`);
    if (owner === undefined) break;
    current = owner;
  }
  if (ROOT_KINDS.has(current.kind)) return { kind: current.kind as WorkloadKind, name: current.name };
  const hash = labels['pod-template-hash'];
  if (current.kind === 'ReplicaSet' && hash && current.name.endsWith(`-${hash}`)) return { kind: 'Deployment', name: current.name.slice(0, -hash.length - 1) };
  return { kind: 'Pod', name };
}

/** A pod, with its root workload, IPs, container ports and lifetime. */
function podInfo(pod: PodObject, workload: WorkloadRef): PodInfo {
  const ips = pod.status?.podIPs?.map((entry) => entry.ip) ?? (pod.status?.podIP ? [pod.status.podIP] : []);
  const createdAt = epochMs(pod.metadata.creationTimestamp);
  const deletedAt = epochMs(pod.metadata.deletionTimestamp);
  return {
    namespace: pod.metadata.namespace ?? 'default',
    name: pod.metadata.name,
    ...(pod.metadata.uid ? { uid: pod.metadata.uid } : {}),
    labels: pod.metadata.labels ?? {},
    ips,
    ...(pod.spec?.nodeName ? { node: pod.spec.nodeName } : {}),
    hostNetwork: pod.spec?.hostNetwork ?? false,
    workload,
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

import { z } from 'zod';
import { canonicalIp } from './ip-address.js';
import { isLabelKey, isLabelValue, isDnsLabel, isDnsSubdomain } from './kubernetes-names.js';

// The address normaliser belongs to the contract: whoever reads a Flow compares addresses with it.
export { canonicalIp } from './ip-address.js';

/**
 * The canonical Flow contract (version 1): one observed connection attempt, oriented from the
 * initiator (source) to the listener (destination). Every adapter produces it, Kafka carries it as
 * JSON, and the baseliner folds it into edges. Values that end up in NetworkPolicies (labels, names)
 * are validated here as Kubernetes names, so a hostile log line cannot inject YAML or widen a
 * selector (POLICY-RULES.md rule 4).
 */

export const PROTOCOLS = ['TCP', 'UDP', 'SCTP', 'ICMPv4', 'ICMPv6'] as const;
export const ProtocolSchema = z.enum(PROTOCOLS);
/** Transport protocol of a flow. */
export type Protocol = z.infer<typeof ProtocolSchema>;

/** Protocols that NetworkPolicy can express (it has no ICMP). */
export type PortProtocol = 'TCP' | 'UDP' | 'SCTP';
export function isPortProtocol(protocol: Protocol): protocol is PortProtocol {
  return protocol === 'TCP' || protocol === 'UDP' || protocol === 'SCTP';
}

export const VerdictSchema = z.enum(['allowed', 'denied', 'unknown']);
/**
 * What the CNI did with the connection. `unknown` for formats that observe packets, not policy
 * decisions (NetObserv), and for actions that defer the decision (Antrea's Pass): it still teaches.
 * A record of a format that does carry a verdict, with a value the format does not have, is a dead
 * letter; a Hubble record without one (VERDICT_UNKNOWN, which proto3 JSON leaves out) is quarantined.
 */
export type Verdict = z.infer<typeof VerdictSchema>;

export const FLOW_FORMATS = ['hubble', 'calico', 'aws-vpc-cni', 'antrea', 'netobserv'] as const;
export const FlowFormatSchema = z.enum(FLOW_FORMATS);
/** The adapter that produced a flow. */
export type FlowFormat = z.infer<typeof FlowFormatSchema>;

export const ENDPOINT_KINDS = ['pod', 'host', 'node', 'world', 'apiserver', 'unknown'] as const;
export const EndpointKindSchema = z.enum(ENDPOINT_KINDS);
/**
 * What an endpoint is: a pod, the local node (`host`, including host-network pods), another node
 * (`node`), an address outside the cluster (`world`), the Kubernetes API server, or not known.
 */
export type EndpointKind = z.infer<typeof EndpointKindSchema>;

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'Job', 'Pod'] as const;
export const WorkloadKindSchema = z.enum(WORKLOAD_KINDS);
/** Kind of the root owner of a pod. */
export type WorkloadKind = z.infer<typeof WorkloadKindSchema>;

// Every Flow carries its addresses in their one canonical spelling (`::ffff:203.0.113.5` is
// 203.0.113.5), so whatever reads a Flow (synthesis, its verifier, the baseliner) sees one address.
const IpSchema = z.union([z.ipv4(), z.ipv6()]).transform(canonicalIp);

const LabelsSchema = z
  .record(z.string(), z.string())
  .superRefine((labels, ctx) => {
    for (const [key, value] of Object.entries(labels)) {
      if (!isLabelKey(key)) ctx.addIssue({ code: 'custom', message: `invalid label key ${JSON.stringify(key)}`, path: [key] });
      else if (!isLabelValue(value))
        ctx.addIssue({ code: 'custom', message: `invalid value ${JSON.stringify(value)} for label ${key}`, path: [key] });
    }
  });

export const WorkloadRefSchema = z.object({
  kind: WorkloadKindSchema,
  name: z.string().refine(isDnsSubdomain, 'must be a DNS-1123 subdomain'),
});
/** The root owner of a pod: Deployment, StatefulSet, DaemonSet, CronJob, Job, or the bare Pod. */
export type WorkloadRef = z.infer<typeof WorkloadRefSchema>;

export const EndpointSchema = z
  .object({
    kind: EndpointKindSchema,
    ip: IpSchema.optional(),
    namespace: z.string().refine(isDnsLabel, 'must be a DNS-1123 label').optional(),
    pod: z.string().refine(isDnsSubdomain, 'must be a DNS-1123 subdomain').optional(),
    uid: z.string().max(64).optional(),
    labels: LabelsSchema.optional(),
    workload: WorkloadRefSchema.optional(),
    node: z.string().refine(isDnsSubdomain, 'must be a DNS-1123 subdomain').optional(),
  })
  .superRefine((endpoint, ctx) => {
    if (endpoint.kind === 'pod' && (endpoint.namespace === undefined || endpoint.workload === undefined))
      ctx.addIssue({ code: 'custom', message: 'a pod endpoint needs namespace and workload', path: ['workload'] });
  });
/** One end of a flow. Pods carry their namespace, clean labels and owning workload. */
export type Endpoint = z.infer<typeof EndpointSchema>;

export const FlowSchema = z
  .object({
    time: z.number().int().nonnegative(),
    source: EndpointSchema,
    destination: EndpointSchema,
    protocol: ProtocolSchema,
    port: z.number().int().min(1).max(65535).optional(),
    verdict: VerdictSchema,
    format: FlowFormatSchema,
    count: z.number().int().positive().default(1),
    serviceName: z.string().max(253).optional(),
  })
  .superRefine((flow, ctx) => {
    const icmp = flow.protocol === 'ICMPv4' || flow.protocol === 'ICMPv6';
    if (!icmp && flow.port === undefined) ctx.addIssue({ code: 'custom', message: `${flow.protocol} flow needs a port`, path: ['port'] });
    if (icmp && flow.port !== undefined) ctx.addIssue({ code: 'custom', message: 'ICMP flows have no port', path: ['port'] });
  });
/** One observed connection attempt from initiator to listener (Kafka value of `palisade.flows.v1`). */
export type Flow = z.output<typeof FlowSchema>;
/** A flow before defaults are applied (`count` optional). */
export type FlowInput = z.input<typeof FlowSchema>;

/** Stable id of a pod's workload: `namespace/Kind/name`; also the Kafka key of its flows. */
export function workloadId(namespace: string, workload: WorkloadRef): string {
  return `${namespace}/${workload.kind}/${workload.name}`;
}

/** Short readable form of an endpoint for logs and reports. */
export function describeEndpoint(endpoint: Endpoint): string {
  if (endpoint.kind === 'pod' && endpoint.namespace && endpoint.workload) return workloadId(endpoint.namespace, endpoint.workload);
  return endpoint.ip ? `${endpoint.kind}:${endpoint.ip}` : endpoint.kind;
}

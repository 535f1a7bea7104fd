import { isIP } from 'node:net';
import { z } from 'zod';
import { describeIssue } from '../../zod-message.js';

/**
 * The shape of a Hubble flow record as `hubble observe -o json|jsonpb` and the Hubble exporter
 * write it: the protobuf JSON mapping of `observer.GetFlowsResponse` (`{"flow":{…},"node_name":…,
 * "time":…}`) or of a bare `flow.Flow` (cilium/cilium `api/v1/flow/flow.proto`). Only the fields
 * Palisade reads are declared; the others pass through untouched. A record that does not fit is a
 * dead letter whose reason names the field.
 */

const Port = z.number().int().min(0).max(65535);
const Ip = z.string().refine((value) => isIP(value) !== 0, 'not an IP address');

const TcpFlagsSchema = z.looseObject({
  SYN: z.boolean().optional(),
  ACK: z.boolean().optional(),
  FIN: z.boolean().optional(),
  RST: z.boolean().optional(),
});
const PortsSchema = z.looseObject({
  source_port: Port.optional(),
  destination_port: Port.optional(),
});
const IcmpSchema = z.looseObject({ type: z.number().int().min(0).max(255).optional(), code: z.number().int().optional() });

/** `flow.Layer4`: exactly one of the protocols is set. */
export const HubbleLayer4Schema = z.looseObject({
  TCP: PortsSchema.extend({ flags: TcpFlagsSchema.optional() }).optional(),
  UDP: PortsSchema.optional(),
  SCTP: PortsSchema.optional(),
  ICMPv4: IcmpSchema.optional(),
  ICMPv6: IcmpSchema.optional(),
});

/** `flow.Endpoint`: identity, namespace, labels (`source:key=value`), pod name, workloads. */
export const HubbleEndpointSchema = z.looseObject({
  ID: z.number().int().nonnegative().optional(),
  identity: z.number().int().nonnegative().optional(),
  namespace: z.string().optional(),
  labels: z.array(z.string()).optional(),
  pod_name: z.string().optional(),
  workloads: z.array(z.looseObject({ name: z.string(), kind: z.string() })).optional(),
});
/** One endpoint as Hubble reports it. */
export type HubbleEndpoint = z.infer<typeof HubbleEndpointSchema>;

const ServiceSchema = z.looseObject({ name: z.string().optional(), namespace: z.string().optional() });

/** `flow.Flow`, the fields Palisade reads. */
export const HubbleFlowSchema = z.looseObject({
  time: z.string().optional(),
  verdict: z.string().optional(),
  IP: z.looseObject({ source: Ip, destination: Ip }).optional(),
  l4: HubbleLayer4Schema.optional(),
  source: HubbleEndpointSchema.optional(),
  destination: HubbleEndpointSchema.optional(),
  Type: z.string().optional(),
  node_name: z.string().optional(),
  /** Deprecated in favour of `is_reply`; proto3 drops it when false, so absent proves nothing. */
  reply: z.boolean().optional(),
  /** A `google.protobuf.BoolValue`: absent = unknown, present false = a request. */
  is_reply: z.boolean().nullable().optional(),
  trace_reason: z.string().optional(),
  event_type: z.looseObject({ type: z.number().int(), sub_type: z.number().int().optional() }).optional(),
  l7: z.looseObject({ type: z.string().optional() }).nullable().optional(),
  source_service: ServiceSchema.nullable().optional(),
  destination_service: ServiceSchema.nullable().optional(),
});
/** A Hubble flow, validated as far as Palisade reads it. */
export type HubbleFlow = z.infer<typeof HubbleFlowSchema>;

/** What one line of Hubble output holds. */
export type HubbleRecordParse =
  | { readonly kind: 'flow'; readonly flow: HubbleFlow; readonly nodeName?: string; readonly time?: string }
  /** A `GetFlowsResponse` of another kind (`node_status`, `lost_events`): no flow in it. */
  | { readonly kind: 'other'; readonly what: string }
  | { readonly kind: 'invalid'; readonly reason: string };

const GET_FLOWS_RESPONSE_KINDS = ['node_status', 'lost_events'] as const;

/** Validates one decoded JSON value as a Hubble record (envelope or bare flow). */
export function parseHubbleRecord(value: unknown): HubbleRecordParse {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { kind: 'invalid', reason: 'record is not a JSON object' };
  const object = value as Record<string, unknown>;
  let flowValue: unknown = object;
  let prefix = '';
  let nodeName: string | undefined;
  let time: string | undefined;
  if ('flow' in object) {
    flowValue = object['flow'];
    prefix = 'flow';
    if (typeof object['node_name'] === 'string') nodeName = object['node_name'];
    if (typeof object['time'] === 'string') time = object['time'];
    if (typeof flowValue !== 'object' || flowValue === null) return { kind: 'invalid', reason: 'field flow: not an object' };
  } else {
    const other = GET_FLOWS_RESPONSE_KINDS.find((kind) => kind in object);
    if (other !== undefined) return { kind: 'other', what: other };
  }
  // The hand-written check accepts exactly what the schema accepts and is several times faster;
  // the schema runs only on a failure, to name the field.
  if (isHubbleFlow(flowValue))
    return {
      kind: 'flow',
      flow: flowValue,
      ...(nodeName !== undefined ? { nodeName } : {}),
      ...(time !== undefined ? { time } : {}),
    };
  const result = HubbleFlowSchema.safeParse(flowValue);
  if (!result.success) {
    return { kind: 'invalid', reason: describeIssue(result.error, prefix, '(root)') };
  }
  return {
    kind: 'flow',
    flow: result.data,
    ...(nodeName !== undefined ? { nodeName } : {}),
    ...(time !== undefined ? { time } : {}),
  };
}

type Check = (value: unknown) => boolean;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const optional =
  (check: Check): Check =>
  (value) =>
    value === undefined || check(value);
const nullable =
  (check: Check): Check =>
  (value) =>
    value === null || check(value);
const isString: Check = (value) => typeof value === 'string';
const isBoolean: Check = (value) => typeof value === 'boolean';
const isInteger: Check = (value) => Number.isSafeInteger(value);
const integerIn =
  (min: number, max: number): Check =>
  (value) =>
    Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max;
const isIpString: Check = (value) => typeof value === 'string' && isIP(value) !== 0;
const shape =
  (fields: Readonly<Record<string, Check>>): Check =>
  (value) => {
    if (!isObject(value)) return false;
    for (const key in fields) if (!(fields[key] as Check)(value[key])) return false;
    return true;
  };
const arrayOf =
  (check: Check): Check =>
  (value) =>
    Array.isArray(value) && value.every(check);

const portFields = { source_port: optional(integerIn(0, 65535)), destination_port: optional(integerIn(0, 65535)) };
const icmpShape = shape({ type: optional(integerIn(0, 255)), code: optional(isInteger) });
const endpointShape = shape({
  ID: optional(integerIn(0, Number.MAX_SAFE_INTEGER)),
  identity: optional(integerIn(0, Number.MAX_SAFE_INTEGER)),
  namespace: optional(isString),
  labels: optional(arrayOf(isString)),
  pod_name: optional(isString),
  workloads: optional(arrayOf(shape({ name: isString, kind: isString }))),
});
const serviceShape = shape({ name: optional(isString), namespace: optional(isString) });

/** Exactly {@link HubbleFlowSchema}, written out by hand for the hot path. */
const isHubbleFlowValue = shape({
  time: optional(isString),
  verdict: optional(isString),
  IP: optional(shape({ source: isIpString, destination: isIpString })),
  l4: optional(
    shape({
      TCP: optional(shape({ ...portFields, flags: optional(shape({ SYN: optional(isBoolean), ACK: optional(isBoolean), FIN: optional(isBoolean), RST: optional(isBoolean) })) })),
      UDP: optional(shape(portFields)),
      SCTP: optional(shape(portFields)),
      ICMPv4: optional(icmpShape),
      ICMPv6: optional(icmpShape),
    }),
  ),
  source: optional(endpointShape),
  destination: optional(endpointShape),
  Type: optional(isString),
  node_name: optional(isString),
  reply: optional(isBoolean),
  is_reply: optional(nullable(isBoolean)),
  trace_reason: optional(isString),
  event_type: optional(shape({ type: isInteger, sub_type: optional(isInteger) })),
  l7: optional(nullable(shape({ type: optional(isString) }))),
  source_service: optional(nullable(serviceShape)),
  destination_service: optional(nullable(serviceShape)),
});

/**
 * Whether `value` satisfies {@link HubbleFlowSchema}; the same rules, without building a copy.
 * Exported for the test that holds the two equal.
 */
export function isHubbleFlow(value: unknown): value is HubbleFlow {
  return isHubbleFlowValue(value);
}

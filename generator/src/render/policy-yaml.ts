import type { V1NetworkPolicy } from '@kubernetes/client-node';
import yaml from 'js-yaml';

/**
 * How one field of a typed client-node object is written to a manifest. The table below mirrors the
 * client's own serializer (`ObjectSerializer.serialize` with the generated attribute maps of
 * @kubernetes/client-node 1.x) for the NetworkPolicy shape, so rendering needs js-yaml only and the
 * pure core never loads the Kubernetes client (about a second to import).
 */
type FieldShape =
  /** Strings, numbers, booleans, int-or-string ports, string maps and free-form JSON: as they are. */
  | { readonly kind: 'value' }
  /** A `Date` (the client's `date-time` fields) as its RFC 3339 string. */
  | { readonly kind: 'timestamp' }
  | { readonly kind: 'list'; readonly of: FieldShape }
  | ObjectShape;

/** A typed object: only the fields its type declares are written; others are dropped, as the client does. */
interface ObjectShape {
  readonly kind: 'object';
  /** Field name in the typed object → its name in the manifest and its shape. */
  readonly fields: Readonly<Record<string, { readonly key: string; readonly shape: FieldShape }>>;
}

const VALUE: FieldShape = { kind: 'value' };
const TIMESTAMP: FieldShape = { kind: 'timestamp' };
const list = (of: FieldShape): FieldShape => ({ kind: 'list', of });

/** An object shape whose fields keep their names, except those given in `renamed` (typed name → manifest name). */
function object(fields: Readonly<Record<string, FieldShape>>, renamed: Readonly<Record<string, string>> = {}): ObjectShape {
  return {
    kind: 'object',
    fields: Object.fromEntries(Object.entries(fields).map(([name, shape]) => [name, { key: renamed[name] ?? name, shape }])),
  };
}

const LABEL_SELECTOR = object({
  matchExpressions: list(object({ key: VALUE, operator: VALUE, values: VALUE })),
  matchLabels: VALUE,
});
const PEER = object({ ipBlock: object({ cidr: VALUE, except: VALUE }), namespaceSelector: LABEL_SELECTOR, podSelector: LABEL_SELECTOR });
const PORT = object({ endPort: VALUE, port: VALUE, protocol: VALUE });
const OBJECT_META = object({
  annotations: VALUE,
  creationTimestamp: TIMESTAMP,
  deletionGracePeriodSeconds: VALUE,
  deletionTimestamp: TIMESTAMP,
  finalizers: VALUE,
  generateName: VALUE,
  generation: VALUE,
  labels: VALUE,
  managedFields: list(
    object({ apiVersion: VALUE, fieldsType: VALUE, fieldsV1: VALUE, manager: VALUE, operation: VALUE, subresource: VALUE, time: TIMESTAMP }),
  ),
  name: VALUE,
  namespace: VALUE,
  ownerReferences: list(object({ apiVersion: VALUE, blockOwnerDeletion: VALUE, controller: VALUE, kind: VALUE, name: VALUE, uid: VALUE })),
  resourceVersion: VALUE,
  selfLink: VALUE,
  uid: VALUE,
});
const NETWORK_POLICY = object({
  apiVersion: VALUE,
  kind: VALUE,
  metadata: OBJECT_META,
  spec: object({
    egress: list(object({ ports: list(PORT), to: list(PEER) })),
    // `from` is a reserved word in the generated TypeScript, so the typed object calls it `_from`.
    ingress: list(object({ _from: list(PEER), ports: list(PORT) }, { _from: 'from' })),
    podSelector: LABEL_SELECTOR,
    policyTypes: VALUE,
  }),
});

function toManifest(value: unknown, shape: FieldShape): unknown {
  // null and undefined pass through: js-yaml drops an undefined mapping value and prints null as null.
  if (value === undefined || value === null) return value;
  switch (shape.kind) {
    case 'value':
      return value;
    case 'timestamp':
      return value instanceof Date ? value.toISOString() : value;
    case 'list':
      return Array.isArray(value) ? value.map((item: unknown) => toManifest(item, shape.of)) : value;
    case 'object': {
      const typed = value as Readonly<Record<string, unknown>>;
      const manifest: Record<string, unknown> = {};
      for (const [name, field] of Object.entries(shape.fields)) {
        const written = toManifest(typed[name], field.shape);
        if (written !== undefined) manifest[field.key] = written;
      }
      return manifest;
    }
  }
}

/**
 * A typed NetworkPolicy as plain manifest data: `_from` written as `from`, undefined fields and
 * fields the API type does not declare dropped, dates as RFC 3339 strings; what the Kubernetes
 * client's serializer gives for the same object.
 */
export function policyManifest(policy: V1NetworkPolicy): Record<string, unknown> {
  return toManifest(policy, NETWORK_POLICY) as Record<string, unknown>;
}

/**
 * One NetworkPolicy as YAML, serialised once from the typed object (rule 4) through
 * {@link policyManifest}. Keys are sorted and lines never folded, so the same policy always gives
 * the same bytes (rule 3).
 */
export function policyToYaml(policy: V1NetworkPolicy): string {
  return yaml.dump(policyManifest(policy), { sortKeys: true, lineWidth: -1, noRefs: true });
}

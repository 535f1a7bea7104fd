import type { V1NetworkPolicy, V1NetworkPolicyIngressRule } from '@kubernetes/client-node';
import { normalizePolicy } from '../verify/object-diff.js';
import type { ManifestIngressRule } from '../evaluator/ingress-peers.js';
import { ingressPeers } from '../evaluator/ingress-peers.js';
import { policyKey } from '../evaluator/policy-model.js';
import { MANAGED_BY_LABEL, WORKLOAD_ANNOTATION } from '../synthesis/policy-synthesis.js';
import { FIELD_MANAGER } from './cluster-api.js';

/**
 * What Palisade sends and compares for one of its NetworkPolicies. Server-side apply makes the field
 * manager own exactly the fields it sends, so Palisade sends only what it decides: name, namespace,
 * its labels and annotations, and the spec. Comparing desired with live likewise looks only at those,
 * so labels a person adds later never make an unchanged policy look changed.
 */

const MANAGED_BY_KEY = Object.keys(MANAGED_BY_LABEL)[0] as keyof typeof MANAGED_BY_LABEL;

/** Whether a policy carries `app.kubernetes.io/managed-by: palisade` (what Palisade puts on every policy it proposes). */
export function carriesPalisadeLabel(policy: V1NetworkPolicy): boolean {
  return policy.metadata?.labels?.[MANAGED_BY_KEY] === MANAGED_BY_LABEL[MANAGED_BY_KEY];
}

/**
 * Whether Palisade wrote a live policy: its field manager applied it (managedFields, which the API
 * server keeps and no client can forge for another manager's writes). Anyone can copy a label and an
 * annotation, so they alone never make a policy Palisade's to update or prune.
 */
export function isWrittenByPalisade(policy: V1NetworkPolicy): boolean {
  return (policy.metadata?.managedFields ?? []).some((entry) => entry.manager === FIELD_MANAGER && entry.operation === 'Apply');
}

/** Whether a live policy is Palisade's: its label, and written by its field manager. */
export function isPalisadeOwned(policy: V1NetworkPolicy): boolean {
  return carriesPalisadeLabel(policy) && isWrittenByPalisade(policy);
}

/** The field managers of a live policy, for messages (`kubectl-create, helm`). */
export function fieldManagers(policy: V1NetworkPolicy): string {
  const managers = [...new Set((policy.metadata?.managedFields ?? []).map((entry) => entry.manager ?? '(unnamed)'))];
  return managers.length > 0 ? managers.join(', ') : 'none recorded';
}

/** The `Kind/name` of the workload a Palisade policy is for (undefined for a default-deny). */
export function policyWorkload(policy: V1NetworkPolicy): string | undefined {
  return policy.metadata?.annotations?.[WORKLOAD_ANNOTATION];
}

/** `namespace/name`. */
export { policyKey };

/**
 * The typed object to server-side apply: only the fields Palisade owns, with client-node's `_from`
 * for the manifest's `from` (its serializer drops a `from` key, which would silently turn a rule's
 * peers into "every source").
 */
export function applyConfiguration(policy: V1NetworkPolicy): V1NetworkPolicy {
  const copy = JSON.parse(JSON.stringify(policy)) as V1NetworkPolicy;
  const metadata = copy.metadata ?? {};
  const spec = copy.spec ?? { podSelector: {} };
  if (spec.ingress !== undefined) spec.ingress = spec.ingress.map(typedIngressRule);
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      ...(metadata.name !== undefined ? { name: metadata.name } : {}),
      namespace: metadata.namespace ?? 'default',
      ...(metadata.labels !== undefined ? { labels: metadata.labels } : {}),
      ...(metadata.annotations !== undefined ? { annotations: metadata.annotations } : {}),
    },
    spec,
  };
}

function typedIngressRule(rule: ManifestIngressRule): V1NetworkPolicyIngressRule {
  const { from: _manifestPeers, ...rest } = rule;
  const peers = ingressPeers(rule);
  return { ...rest, ...(peers !== undefined ? { _from: peers } : {}) };
}

// An empty selector means "all" and is kept as the server keeps it.
const SELECTOR_KEYS: ReadonlySet<string> = new Set(['podSelector', 'namespaceSelector']);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Drops keys whose value is an empty list or object: the API server omits them (`omitempty`) and for
 * a NetworkPolicy spec they mean the same as absent (`ports: []` = all ports, `from: []` = all peers).
 * List elements are kept: `ingress: [{}]` (allow all) is not `ingress: []` (allow none).
 */
function withoutEmpty(value: Json): Json {
  if (Array.isArray(value)) return value.map(withoutEmpty);
  if (value === null || typeof value !== 'object') return value;
  const out: { [key: string]: Json } = {};
  for (const key of Object.keys(value).sort()) {
    const child = withoutEmpty(value[key] as Json);
    if (Array.isArray(child) && child.length === 0) continue;
    if (child !== null && typeof child === 'object' && !Array.isArray(child) && Object.keys(child).length === 0 && !SELECTOR_KEYS.has(key)) continue;
    out[key] = child;
  }
  return out;
}

/** The spec as the API server would store it, keys sorted, for equality. */
export function canonicalSpec(policy: V1NetworkPolicy): string {
  return JSON.stringify(withoutEmpty(normalizePolicy(policy)['spec'] ?? {}));
}

/**
 * Whether applying `desired` would change nothing in `live`: the same spec (after API defaults) and
 * every label and annotation Palisade sets present with the same value.
 */
export function matchesLive(desired: V1NetworkPolicy, live: V1NetworkPolicy): boolean {
  if (canonicalSpec(desired) !== canonicalSpec(live)) return false;
  const subset = (wanted: Readonly<Record<string, string>> | undefined, actual: Readonly<Record<string, string>> | undefined) =>
    Object.entries(wanted ?? {}).every(([key, value]) => actual?.[key] === value);
  return subset(desired.metadata?.labels, live.metadata?.labels) && subset(desired.metadata?.annotations, live.metadata?.annotations);
}

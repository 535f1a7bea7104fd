import { isLabelKey, isLabelValue } from '../../flow/kubernetes-names.js';

/**
 * Cilium security identities and their labels, turned into what Palisade needs: the reserved
 * identity (if any) and the pod's own Kubernetes labels, clean.
 *
 * Cilium writes labels as `source:key=value`. Decisions:
 * - `k8s:` labels are the pod's Kubernetes labels: kept, prefix stripped. Labels without a source
 *   (Cilium's `unspec`) are kept as well, since Cilium policies match them against any source.
 * - `reserved:` labels name the reserved identity and are not pod labels.
 * - Every other source (`container:` runtime labels, `cidr:`, `fqdn:`, `cilium:`…) is dropped:
 *   a Kubernetes NetworkPolicy cannot select on them, so carrying them would only make selectors
 *   that match nothing.
 * - CNI-internal keys that Cilium adds to every pod (`io.cilium.k8s.namespace.labels.*`,
 *   `io.cilium.k8s.policy.*`, any `io.cilium.*`, `io.kubernetes.pod.namespace`) are dropped: they
 *   are not labels on the pod and a selector using them would match nothing (rule 5).
 */

/** Cilium's reserved identities (pkg/identity/numericidentity.go). */
export type ReservedIdentity = 'host' | 'world' | 'unmanaged' | 'health' | 'init' | 'remote-node' | 'kube-apiserver' | 'ingress';

/** The fixed numeric identities 1–10 and what they are. */
export const RESERVED_IDENTITY_NUMBERS: ReadonlyMap<number, ReservedIdentity> = new Map<number, ReservedIdentity>([
  [1, 'host'],
  [2, 'world'],
  [3, 'unmanaged'],
  [4, 'health'],
  [5, 'init'],
  [6, 'remote-node'],
  [7, 'kube-apiserver'],
  [8, 'ingress'],
  [9, 'world'], // world-ipv4 (dual-stack clusters)
  [10, 'world'], // world-ipv6
]);

/**
 * Identities with bit 24 set are node-local CIDR identities (`cidr:` labels from ToCIDR/FQDN
 * policies): addresses outside the cluster.
 */
export const LOCAL_IDENTITY_FLAG = 1 << 24;

const RESERVED_BY_LABEL: ReadonlyMap<string, ReservedIdentity> = new Map<string, ReservedIdentity>([
  ['host', 'host'],
  ['world', 'world'],
  ['world-ipv4', 'world'],
  ['world-ipv6', 'world'],
  ['unmanaged', 'unmanaged'],
  ['health', 'health'],
  ['init', 'init'],
  ['remote-node', 'remote-node'],
  ['kube-apiserver', 'kube-apiserver'],
  ['ingress', 'ingress'],
]);

/**
 * When an identity carries several reserved labels (the API server on a node is
 * `reserved:kube-apiserver` plus `reserved:host` or `reserved:remote-node`), the most specific
 * one wins.
 */
const RESERVED_PRECEDENCE: readonly ReservedIdentity[] = ['kube-apiserver', 'health', 'ingress', 'host', 'remote-node', 'world', 'init', 'unmanaged'];

/** Labels of one identity, sorted out. */
export interface CleanIdentityLabels {
  /** The pod's Kubernetes labels, prefix stripped, CNI-internal keys dropped. */
  readonly labels: Readonly<Record<string, string>>;
  /** The reserved identity named by a `reserved:` label, if any. */
  readonly reserved?: ReservedIdentity;
  /** Whether a `cidr:` or `fqdn:` label says this is an outside address. */
  readonly outside: boolean;
  /**
   * The pod's namespace from Cilium's `io.kubernetes.pod.namespace` label: endpoints on other
   * nodes often have no `namespace` field, only their identity labels.
   */
  readonly namespace?: string;
}

/** The result of {@link cleanCiliumLabels}: clean labels, or the first offending label. */
export type CleanLabelsResult =
  | ({ readonly ok: true } & CleanIdentityLabels)
  | { readonly ok: false; readonly index: number; readonly reason: string };

function isCniInternal(key: string): boolean {
  return key.startsWith('io.cilium.') || key === 'io.kubernetes.pod.namespace';
}

/**
 * Sorts Cilium identity labels into reserved identity, outside markers and clean pod labels. A kept
 * label whose key or value is not valid Kubernetes label syntax is refused (rule 4): a hostile
 * record must not smuggle text into a selector.
 */
export function cleanCiliumLabels(raw: readonly string[]): CleanLabelsResult {
  const labels: Record<string, string> = {};
  let reserved: ReservedIdentity | undefined;
  let outside = false;
  let namespace: string | undefined;
  for (let index = 0; index < raw.length; index++) {
    const label = raw[index] as string;
    const equals = label.indexOf('=');
    const colon = label.indexOf(':');
    const hasSource = colon !== -1 && (equals === -1 || colon < equals);
    const source = hasSource ? label.slice(0, colon) : '';
    const key = label.slice(hasSource ? colon + 1 : 0, equals === -1 ? undefined : equals);
    const value = equals === -1 ? '' : label.slice(equals + 1);
    if (source === 'reserved') {
      const identity = RESERVED_BY_LABEL.get(key);
      if (identity !== undefined && (reserved === undefined || RESERVED_PRECEDENCE.indexOf(identity) < RESERVED_PRECEDENCE.indexOf(reserved)))
        reserved = identity;
      continue;
    }
    if (source === 'cidr' || source === 'fqdn') {
      outside = true;
      continue;
    }
    if (source !== 'k8s' && source !== '' && source !== 'unspec') continue;
    if (key === 'io.kubernetes.pod.namespace') namespace = value;
    if (isCniInternal(key)) continue;
    if (!isLabelKey(key)) return { ok: false, index, reason: `invalid label key ${JSON.stringify(key)}` };
    if (!isLabelValue(value)) return { ok: false, index, reason: `invalid value ${JSON.stringify(value)} for label ${key}` };
    labels[key] = value;
  }
  return { ok: true, labels, ...(reserved !== undefined ? { reserved } : {}), outside, ...(namespace !== undefined ? { namespace } : {}) };
}

/** The reserved identity of a numeric identity, if it is one of 1–10. */
export function reservedIdentityOf(identity: number | undefined): ReservedIdentity | undefined {
  return identity === undefined ? undefined : RESERVED_IDENTITY_NUMBERS.get(identity);
}

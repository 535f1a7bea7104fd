import type { Edge } from './edge.js';
import { peerId } from './peer.js';
import type { Peer } from './peer.js';

/**
 * Locks freeze a baseline: once a namespace or workload is locked, an edge into or out of it that
 * was never seen before is an anomaly to review, not a new rule (ARCHITECTURE.md, anomalies topic).
 */

/** What a lock applies to. */
export type LockTarget = { readonly kind: 'namespace'; readonly namespace: string } | { readonly kind: 'workload'; readonly workload: string };

/** Locked namespaces and workloads (`ns/Kind/name`), each with the time it was locked. */
export interface LockTable {
  readonly namespaces: ReadonlyMap<string, number>;
  readonly workloads: ReadonlyMap<string, number>;
}

/** No locks. */
export const NO_LOCKS: LockTable = Object.freeze({ namespaces: new Map<string, number>(), workloads: new Map<string, number>() });

/** True when a peer is a workload covered by a lock. */
export function isPeerLocked(peer: Peer, locks: LockTable): boolean {
  if (peer.kind !== 'workload') return false;
  return locks.namespaces.has(peer.namespace) || locks.workloads.has(peerId(peer));
}

/**
 * True when a new edge must not join the baseline by itself: either end is a locked workload.
 * Both ends count, because a locked client calling somewhere new is as suspicious as a locked
 * server being called by someone new.
 */
export function isEdgeUnderLock(edge: Pick<Edge, 'source' | 'destination'>, locks: LockTable): boolean {
  return isPeerLocked(edge.source, locks) || isPeerLocked(edge.destination, locks);
}

/** Field name of a lock in the store's lock table: `ns:<namespace>` or `wl:<ns/Kind/name>`. */
export function lockField(target: LockTarget): string {
  return target.kind === 'namespace' ? `ns:${target.namespace}` : `wl:${target.workload}`;
}

/** Lock table from `lockField → time` entries; unknown fields are ignored. */
export function lockTableFromFields(fields: Readonly<Record<string, string>>): LockTable {
  const namespaces = new Map<string, number>();
  const workloads = new Map<string, number>();
  for (const [field, value] of Object.entries(fields)) {
    if (field.startsWith('ns:')) namespaces.set(field.slice(3), Number(value));
    else if (field.startsWith('wl:')) workloads.set(field.slice(3), Number(value));
  }
  return { namespaces, workloads };
}

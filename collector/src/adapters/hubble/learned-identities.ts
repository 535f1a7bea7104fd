import type { WorkloadRef } from '../../flow/flow.js';

/**
 * What the flow log itself teaches about identities: which workload a numeric security identity,
 * or a namespace plus label set, belongs to, learned from endpoints that carry a pod name. A pod
 * on another node often appears with only its identity and labels (the local agent knows its
 * identity, not its name); this lets it be attributed to its workload without guessing. An
 * identity or label set seen with two different workloads is ambiguous and attributes nothing,
 * since Cilium gives pods with identical labels one identity whatever owns them.
 */

/** A workload in its namespace. */
export interface NamespacedWorkload {
  readonly namespace: string;
  readonly workload: WorkloadRef;
}

/** The answer of a lookup: the workload, `ambiguous`, or undefined when never seen. */
export type LearnedLookup = NamespacedWorkload | 'ambiguous' | undefined;

/** The key of a namespace and label set, independent of label order. */
export function labelSetKey(namespace: string, labels: Readonly<Record<string, string>>): string {
  const keys = Object.keys(labels).sort();
  return JSON.stringify([namespace, ...keys.map((key) => [key, labels[key]])]);
}

/** Identities and label sets learned from endpoints with pod names, bounded in size. */
export class LearnedIdentities {
  private readonly byIdentity = new Map<number, NamespacedWorkload | 'ambiguous'>();
  private readonly byLabels = new Map<string, NamespacedWorkload | 'ambiguous'>();

  /** @param maxEntries the most identities (and label sets) remembered. */
  constructor(private readonly maxEntries = 50_000) {}

  /** Learns that `identity` and this label set belong to `workload`. */
  learn(identity: number | undefined, namespace: string, labels: Readonly<Record<string, string>>, workload: WorkloadRef): void {
    const entry: NamespacedWorkload = { namespace, workload };
    if (identity !== undefined && identity !== 0) {
      const known = this.byIdentity.get(identity);
      // Fast path: the same pod's identity is seen on every record of it.
      if (known !== undefined && known !== 'ambiguous' && sameWorkload(known, entry)) return;
      remember(this.byIdentity, identity, entry, this.maxEntries);
    }
    remember(this.byLabels, labelSetKey(namespace, labels), entry, this.maxEntries);
  }

  /** The workload of a numeric identity. */
  lookupIdentity(identity: number | undefined): LearnedLookup {
    return identity === undefined || identity === 0 ? undefined : this.byIdentity.get(identity);
  }

  /** The workload of a namespace and label set. */
  lookupLabels(namespace: string, labels: Readonly<Record<string, string>>): LearnedLookup {
    return this.byLabels.get(labelSetKey(namespace, labels));
  }
}

function sameWorkload(a: NamespacedWorkload, b: NamespacedWorkload): boolean {
  return a.namespace === b.namespace && a.workload.kind === b.workload.kind && a.workload.name === b.workload.name;
}

function remember<K>(map: Map<K, NamespacedWorkload | 'ambiguous'>, key: K, entry: NamespacedWorkload, maxEntries: number): void {
  const known = map.get(key);
  if (known === 'ambiguous') return;
  if (known !== undefined) {
    if (!sameWorkload(known, entry)) map.set(key, 'ambiguous');
    return;
  }
  if (map.size >= maxEntries) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
  map.set(key, entry);
}

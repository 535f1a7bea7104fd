import type { LabelSelector } from '@palisade/collector';
import { commonLabels, compareStrings } from '@palisade/baseliner';
import { isEmptySelector, selectorMatches } from '../evaluator/label-selector.js';
import type { KnownWorkload, WorkloadCatalog } from './workload-catalog.js';
import { podLabelSets } from './workload-catalog.js';
import { isVersionLikeLabel, stableLabels } from './unstable-labels.js';

/** How a workload's pods are selected, or why they cannot be selected safely. */
export type WorkloadSelection =
  | { readonly ok: true; readonly selector: LabelSelector; readonly source: 'owner-selector' | 'pod-labels'; readonly narrowed: boolean }
  | { readonly ok: false; readonly reason: string; readonly conflicts: readonly string[] };

/**
 * Chooses the pod selector of a workload (rule 5) and checks it (rule 6).
 *
 * The owner's own `spec.selector` is what the workload controller itself trusts, so it comes
 * first; without the cluster state, the labels all its pods share minus the unstable ones. The
 * selector must match every pod of the workload and no pod of another workload in the namespace:
 * when it matches a neighbour, stable labels of the workload's pods are added until it does not;
 * when that cannot be done, the workload is unselectable and the caller emits no rule that would
 * admit the neighbour.
 */
export function selectWorkload(target: KnownWorkload, catalog: WorkloadCatalog): WorkloadSelection {
  const own = podLabelSets(target);
  const shared = own.length === 0 ? {} : stableLabels(own.reduce(commonLabels));
  // Without the owner's selector, release labels (version: v1.8.2) stay out of the selector: the
  // next rollout changes them. They come back below only to tell the workload from a neighbour.
  const lasting = Object.fromEntries(Object.entries(shared).filter(([key, value]) => !isVersionLikeLabel(key, value)));
  const podLabels = Object.keys(lasting).length > 0 ? lasting : shared;
  const base: LabelSelector | undefined = target.ownerSelector ?? (Object.keys(podLabels).length > 0 ? { matchLabels: podLabels } : undefined);
  if (base === undefined || isEmptySelector(base)) {
    return { ok: false, reason: 'its pods carry no stable label to select them by', conflicts: [] };
  }
  const source = target.ownerSelector ? 'owner-selector' : 'pod-labels';
  const missed = own.filter((labels) => !selectorMatches(base, labels));
  if (missed.length > 0) {
    return { ok: false, reason: 'its own selector does not match all of its pods', conflicts: [] };
  }

  const neighbours = (catalog.byNamespace.get(target.namespace) ?? []).filter((other) => other.id !== target.id);
  const conflicting = (selector: LabelSelector) =>
    neighbours.filter((other) => podLabelSets(other).some((labels) => selectorMatches(selector, labels)));

  let selector = base;
  let conflicts = conflicting(selector);
  if (conflicts.length === 0) return { ok: true, selector, source, narrowed: false };

  // Narrow with the workload's own stable labels, in key order for determinism, release labels last:
  // a selector on a version label breaks at the next rollout, so it is the last resort.
  const candidates = Object.entries(shared)
    .filter(([key]) => selector.matchLabels?.[key] === undefined)
    .sort(([a, av], [b, bv]) => Number(isVersionLikeLabel(a, av)) - Number(isVersionLikeLabel(b, bv)) || compareStrings(a, b));
  for (const [key, value] of candidates) {
    const narrower: LabelSelector = { ...selector, matchLabels: { ...selector.matchLabels, [key]: value } };
    const remaining = conflicting(narrower);
    if (remaining.length < conflicts.length) {
      selector = narrower;
      conflicts = remaining;
      if (conflicts.length === 0) return { ok: true, selector, source, narrowed: true };
    }
  }
  return {
    ok: false,
    reason: 'no selector built from its stable labels excludes the pods of other workloads',
    conflicts: conflicts.map((other) => other.id),
  };
}


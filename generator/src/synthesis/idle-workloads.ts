import type { ClusterState } from '@palisade/collector';
import { workloadId } from '@palisade/collector';
import type { Baseline, Edge } from '@palisade/baseliner';
import { compareStrings, peerId } from '@palisade/baseliner';
import type { SynthesisContext } from './synthesis-context.js';
import type { KnownWorkload } from './workload-catalog.js';

/**
 * Workloads of the cluster state that the baseline never saw talk. Without a policy, such a
 * workload stays open to everything while its neighbours are isolated (on a real Cilium node it
 * did), so every one is listed with why it has no policy, and `--isolate-idle` gives each a
 * deny-all of both directions: nothing observed can break, since nothing was observed.
 *
 * "Idle" is judged over the baseline's own window (first to last observed flow of any edge):
 * a workload is isolated only when that window is at least `--min-window` (rule 16) long, so a
 * nightly job is not cut off by a capture that never reached the night.
 */

/** Why an idle workload has no allow policy. */
export type IdleReason = 'no-traffic' | 'only-denied-traffic' | 'excluded-namespace' | 'host-network' | 'unselectable' | 'window-too-short';

/** One workload of the cluster state with no observed allowed traffic. */
export interface IdleWorkload {
  /** `namespace/Kind/name`. */
  readonly workload: string;
  readonly reason: IdleReason;
  /** The reason in words, with what to do. */
  readonly message: string;
  /** The deny-all policy `--isolate-idle` gives it, when it does. */
  readonly policy?: string;
}

/** The span of the baseline: earliest first sighting to latest last sighting of any edge (epoch ms). */
export interface BaselineWindow {
  readonly firstSeen: number;
  readonly lastSeen: number;
}

/** The baseline's own observation window, or undefined for an empty baseline. */
export function baselineWindow(baseline: Baseline): BaselineWindow | undefined {
  if (baseline.edges.length === 0) return undefined;
  let firstSeen = Number.POSITIVE_INFINITY;
  let lastSeen = Number.NEGATIVE_INFINITY;
  for (const edge of baseline.edges) {
    firstSeen = Math.min(firstSeen, edge.firstSeen);
    lastSeen = Math.max(lastSeen, edge.lastSeen);
  }
  return { firstSeen, lastSeen };
}

/** Hours of a window, to one decimal, as the report shows observation windows. */
export function windowHours(window: BaselineWindow): number {
  return Math.round(((window.lastSeen - window.firstSeen) / 3_600_000) * 10) / 10;
}

/** An idle workload that `--isolate-idle` may isolate: selectable, outside the excluded namespaces. */
export interface IsolationCandidate {
  readonly subject: KnownWorkload;
  readonly idle: Omit<IdleWorkload, 'policy'>;
}

/**
 * Every workload of the cluster state with no teaching edge, sorted by id, with why it has no
 * policy; and those of them a deny-all would isolate (when `--isolate-idle` is on and the window
 * is long enough). `subjects` are the workloads that get an allow policy from their edges.
 */
export function findIdleWorkloads(
  cluster: ClusterState | undefined,
  baseline: Baseline,
  subjects: ReadonlySet<string>,
  context: SynthesisContext,
): { readonly idle: readonly Omit<IdleWorkload, 'policy'>[]; readonly candidates: readonly IsolationCandidate[] } {
  if (cluster === undefined) return { idle: [], candidates: [] };
  const { options } = context;
  const excluded = new Set(options.excludeNamespaces);
  const hostNetworkOnly = hostNetworkWorkloads(cluster);
  const denied = deniedOnlyPeers(baseline.edges);
  const window = baselineWindow(baseline);
  const hours = window === undefined ? 0 : windowHours(window);
  const longEnough = window !== undefined && window.lastSeen - window.firstSeen >= options.minWindowMs;
  const ids = new Set<string>([
    ...cluster.workloads.map((workload) => workloadId(workload.namespace, { kind: workload.kind, name: workload.name })),
    ...cluster.pods.map((pod) => workloadId(pod.namespace, pod.workload)),
  ]);

  const idle: Omit<IdleWorkload, 'policy'>[] = [];
  const candidates: IsolationCandidate[] = [];
  for (const id of [...ids].sort(compareStrings)) {
    if (subjects.has(id)) continue;
    const subject = context.known(id);
    const seen = denied.has(id) ? 'only connections the CNI denied were observed' : `no traffic was observed in the baseline's ${hours}h`;
    const entry = (reason: IdleReason, message: string) => ({ workload: id, reason, message });
    if (excluded.has(subject.namespace)) {
      idle.push(entry('excluded-namespace', `${seen}; its namespace is excluded (system namespace or --exclude-namespace, rule 17)`));
      continue;
    }
    if (hostNetworkOnly.has(id)) {
      idle.push(entry('host-network', `${seen}; its pods use the host network, which NetworkPolicy does not govern`));
      continue;
    }
    const selection = context.selection(id);
    if (!selection.ok) {
      idle.push(entry('unselectable', `${seen}; it cannot be selected safely (${selection.reason}), so it stays open to everything`));
      continue;
    }
    const base = entry(denied.has(id) ? 'only-denied-traffic' : 'no-traffic', `${seen}, so no rule was learned for it and it stays open to everything`);
    if (!options.isolateIdle) {
      idle.push({ ...base, message: `${base.message}; --isolate-idle gives it a deny-all` });
    } else if (!longEnough) {
      idle.push(
        entry(
          'window-too-short',
          `${seen}, but the baseline covers ${hours}h, less than --min-window ${options.minWindowMs / 3_600_000}h: too short to call it idle, so --isolate-idle leaves it open`,
        ),
      );
    } else {
      candidates.push({ subject, idle: { ...base, message: `${seen} (baseline window ${hours}h, at least --min-window): isolated by a deny-all of both directions (--isolate-idle)` } });
    }
  }
  return { idle, candidates };
}

/** Workloads all of whose pods in the cluster state use the host network. */
function hostNetworkWorkloads(cluster: ClusterState): Set<string> {
  const byWorkload = new Map<string, boolean>();
  for (const pod of cluster.pods) {
    const id = workloadId(pod.namespace, pod.workload);
    byWorkload.set(id, (byWorkload.get(id) ?? true) && pod.hostNetwork);
  }
  return new Set([...byWorkload].filter(([, hostOnly]) => hostOnly).map(([id]) => id));
}

/** Workload peers that appear in the baseline only on edges with denied flows. */
function deniedOnlyPeers(edges: readonly Edge[]): Set<string> {
  const ids = new Set<string>();
  for (const edge of edges) {
    for (const peer of [edge.source, edge.destination]) if (peer.kind === 'workload' && edge.deniedFlows > 0) ids.add(peerId(peer));
  }
  return ids;
}

/**
 * Pod labels that change between pods or revisions of one workload, or that a CNI adds for
 * itself. A selector built from them would miss the next rollout's pods (rule 5).
 */
const UNSTABLE_KEYS: ReadonlySet<string> = new Set([
  'pod-template-hash', // Deployment: changes with every rollout
  'controller-revision-hash', // StatefulSet, DaemonSet: changes with every rollout
  'pod-template-generation', // DaemonSet (older clusters)
  'statefulset.kubernetes.io/pod-name', // one pod only
  'apps.kubernetes.io/pod-index', // one pod only
  'job-name', // one Job run of a CronJob
  'controller-uid', // one Job run
  'io.kubernetes.pod.namespace', // Cilium-internal
]);

const UNSTABLE_PREFIXES: readonly string[] = ['batch.kubernetes.io/', 'io.cilium.k8s.', 'io.cilium/'];

/** True for a label key that must never be part of a workload selector. */
export function isUnstableLabel(key: string): boolean {
  return UNSTABLE_KEYS.has(key) || UNSTABLE_PREFIXES.some((prefix) => key.startsWith(prefix));
}

/** The labels minus the unstable ones. */
export function stableLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).filter(([key]) => !isUnstableLabel(key)));
}

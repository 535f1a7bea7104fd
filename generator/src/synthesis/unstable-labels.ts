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

/**
 * Labels that name a release, not a workload: they change with the next rollout (`version:
 * v1.8.2` becomes `v1.8.3`), and a selector that holds one then matches no pod. The owner's own
 * `spec.selector` may still use one (bookinfo's `version: v1` is part of its Deployments'
 * selectors), so they are left out only where no owner selector is known (rule 5, issue 11 item 29).
 */
const VERSION_KEYS: ReadonlySet<string> = new Set(['version', 'app.kubernetes.io/version', 'helm.sh/chart']);

/**
 * A dotted version number, alone or after a dash: an optional `v`, two or more numeric parts, an
 * optional `-`/`+` suffix (`1.2`, `v1.8.2`, `2.4.1-alpine`, `1.0.0+build.5`, `nginx-1.25.3`). A
 * single number (`v2`, `3`) is not one: it is as often a stable track or tier.
 */
const VERSION_VALUE = /(?:^|-)v?\d+(?:\.\d+)+(?:[-+][0-9A-Za-z.-]+)?$/;

/** True for a label that names a release: a version key, or a value that is a version number. */
export function isVersionLikeLabel(key: string, value: string): boolean {
  return VERSION_KEYS.has(key) || VERSION_VALUE.test(value);
}

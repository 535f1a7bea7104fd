import type { WorkloadRef } from '../flow/flow.js';

/**
 * Infers a pod's root workload from its name and labels, for when neither the cluster state nor
 * the flow log names the owner. It relies on how the Kubernetes controllers name pods:
 *
 * - Deployment → ReplicaSet `<deployment>-<pod-template-hash>` → pod `<replicaset>-<5 chars>`.
 *   Both suffixes come from `rand.SafeEncodeString`, whose alphabet has no vowels and no
 *   look-alike characters (`bcdfghjklmnpqrstvwxz2456789`); the hash is 6–10 characters long.
 * - StatefulSet → `<statefulset>-<ordinal>`.
 * - Job → `<job>-<5 chars>`, with the `job-name` / `batch.kubernetes.io/job-name` /
 *   `controller-uid` labels the Job controller sets; a CronJob names its Jobs
 *   `<cronjob>-<scheduled time in minutes>` (8 or more digits).
 * - DaemonSet → `<daemonset>-<5 chars>` and no job labels.
 *
 * Anything else is treated as a bare Pod named after itself, which is the safe answer: a policy
 * for one pod never admits another workload.
 */

const SAFE_ALPHABET = '[bcdfghjklmnpqrstvwxz2456789]';
const DEPLOYMENT_POD = new RegExp(`^(.+)-${SAFE_ALPHABET}{6,10}-${SAFE_ALPHABET}{5}$`);
const STATEFULSET_POD = /^(.+)-(0|[1-9][0-9]*)$/;
const GENERATED_SUFFIX_POD = new RegExp(`^(.+)-${SAFE_ALPHABET}{5}$`);
const CRONJOB_JOB = /^(.+)-[0-9]{8,}$/;

/** Labels the Job controller puts on the pods it creates. */
const JOB_NAME_LABELS = ['batch.kubernetes.io/job-name', 'job-name'] as const;
const JOB_LABELS = [...JOB_NAME_LABELS, 'controller-uid', 'batch.kubernetes.io/controller-uid'] as const;

/**
 * The workload that most likely owns a pod, from its name and (clean) labels alone.
 * @param podName a valid pod name.
 * @param labels the pod's labels (CNI prefixes already stripped).
 */
export function inferWorkload(podName: string, labels: Readonly<Record<string, string>> = {}): WorkloadRef {
  if (JOB_LABELS.some((key) => labels[key] !== undefined)) {
    const fromLabel = JOB_NAME_LABELS.map((key) => labels[key]).find((value) => value !== undefined && value !== '');
    const jobName = fromLabel ?? GENERATED_SUFFIX_POD.exec(podName)?.[1];
    if (jobName !== undefined) {
      const cronJob = CRONJOB_JOB.exec(jobName);
      return cronJob?.[1] !== undefined ? { kind: 'CronJob', name: cronJob[1] } : { kind: 'Job', name: jobName };
    }
  }
  const deployment = DEPLOYMENT_POD.exec(podName);
  if (deployment?.[1] !== undefined) return { kind: 'Deployment', name: deployment[1] };
  const statefulSet = STATEFULSET_POD.exec(podName);
  if (statefulSet?.[1] !== undefined) return { kind: 'StatefulSet', name: statefulSet[1] };
  const daemonSet = GENERATED_SUFFIX_POD.exec(podName);
  if (daemonSet?.[1] !== undefined) return { kind: 'DaemonSet', name: daemonSet[1] };
  return { kind: 'Pod', name: podName };
}

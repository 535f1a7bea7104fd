import type { CidrRange, ParsedIp } from './ip-block.js';
import type { EvaluationModel, EvaluationPod } from './policy-model.js';
import { podIps } from './policy-model.js';
import { workloadOf } from './workload-pairs.js';

/**
 * The pods of a workload, grouped so that every pod of a group gets the same decision from every
 * policy of the model for every pod-to-pod connection. Pods of one workload can differ (labels
 * during a rollout, declared ports, addresses), so a question about a workload pair is a question
 * about each of its pod pairs; asking it once per group pair and weighting it by the pods in each
 * group gives the per-pod-pair answer at the cost of the per-workload one.
 *
 * For a pod-to-pod connection the evaluator reads a pod's namespace, labels, declared container
 * ports (named ports) and which ipBlocks cover its addresses; its node only matters for traffic
 * from or to a node, never between two pods. So pods are grouped by labels, container ports and
 * the elementary address segment of each IP: the segments between the bounds of every ipBlock
 * range of the model, inside which no ipBlock (nor its `except`) can tell two addresses apart.
 * Host-network pods are outside NetworkPolicy and belong to no group.
 */

/** Pods of one workload that every policy of the model treats alike. */
export interface PodClass {
  /** `namespace/Kind/name#index`, unique in the model. */
  readonly id: string;
  /** The workload id (`namespace/Kind/name`). */
  readonly workload: string;
  /** One pod of the group, standing for all of them. */
  readonly pod: EvaluationPod;
  /** How many pods the group holds. */
  readonly pods: number;
}

function rangeBounds(range: CidrRange): readonly [start: bigint, endExclusive: bigint] {
  const bits = range.family === 4 ? 32 : 128;
  const start = BigInt(range.network);
  return [start, start + (1n << BigInt(bits - range.prefix))];
}

/** The sorted bounds of every ipBlock range (CIDRs and excepts) of the model, per family. */
function addressBounds(models: readonly EvaluationModel[]): { readonly 4: readonly bigint[]; readonly 6: readonly bigint[] } {
  const bounds = { 4: new Set<bigint>(), 6: new Set<bigint>() };
  for (const policy of models.flatMap((model) => model.policies))
    for (const rule of [...(policy.ingress ?? []), ...(policy.egress ?? [])])
      for (const peer of rule.peers ?? []) {
        if (peer.kind !== 'ipBlock') continue;
        for (const range of [peer.block.range, ...peer.block.except]) for (const bound of rangeBounds(range)) bounds[range.family].add(bound);
      }
  const sorted = (values: Set<bigint>) => [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { 4: sorted(bounds[4]), 6: sorted(bounds[6]) };
}

/** Index of the elementary segment holding `value`: how many bounds are at or below it. */
function segmentOf(bounds: readonly bigint[], value: bigint): number {
  let low = 0;
  let high = bounds.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((bounds[middle] as bigint) <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}

function addressKey(bounds: { readonly 4: readonly bigint[]; readonly 6: readonly bigint[] }, ips: readonly ParsedIp[]): string {
  if (bounds[4].length === 0 && bounds[6].length === 0) return '';
  const segments = new Set(ips.map((ip) => `${ip.family}:${segmentOf(bounds[ip.family], BigInt(ip.value))}`));
  return [...segments].sort().join(',');
}

function labelsKey(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.keys(labels).sort().map((key) => [key, labels[key]]));
}

/**
 * The pod groups of every workload with a pod that is not on the host network, in model order.
 * `others` are models over the same pods under other policies (a diff's proposed side): their
 * ipBlocks must not tell a group's pods apart either.
 */
export function workloadPodClasses(model: EvaluationModel, others: readonly EvaluationModel[] = []): Map<string, PodClass[]> {
  const bounds = addressBounds([model, ...others]);
  const classes = new Map<string, PodClass[]>();
  for (const [workload, pods] of model.podsByWorkload) {
    const groups = new Map<string, { pod: EvaluationPod; pods: number }>();
    for (const pod of pods) {
      if (pod.hostNetwork === true || workloadOf(pod) === undefined) continue;
      const ports = JSON.stringify([...pod.containerPorts].map((port) => `${port.protocol}/${port.port}/${port.name ?? ''}`).sort());
      const key = `${labelsKey(pod.labels)}|${ports}|${addressKey(bounds, podIps(model, pod))}`;
      const group = groups.get(key);
      if (group === undefined) groups.set(key, { pod, pods: 1 });
      else group.pods += 1;
    }
    if (groups.size === 0) continue;
    classes.set(
      workload,
      [...groups.values()].map((group, index) => ({ id: `${workload}#${index}`, workload, pod: group.pod, pods: group.pods })),
    );
  }
  return classes;
}

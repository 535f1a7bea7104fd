import type { V1NetworkPolicy } from '@kubernetes/client-node';
import type { ClusterState } from '@palisade/collector';
import { SYSTEM_NAMESPACES } from '../synthesis/synthesis-options.js';
import { carriesPalisadeLabel, fieldManagers, isWrittenByPalisade, matchesLive, policyKey, policyWorkload } from './policy-manifest.js';

/**
 * What `palisade apply` will do, decided by a pure function over the desired policies, the live
 * ones and the live cluster state: which policies to create, update, leave alone and prune, in
 * which order, and which safety gate refuses the whole run. Nothing here talks to the API server;
 * apply-run.ts carries the plan out.
 */

/** A policy Palisade wants in the cluster. */
export interface DesiredPolicy {
  readonly policy: V1NetworkPolicy;
  /** `namespace/Kind/name` of its workload; undefined for a namespace's default-deny. */
  readonly workload?: string;
  /** How long the workload was observed (rule 16); undefined when not known. */
  readonly window?: { readonly hours: number };
}

/** The safety gates (POLICY-RULES.md rule 16, and a cap on the size of one change). */
export interface ApplyGates {
  /** Refuse workloads observed for less than this; 0 turns the gate off. */
  readonly minWindowMs: number;
  /** Refuse when more policies would be created, updated and pruned than this. @default no limit */
  readonly maxChanges?: number;
  /** Edges in the baseline the proposal came from; 0 is refused. Unknown for a proposal read from files. */
  readonly baselineEdges?: number;
}

/** Everything the plan is decided from. */
export interface ApplyPlanInput {
  readonly desired: readonly DesiredPolicy[];
  /** Every NetworkPolicy in the scope, as the API server returned them. */
  readonly live: readonly V1NetworkPolicy[];
  /** The live cluster state: which workloads still exist. */
  readonly state: ClusterState;
  /** The namespaces read, or undefined when all were. */
  readonly namespaces?: readonly string[];
  /**
   * Namespaces Palisade never writes to (rule 17: the system namespaces and `--exclude-namespace`):
   * a desired policy there is skipped with a line, a live one is left alone (never pruned).
   * @default the system namespaces
   */
  readonly excludedNamespaces?: readonly string[];
  readonly gates: ApplyGates;
}

/** What happens to one policy. */
export type ApplyAction = 'create' | 'update' | 'unchanged' | 'prune' | 'keep' | 'skip';

/** One policy and what happens to it. */
export interface ApplyStep {
  readonly action: ApplyAction;
  /** `namespace/name`. */
  readonly key: string;
  /** Allow policies first, then default-deny policies (rule 18), then prunes. */
  readonly phase: 'allow' | 'default-deny' | 'prune';
  /** The desired policy, or for prune/keep the live one. */
  readonly policy: V1NetworkPolicy;
  /** The live policy, when there is one. */
  readonly live?: V1NetworkPolicy;
  /** Why, in words. */
  readonly reason: string;
}

/** Which gate refused. */
export type RefusalGate = 'empty-baseline' | 'observation-window' | 'max-changes' | 'not-owned' | 'not-labelled' | 'outside-scope';

/** One reason not to apply anything. */
export interface Refusal {
  readonly gate: RefusalGate;
  readonly key?: string;
  readonly message: string;
}

/** The decision: steps in execution order, and refusals (any refusal means nothing is applied). */
export interface ApplyPlan {
  readonly steps: readonly ApplyStep[];
  /** Steps that write: create, update, prune. */
  readonly changes: number;
  readonly refusals: readonly Refusal[];
}

const WRITES: ReadonlySet<ApplyAction> = new Set(['create', 'update', 'prune']);
const PHASE_ORDER = { allow: 0, 'default-deny': 1, prune: 2 } as const;

/** Decides what to apply, skip and prune, and which gates refuse. */
export function planApply(input: ApplyPlanInput): ApplyPlan {
  const refusals: Refusal[] = [];
  const live = new Map(input.live.map((policy) => [policyKey(policy), policy]));
  const scope = input.namespaces === undefined ? undefined : new Set(input.namespaces);
  const steps: ApplyStep[] = [];
  const excluded = new Set([...SYSTEM_NAMESPACES, ...(input.excludedNamespaces ?? [])]);

  if (input.gates.baselineEdges === 0 || input.desired.length === 0)
    refusals.push({
      gate: 'empty-baseline',
      message: 'the baseline is empty: applying would deny everything (rule 16); collect flows first, or check the --flows, --proposed or --redis source',
    });

  const desiredKeys = new Set<string>();
  for (const wanted of input.desired) {
    const key = policyKey(wanted.policy);
    desiredKeys.add(key);
    const namespace = wanted.policy.metadata?.namespace ?? 'default';
    const phase = wanted.workload === undefined ? 'default-deny' : 'allow';
    if (excluded.has(namespace)) {
      steps.push({ action: 'skip', key, phase, policy: wanted.policy, reason: excludedReason(namespace) });
      continue;
    }
    if (!carriesPalisadeLabel(wanted.policy)) {
      refusals.push({ gate: 'not-labelled', key, message: `${key} lacks the label app.kubernetes.io/managed-by: palisade; Palisade applies only its own policies` });
      continue;
    }
    if (scope !== undefined && !scope.has(namespace)) {
      refusals.push({ gate: 'outside-scope', key, message: `${key} is in namespace ${namespace}, which was not read; add --namespace ${namespace}` });
      continue;
    }
    const windowRefusal = windowGate(wanted, key, input.gates.minWindowMs);
    if (windowRefusal !== undefined) refusals.push(windowRefusal);
    const current = live.get(key);
    if (current === undefined) {
      steps.push({ action: 'create', key, phase, policy: wanted.policy, reason: 'not in the cluster' });
    } else if (!carriesPalisadeLabel(current)) {
      refusals.push({
        gate: 'not-owned',
        key,
        message: `${key} exists and is not Palisade's (no label app.kubernetes.io/managed-by: palisade); rename or delete it, Palisade never takes over a policy it did not create`,
      });
    } else if (!isWrittenByPalisade(current)) {
      refusals.push({
        gate: 'not-owned',
        key,
        message: `${key} exists with Palisade's label but was not written by Palisade (field managers: ${fieldManagers(current)}); delete it or rename it, Palisade never takes over a policy it did not create`,
      });
    } else if (matchesLive(wanted.policy, current)) {
      steps.push({ action: 'unchanged', key, phase, policy: wanted.policy, live: current, reason: 'the cluster already has it' });
    } else {
      steps.push({ action: 'update', key, phase, policy: wanted.policy, live: current, reason: 'its rules changed' });
    }
  }

  const existing = workloadIds(input.state);
  for (const [key, current] of live) {
    const namespace = current.metadata?.namespace ?? 'default';
    // Nothing in an excluded namespace is written, a prune included.
    if (desiredKeys.has(key) || !carriesPalisadeLabel(current) || excluded.has(namespace)) continue;
    const workload = policyWorkload(current);
    if (!isWrittenByPalisade(current)) {
      // The label and annotation may be copied (kubectl, a chart): only Palisade's field manager proves it wrote the policy.
      steps.push({ action: 'keep', key, phase: workload === undefined ? 'default-deny' : 'allow', policy: current, live: current, reason: `not written by Palisade (field managers: ${fieldManagers(current)}), so never pruned` });
    } else if (workload !== undefined && !existing.has(`${namespace}/${workload}`)) {
      steps.push({ action: 'prune', key, phase: 'prune', policy: current, live: current, reason: `its workload ${namespace}/${workload} is gone` });
    } else {
      steps.push({
        action: 'keep',
        key,
        phase: workload === undefined ? 'default-deny' : 'allow',
        policy: current,
        live: current,
        reason: keepReason(current, namespace, workload),
      });
    }
  }

  steps.sort((a, b) => PHASE_ORDER[a.phase] - PHASE_ORDER[b.phase] || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const changes = steps.filter((step) => WRITES.has(step.action)).length;
  const { maxChanges } = input.gates;
  if (maxChanges !== undefined && changes > maxChanges)
    refusals.push({ gate: 'max-changes', message: `${changes} policies would change, more than --max-changes ${maxChanges}; review with --dry-run and raise the limit` });
  return { steps, changes, refusals };
}

/** Why a Palisade policy that is not proposed any more stays. */
function keepReason(current: V1NetworkPolicy, namespace: string, workload: string | undefined): string {
  if (workload !== undefined) return `not proposed any more, but ${namespace}/${workload} still exists`;
  if (isDefaultDeny(current)) return 'not proposed any more; a default-deny is never pruned by itself';
  return 'not proposed any more, and it names no workload (no palisade.io/workload annotation), so Palisade cannot tell whether it is still needed and never prunes it';
}

/** A default deny as Palisade writes one (rule 18): every pod of the namespace, both directions isolated, no rule. */
function isDefaultDeny(policy: V1NetworkPolicy): boolean {
  const spec = policy.spec;
  const selectsAll = Object.keys(spec?.podSelector?.matchLabels ?? {}).length === 0 && (spec?.podSelector?.matchExpressions ?? []).length === 0;
  const types = [...(spec?.policyTypes ?? [])].sort().join(',');
  return selectsAll && types === 'Egress,Ingress' && (spec?.ingress ?? []).length === 0 && (spec?.egress ?? []).length === 0;
}

/** Why nothing is written in `namespace`. */
export function excludedReason(namespace: string): string {
  return SYSTEM_NAMESPACES.includes(namespace)
    ? `${namespace} is a system namespace; Palisade writes no policy there (rule 17)`
    : `${namespace} is excluded (--exclude-namespace); Palisade writes no policy there`;
}

/** Whether Palisade may write in `namespace`: not a system namespace, not one of `excluded`. */
export function isWritableNamespace(namespace: string, excluded: readonly string[]): boolean {
  return !SYSTEM_NAMESPACES.includes(namespace) && !excluded.includes(namespace);
}

function windowGate(wanted: DesiredPolicy, key: string, minWindowMs: number): Refusal | undefined {
  if (minWindowMs <= 0 || wanted.workload === undefined) return undefined;
  const minHours = minWindowMs / 3_600_000;
  if (wanted.window === undefined)
    return {
      gate: 'observation-window',
      key,
      message: `${wanted.workload}: its observation window is not known (rule 16); apply a generate output directory with its report.json, or pass --min-window 0`,
    };
  if (wanted.window.hours * 3_600_000 < minWindowMs)
    return {
      gate: 'observation-window',
      key,
      message: `${wanted.workload} was observed for ${wanted.window.hours}h, less than --min-window ${minHours}h (rule 16); observe longer or lower --min-window`,
    };
  return undefined;
}

/** `namespace/Kind/name` of every workload, bare pods included. */
function workloadIds(state: ClusterState): Set<string> {
  const ids = new Set<string>();
  for (const workload of state.workloads) ids.add(`${workload.namespace}/${workload.kind}/${workload.name}`);
  for (const pod of state.pods) ids.add(`${pod.namespace}/${pod.workload.kind}/${pod.workload.name}`);
  return ids;
}

/**
 * The policies in force once the plan is applied: everyone else's untouched, Palisade's created,
 * updated, kept or pruned as planned. A desired policy that a gate refuses is left out (the live one
 * stays), so a dry-run diff shows what apply could really do.
 */
export function policiesAfterApply(plan: ApplyPlan, live: readonly V1NetworkPolicy[]): V1NetworkPolicy[] {
  const byKey = new Map(live.map((policy) => [policyKey(policy), policy]));
  for (const step of plan.steps) {
    if (step.action === 'prune') byKey.delete(step.key);
    else if (step.action !== 'keep' && step.action !== 'skip') byKey.set(step.key, step.policy);
  }
  return [...byKey.values()];
}

import type { V1LabelSelector, V1NetworkPolicy, V1NetworkPolicyPeer } from '@kubernetes/client-node';
import type { ContainerPortInfo, LabelSelector, LabelSelectorRequirement, WorkloadRef } from '@palisade/collector';
import { canonicalIp, workloadId } from '@palisade/collector';
import { InputError } from '../errors.js';
import type { CompiledSelector } from './compiled-selector.js';
import { compiledSelectorMatches, compileSelector } from './compiled-selector.js';
import { ingressPeers } from './ingress-peers.js';
import type { IpBlockMatcher, ParsedIp } from './ip-block.js';
import { compileIpBlock, parseIp } from './ip-block.js';
import type { CompiledPort } from './port-match.js';
import { compilePort } from './port-match.js';

/**
 * The evaluator's view of a cluster: namespaces with labels, pods with labels, IPs and container
 * ports, and NetworkPolicies compiled once into a form that is cheap to match. Policies are indexed
 * by namespace (a policy only ever selects pods of its own namespace), pods by name, IP and
 * workload, and the policies that select a pod are computed once per pod, so replaying millions of
 * flows over thousands of workloads costs a few map lookups per flow.
 */

/** A namespace and its labels. */
export interface EvaluationNamespace {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** A pod as the evaluator needs it. */
export interface EvaluationPod {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Pod IPs (for `ipBlock` peers and to find the pod behind a flow's address). */
  readonly ips: readonly string[];
  /** Node the pod runs on: traffic between a pod and its own node is always allowed. */
  readonly node?: string;
  /** Host-network pods are outside NetworkPolicy: they are evaluated as their node. */
  readonly hostNetwork?: boolean;
  /** Root owner, to find a representative pod of a workload. */
  readonly workload?: WorkloadRef;
  /** Declared container ports, against which named ports resolve. */
  readonly containerPorts: readonly ContainerPortInfo[];
}

/** The plain-data input of {@link createEvaluationModel}. */
export interface EvaluationModelInput {
  readonly namespaces: readonly EvaluationNamespace[];
  readonly pods: readonly EvaluationPod[];
  readonly policies: readonly V1NetworkPolicy[];
}

/** One compiled peer of a rule: selectors (both optional, ANDed) or an `ipBlock`. */
export type CompiledPeer =
  | {
      readonly kind: 'selector';
      /** Undefined: every pod of the selected namespaces. */
      readonly podSelector?: CompiledSelector;
      /** Undefined: the policy's own namespace; `{}`: every namespace. */
      readonly namespaceSelector?: CompiledSelector;
    }
  | { readonly kind: 'ipBlock'; readonly block: IpBlockMatcher };

/** One compiled ingress or egress rule. */
export interface CompiledRule {
  /** Position of the rule in `spec.ingress` / `spec.egress`, for reports. */
  readonly index: number;
  /** Undefined when `from`/`to` is absent or empty: every peer. */
  readonly peers?: readonly CompiledPeer[];
  /** Undefined when `ports` is absent or empty: every port. */
  readonly ports?: readonly CompiledPort[];
}

/** A NetworkPolicy compiled for evaluation. */
export interface CompiledPolicy {
  readonly namespace: string;
  readonly name: string;
  readonly podSelector: CompiledSelector;
  /** Ingress rules when the policy isolates ingress, else undefined. */
  readonly ingress?: readonly CompiledRule[];
  /** Egress rules when the policy isolates egress, else undefined. */
  readonly egress?: readonly CompiledRule[];
  readonly source: V1NetworkPolicy;
}

/** The policies that select one pod, per direction. */
export interface SelectingPolicies {
  readonly ingress: readonly CompiledPolicy[];
  readonly egress: readonly CompiledPolicy[];
}

/** Policies of one namespace indexed by a label pair of their podSelector. */
export interface PolicySelectorIndex {
  readonly byLabel: ReadonlyMap<string, readonly CompiledPolicy[]>;
  /** Policies whose podSelector has no matchLabels (empty, or only expressions). */
  readonly unindexed: readonly CompiledPolicy[];
}

/**
 * A compiled, indexed model. Build it with {@link createEvaluationModel}. Its data is read-only and
 * never changes after it is built; the only part that fills up while the evaluator works is
 * {@link EvaluationModel.memo}, which remembers answers derived from that data.
 */
export interface EvaluationModel {
  readonly namespaces: ReadonlyMap<string, EvaluationNamespace>;
  readonly pods: readonly EvaluationPod[];
  readonly policies: readonly CompiledPolicy[];
  readonly policiesByNamespace: ReadonlyMap<string, readonly CompiledPolicy[]>;
  /** Key `namespace/name`. */
  readonly podsByName: ReadonlyMap<string, EvaluationPod>;
  /** Key: the canonical IP text (the collector's `canonicalIp`). */
  readonly podsByIp: ReadonlyMap<string, readonly EvaluationPod[]>;
  /** Key: `namespace/Kind/name`. */
  readonly podsByWorkload: ReadonlyMap<string, readonly EvaluationPod[]>;
  readonly podsByNamespace: ReadonlyMap<string, readonly EvaluationPod[]>;
  /**
   * Per namespace, its policies indexed by one `matchLabels` pair of their podSelector
   * (`key\u0000value`), plus those without matchLabels: a pod only has to be checked against
   * the policies indexed under one of its own labels.
   */
  readonly selectorIndex: ReadonlyMap<string, PolicySelectorIndex>;
  /**
   * Pods made up from flow labels so far (no cluster state), reused across flows; see
   * `flow-endpoint.ts`. A read-only view of the memo's table: only the memo adds to it.
   */
  readonly syntheticPods: ReadonlyMap<string, EvaluationPod>;
  /** What the evaluator has already worked out about this model; see {@link EvaluationMemo}. */
  readonly memo: EvaluationMemo;
}

const IP_CACHE_LIMIT = 200_000;

/**
 * The evaluator's memory for one model: answers it has already worked out, so replaying millions of
 * flows computes each of them once. It is the only mutable part of a model, and filling it changes
 * no result: the model's data never changes after it is built, and every entry is a pure function
 * of that data and its key (the policies that select a pod, a pod's parsed IPs, a parsed address,
 * the pod made up for one flow identity), so a remembered answer is the answer recomputing would
 * give. Tables keyed by pod object are WeakMaps, so they keep no pod alive.
 */
export class EvaluationMemo {
  readonly #selections = new WeakMap<EvaluationPod, SelectingPolicies>();
  readonly #syntheticPods = new Map<string, EvaluationPod>();
  readonly #podsOfWorkload = new Map<string, EvaluationPod | null>();
  readonly #podIps: WeakMap<EvaluationPod, readonly ParsedIp[]>;
  readonly #addresses: Map<string, ParsedIp | null>;

  /** A fresh memo, or one that shares `policyIndependent`'s parsed addresses (see {@link forOtherPolicies}). */
  constructor(policyIndependent?: EvaluationMemo) {
    this.#podIps = policyIndependent === undefined ? new WeakMap() : policyIndependent.#podIps;
    this.#addresses = policyIndependent === undefined ? new Map() : policyIndependent.#addresses;
  }

  /**
   * The memo for the same pods under another set of policies: parsed IPs do not depend on the
   * policies and are shared; the selections (and the made-up pods they are keyed by) start afresh.
   */
  forOtherPolicies(): EvaluationMemo {
    return new EvaluationMemo(this);
  }

  /** The policies that select `pod`, computed by `compute` the first time they are asked for. */
  selection(pod: EvaluationPod, compute: (pod: EvaluationPod) => SelectingPolicies): SelectingPolicies {
    let selection = this.#selections.get(pod);
    if (selection === undefined) {
      selection = compute(pod);
      this.#selections.set(pod, selection);
    }
    return selection;
  }

  /** The valid IPs of a pod, parsed once per pod. */
  podIps(pod: EvaluationPod): readonly ParsedIp[] {
    let ips = this.#podIps.get(pod);
    if (ips === undefined) {
      ips = pod.ips.map(parseIp).filter((ip): ip is ParsedIp => ip !== undefined);
      this.#podIps.set(pod, ips);
    }
    return ips;
  }

  /** An address seen in a connection, parsed once while it stays in the bounded table. */
  address(text: string): ParsedIp | undefined {
    let parsed = this.#addresses.get(text);
    if (parsed === undefined) {
      // Cleared when full rather than LRU: flows repeat their addresses in bursts, and a miss only costs a parse.
      if (this.#addresses.size >= IP_CACHE_LIMIT) this.#addresses.clear();
      parsed = parseIp(text) ?? null;
      this.#addresses.set(text, parsed);
    }
    return parsed ?? undefined;
  }

  /** The pod made up for one flow identity (`key`), built by `make` the first time. */
  syntheticPod(key: string, make: () => EvaluationPod): EvaluationPod {
    let pod = this.#syntheticPods.get(key);
    if (pod === undefined) {
      pod = make();
      this.#syntheticPods.set(key, pod);
    }
    return pod;
  }

  /**
   * The pod of a workload that stands for one flow identity (`key`: workload and labels), found by
   * `find` the first time; undefined when the workload has no pod of that identity.
   */
  podOfWorkload(key: string, find: () => EvaluationPod | undefined): EvaluationPod | undefined {
    let pod = this.#podsOfWorkload.get(key);
    if (pod === undefined) {
      pod = find() ?? null;
      this.#podsOfWorkload.set(key, pod);
    }
    return pod ?? undefined;
  }

  /** The made-up pods so far, read-only. */
  get syntheticPods(): ReadonlyMap<string, EvaluationPod> {
    return this.#syntheticPods;
  }
}

/** Raised for a policy the API server would reject; names the policy and the field. */
export class InvalidPolicyError extends InputError {
  constructor(
    readonly policy: string,
    readonly field: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${policy}: ${field}: ${message}`, options);
  }
}

/** The label every namespace carries since Kubernetes 1.21; used when a namespace is not in the model. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

const OPERATORS: ReadonlySet<string> = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

function toLabelSelector(selector: V1LabelSelector, policy: string, field: string): LabelSelector {
  const matchExpressions: LabelSelectorRequirement[] = [];
  for (const [index, requirement] of (selector.matchExpressions ?? []).entries()) {
    if (!OPERATORS.has(requirement.operator))
      throw new InvalidPolicyError(policy, `${field}.matchExpressions[${index}].operator`, `unknown operator ${JSON.stringify(requirement.operator)}`);
    matchExpressions.push({
      key: requirement.key,
      operator: requirement.operator as LabelSelectorRequirement['operator'],
      ...(requirement.values === undefined ? {} : { values: requirement.values }),
    });
  }
  return {
    ...(selector.matchLabels === undefined ? {} : { matchLabels: selector.matchLabels }),
    ...(matchExpressions.length === 0 ? {} : { matchExpressions }),
  };
}

function selectorOf(selector: V1LabelSelector, policy: string, field: string): CompiledSelector {
  return compileSelector(toLabelSelector(selector, policy, field));
}

function compilePeer(peer: V1NetworkPolicyPeer, policy: string, field: string): CompiledPeer {
  if (peer.ipBlock !== undefined) {
    // The API allows ipBlock only alone in a peer element.
    if (peer.podSelector !== undefined || peer.namespaceSelector !== undefined)
      throw new InvalidPolicyError(policy, field, 'ipBlock cannot be combined with podSelector or namespaceSelector');
    try {
      return { kind: 'ipBlock', block: compileIpBlock(peer.ipBlock) };
    } catch (error) {
      throw new InvalidPolicyError(policy, `${field}.ipBlock`, (error as Error).message, { cause: error });
    }
  }
  if (peer.podSelector === undefined && peer.namespaceSelector === undefined)
    throw new InvalidPolicyError(policy, field, 'a peer needs podSelector, namespaceSelector or ipBlock');
  return {
    kind: 'selector',
    ...(peer.podSelector === undefined ? {} : { podSelector: selectorOf(peer.podSelector, policy, `${field}.podSelector`) }),
    ...(peer.namespaceSelector === undefined
      ? {}
      : { namespaceSelector: selectorOf(peer.namespaceSelector, policy, `${field}.namespaceSelector`) }),
  };
}

function compileRules(
  rules: readonly { readonly ports?: readonly Parameters<typeof compilePort>[0][]; readonly peers?: readonly V1NetworkPolicyPeer[] }[],
  policy: string,
  field: 'spec.ingress' | 'spec.egress',
): CompiledRule[] {
  const peerField = field === 'spec.ingress' ? 'from' : 'to';
  return rules.map((rule, index) => {
    const peers = rule.peers ?? [];
    const ports = rule.ports ?? [];
    return {
      index,
      // An empty or absent from/to matches every peer, and empty or absent ports every port (API reference).
      ...(peers.length === 0 ? {} : { peers: peers.map((peer, p) => compilePeer(peer, policy, `${field}[${index}].${peerField}[${p}]`)) }),
      ...(ports.length === 0
        ? {}
        : {
            ports: ports.map((port, p) => {
              try {
                return compilePort(port);
              } catch (error) {
                throw new InvalidPolicyError(policy, `${field}[${index}].ports[${p}]`, (error as Error).message, { cause: error });
              }
            }),
          }),
    };
  });
}

/** `namespace/name` of a policy, defaulting the namespace like `kubectl apply` without `-n`. */
export function policyKey(policy: V1NetworkPolicy, defaultNamespace = 'default'): string {
  return `${policy.metadata?.namespace ?? defaultNamespace}/${policy.metadata?.name ?? ''}`;
}

/**
 * Compiles one NetworkPolicy. `policyTypes` defaults as the API server does
 * (pkg/apis/networking/v1/defaults.go): Ingress always, Egress when `spec.egress` has at least one
 * rule. So `egress: []` without `policyTypes` does not isolate egress, while
 * `policyTypes: [Egress]` with no `egress` denies all egress.
 */
export function compilePolicy(policy: V1NetworkPolicy, defaultNamespace = 'default'): CompiledPolicy {
  const name = policyKey(policy, defaultNamespace);
  const spec = policy.spec;
  if (spec === undefined) throw new InvalidPolicyError(name, 'spec', 'required');
  const declared = spec.policyTypes ?? [];
  for (const [index, type] of declared.entries())
    if (type !== 'Ingress' && type !== 'Egress') throw new InvalidPolicyError(name, `spec.policyTypes[${index}]`, `unknown type ${JSON.stringify(type)}`);
  const types = declared.length > 0 ? declared : (spec.egress ?? []).length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  const ingressRules = (spec.ingress ?? []).map((rule) => {
    const peers = ingressPeers(rule);
    return { ...(rule.ports ? { ports: rule.ports } : {}), ...(peers ? { peers } : {}) };
  });
  const egressRules = (spec.egress ?? []).map((rule) => ({ ...(rule.ports ? { ports: rule.ports } : {}), ...(rule.to ? { peers: rule.to } : {}) }));
  return {
    namespace: policy.metadata?.namespace ?? defaultNamespace,
    name: policy.metadata?.name ?? '',
    podSelector: selectorOf(spec.podSelector ?? {}, name, 'spec.podSelector'),
    ...(types.includes('Ingress') ? { ingress: compileRules(ingressRules, name, 'spec.ingress') } : {}),
    ...(types.includes('Egress') ? { egress: compileRules(egressRules, name, 'spec.egress') } : {}),
    source: policy,
  };
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/**
 * Compiles and indexes a model. Throws {@link InvalidPolicyError} for a policy the API server would
 * reject. Policies are kept in `namespace/name` order so reports name the same rule every run.
 */
export function createEvaluationModel(input: EvaluationModelInput): EvaluationModel {
  const policies = input.policies.map((policy) => compilePolicy(policy)).sort((a, b) =>
    a.namespace === b.namespace ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.namespace < b.namespace ? -1 : 1,
  );
  const policiesByNamespace = new Map<string, CompiledPolicy[]>();
  for (const policy of policies) pushTo(policiesByNamespace, policy.namespace, policy);
  const selectorIndex = new Map<string, PolicySelectorIndex>();
  for (const [namespace, list] of policiesByNamespace) {
    const byLabel = new Map<string, CompiledPolicy[]>();
    const unindexed: CompiledPolicy[] = [];
    for (const policy of list) {
      const pair = policy.podSelector.pairs[0];
      // Every matchLabels pair must hold, so any one of them is a sound index key.
      if (pair === undefined) unindexed.push(policy);
      else pushTo(byLabel, `${pair[0]}\u0000${pair[1]}`, policy);
    }
    selectorIndex.set(namespace, { byLabel, unindexed });
  }
  const podsByName = new Map<string, EvaluationPod>();
  const podsByIp = new Map<string, EvaluationPod[]>();
  const podsByWorkload = new Map<string, EvaluationPod[]>();
  const podsByNamespace = new Map<string, EvaluationPod[]>();
  const memo = new EvaluationMemo();
  for (const pod of input.pods) {
    podsByName.set(`${pod.namespace}/${pod.name}`, pod);
    pushTo(podsByNamespace, pod.namespace, pod);
    if (pod.workload !== undefined) pushTo(podsByWorkload, workloadId(pod.namespace, pod.workload), pod);
    for (const ip of pod.ips) pushTo(podsByIp, canonicalIp(ip), pod);
  }
  return {
    namespaces: new Map(input.namespaces.map((namespace) => [namespace.name, namespace])),
    pods: input.pods,
    policies,
    policiesByNamespace,
    podsByName,
    podsByIp,
    podsByWorkload,
    podsByNamespace,
    selectorIndex,
    syntheticPods: memo.syntheticPods,
    memo,
  };
}

/**
 * The same pods and namespaces under another set of policies (e.g. current vs proposed in a diff),
 * sharing the pod indexes.
 */
export function withPolicies(model: EvaluationModel, policies: readonly V1NetworkPolicy[]): EvaluationModel {
  const other = createEvaluationModel({ namespaces: [], pods: [], policies });
  const memo = model.memo.forOtherPolicies();
  return {
    ...model,
    policies: other.policies,
    policiesByNamespace: other.policiesByNamespace,
    selectorIndex: other.selectorIndex,
    syntheticPods: memo.syntheticPods,
    memo,
  };
}

/** Labels of a namespace; a namespace missing from the model still carries its name label. */
export function namespaceLabels(model: EvaluationModel, namespace: string): Readonly<Record<string, string>> {
  return model.namespaces.get(namespace)?.labels ?? { [NAMESPACE_NAME_LABEL]: namespace };
}

/** Parses an address seen in a connection, through the model's memo. */
export function cachedIp(model: EvaluationModel, text: string): ParsedIp | undefined {
  return model.memo.address(text);
}

/** Parsed IPs of a pod (memoized). */
export function podIps(model: EvaluationModel, pod: EvaluationPod): readonly ParsedIp[] {
  return model.memo.podIps(pod);
}

/**
 * The policies of the pod's namespace that select it, per direction they isolate (memoized per
 * pod). A pod is isolated for a direction exactly when this list is non-empty.
 */
export function selectingPolicies(model: EvaluationModel, pod: EvaluationPod): SelectingPolicies {
  return model.memo.selection(pod, (selected) => policiesSelecting(model, selected));
}

function policiesSelecting(model: EvaluationModel, pod: EvaluationPod): SelectingPolicies {
  const index = model.selectorIndex.get(pod.namespace);
  const matching: CompiledPolicy[] = [];
  if (index !== undefined) {
    for (const policy of index.unindexed) if (compiledSelectorMatches(policy.podSelector, pod.labels)) matching.push(policy);
    for (const key in pod.labels) {
      for (const policy of index.byLabel.get(`${key}\u0000${pod.labels[key]}`) ?? []) if (compiledSelectorMatches(policy.podSelector, pod.labels)) matching.push(policy);
    }
    // Back to namespace/name order, so the first matching rule is the same however it was found.
    matching.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
  return {
    ingress: matching.filter((policy) => policy.ingress !== undefined),
    egress: matching.filter((policy) => policy.egress !== undefined),
  };
}

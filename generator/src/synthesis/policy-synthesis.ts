import type { V1NetworkPolicy, V1NetworkPolicyEgressRule, V1NetworkPolicyIngressRule, V1ObjectMeta } from '@kubernetes/client-node';
import type { ClusterState, LabelSelector } from '@palisade/collector';
import type { Baseline, Edge } from '@palisade/baseliner';
import { compareStrings, peerId, teachingFlows } from '@palisade/baseliner';
import { EmptyBaselineError } from '../errors.js';
import { defaultDenyPolicies } from './default-deny.js';
import { groupBy } from './group-by.js';
import type { IdleWorkload, IsolationCandidate } from './idle-workloads.js';
import { baselineWindow, findIdleWorkloads, windowHours } from './idle-workloads.js';
import { EVIDENCE_ANNOTATION, MANAGED_BY_LABEL, WORKLOAD_ANNOTATION } from './policy-labels.js';
import type { PolicyDraft } from './policy-draft.js';
import { draftPolicy } from './policy-draft.js';
import { toV1Selector } from './policy-peers.js';
import type { PortKey } from './policy-ports.js';
import { portLabel } from './policy-ports.js';
import { policyNamesForNamespace } from './policy-name.js';
import type { SynthesisContext } from './synthesis-context.js';
import { createContext } from './synthesis-context.js';
import type { SynthesisOptions } from './synthesis-options.js';
import type { Direction, PolicyPlan, RuleEvidence, SynthesisResult, SynthesisWarning } from './synthesis-result.js';
import { edgeEvidence } from './synthesis-result.js';
import type { KnownWorkload } from './workload-catalog.js';

export { EVIDENCE_ANNOTATION, MANAGED_BY_LABEL, WORKLOAD_ANNOTATION } from './policy-labels.js';

/** What synthesis reads: the baseline, the cluster state when known, and the options. */
export interface SynthesisInput {
  readonly baseline: Baseline;
  readonly cluster?: ClusterState;
  readonly options: SynthesisOptions;
}

/**
 * Synthesises one least-privilege NetworkPolicy per observed workload from the baseline and the
 * cluster state, obeying POLICY-RULES.md rules 1–18. Pure: the same input gives the same policies,
 * in the same order, with the same evidence.
 *
 * @throws RefusedError when the baseline holds no allowed traffic (rule 16: policies from it
 *   would deny everything).
 */
export function synthesizePolicies(input: SynthesisInput): SynthesisResult {
  const { baseline, cluster, options } = input;
  const teaching = baseline.edges.filter((edge) => teachingFlows(edge, options.includeDenied) > 0);
  if (teaching.length === 0) {
    throw new EmptyBaselineError(
      'the input holds no allowed traffic, so policies from it would deny everything; collect flows for longer or check the input (rule 16)',
    );
  }
  const context = createContext(baseline, cluster, options);
  const excluded = new Set(options.excludeNamespaces);

  const inbound = groupBy(teaching, (edge) => (edge.destination.kind === 'workload' ? peerId(edge.destination) : undefined));
  const outbound = groupBy(teaching, (edge) => (edge.source.kind === 'workload' ? peerId(edge.source) : undefined));
  const subjectIds = [...new Set([...inbound.keys(), ...outbound.keys()])].sort(compareStrings);

  const warnings: SynthesisWarning[] = [];
  const excludedWorkloads: string[] = [];
  const drafts: { subject: KnownWorkload; draft: PolicyDraft }[] = [];
  for (const id of subjectIds) {
    const subject = context.known(id);
    if (excluded.has(subject.namespace)) {
      excludedWorkloads.push(id);
      continue;
    }
    const draft = draftPolicy(subject, inbound.get(id) ?? [], outbound.get(id) ?? [], context);
    warnings.push(...draft.warnings);
    if (draft.selector !== undefined) drafts.push({ subject, draft });
  }

  const { idle, candidates } = findIdleWorkloads(cluster, baseline, new Set(subjectIds), context);
  const { policies, isolated } = nameAndBuild(drafts, candidates, context);
  const idleWorkloads: IdleWorkload[] = [
    ...idle,
    ...candidates.map((candidate) => ({ ...candidate.idle, ...(isolated.has(candidate.subject.id) ? { policy: isolated.get(candidate.subject.id) as string } : {}) })),
  ].sort((a, b) => compareStrings(a.workload, b.workload));
  warnings.push(...windowWarnings(policies, options));
  const defaultDenies = options.defaultDeny ? defaultDenyPolicies(policies, context, warnings) : [];
  const blockedAttempts = baseline.edges.filter((edge) => edge.deniedFlows > 0).map(edgeEvidence);
  if (blockedAttempts.length > 0) {
    warnings.push({
      code: 'blocked-attempts',
      severity: 'info',
      message: `${blockedAttempts.length} edge(s) carried connections the CNI denied; ${options.includeDenied ? 'they were allowed because --include-denied was given' : 'they teach no allow rule (rule 14)'}`,
      edges: blockedAttempts,
    });
  }
  return { policies: [...policies, ...defaultDenies], warnings: sortWarnings(warnings), blockedAttempts, excludedWorkloads, idleWorkloads };
}

/**
 * Names every policy of a namespace together (allow policies and the deny-alls of idle workloads,
 * so two never share a name) and builds them; `isolated` maps each isolated idle workload to its policy's name.
 */
function nameAndBuild(
  drafts: readonly { subject: KnownWorkload; draft: PolicyDraft }[],
  candidates: readonly IsolationCandidate[],
  context: SynthesisContext,
): { readonly policies: PolicyPlan[]; readonly isolated: ReadonlyMap<string, string> } {
  type Entry = { readonly subject: KnownWorkload; readonly draft?: PolicyDraft };
  const entries: Entry[] = [...drafts, ...candidates.map((candidate) => ({ subject: candidate.subject }))];
  const plans: PolicyPlan[] = [];
  const isolated = new Map<string, string>();
  for (const [namespace, inNamespace] of groupBy(entries, (entry) => entry.subject.namespace)) {
    const names = policyNamesForNamespace(inNamespace.map((entry) => entry.subject.workload));
    for (const { subject, draft } of inNamespace) {
      const name = names.get(`${subject.workload.kind}/${subject.workload.name}`) as string;
      if (draft !== undefined) {
        plans.push(buildPlan(namespace, name, subject, draft, context));
        continue;
      }
      const plan = idleDenyAll(namespace, name, subject, context);
      if (plan !== undefined) {
        plans.push(plan);
        isolated.set(subject.id, name);
      }
    }
  }
  return { policies: plans.sort((a, b) => compareStrings(a.namespace, b.namespace) || compareStrings(a.name, b.name)), isolated };
}

/**
 * `--isolate-idle`: a deny-all of both directions for a workload the baseline never saw talk, owned
 * and named like its allow policies. Its window is the baseline's, which findIdleWorkloads already
 * checked against --min-window, so apply's window gate judges it as it judges every workload.
 */
function idleDenyAll(namespace: string, name: string, subject: KnownWorkload, context: SynthesisContext): PolicyPlan | undefined {
  const selection = context.selection(subject.id);
  const window = baselineWindow(context.baseline);
  if (!selection.ok || window === undefined) return undefined;
  const hours = windowHours(window);
  return {
    namespace,
    name,
    workload: subject.id,
    policy: {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: policyMetadata(namespace, name, subject, `no traffic observed in the baseline's ${hours}h: deny-all of both directions (--isolate-idle); see report.json`),
      spec: { podSelector: toV1Selector(selection.selector), policyTypes: ['Ingress', 'Egress'] },
    },
    rules: [],
    window: { firstSeen: new Date(window.firstSeen).toISOString(), lastSeen: new Date(window.lastSeen).toISOString(), hours },
  };
}

/** The metadata of every policy Palisade owns: its name, Palisade's label (rule 1), the workload it selects and a short evidence summary (rule 3). */
function policyMetadata(namespace: string, name: string, subject: KnownWorkload, evidence: string): V1ObjectMeta {
  return {
    name,
    namespace,
    labels: { ...MANAGED_BY_LABEL },
    annotations: { [WORKLOAD_ANNOTATION]: `${subject.workload.kind}/${subject.workload.name}`, [EVIDENCE_ANNOTATION]: evidence },
  };
}

function buildPlan(namespace: string, name: string, subject: KnownWorkload, draft: PolicyDraft, context: SynthesisContext): PolicyPlan {
  const collapse = context.options.collapsePortRanges;
  const ingressRules = draft.ingress?.rules(collapse) ?? [];
  const egressRules = draft.egress?.rules(collapse) ?? [];
  const rules: RuleEvidence[] = [
    ...ingressRules.map((rule, index) => ruleEvidence('ingress', index, rule)),
    ...egressRules.map((rule, index) => ruleEvidence('egress', index, rule)),
  ];
  const policyTypes = [...(draft.ingress ? ['Ingress'] : []), ...(draft.egress ? ['Egress'] : [])];
  const ingress: V1NetworkPolicyIngressRule[] = ingressRules.map((rule) => ({ _from: rule.peers, ports: rule.policyPorts }));
  const egress: V1NetworkPolicyEgressRule[] = egressRules.map((rule) => ({ to: rule.peers, ports: rule.policyPorts }));
  const observedEdges = new Set([...ingressRules, ...egressRules].flatMap((rule) => rule.edges)).size;
  const policy: V1NetworkPolicy = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: policyMetadata(namespace, name, subject, `${ingressRules.length} ingress and ${egressRules.length} egress rule(s) from ${observedEdges} observed edge(s); see report.json`),
    spec: {
      podSelector: toV1Selector((draft.selector ?? {}) as LabelSelector),
      policyTypes,
      ...(draft.ingress && ingress.length > 0 ? { ingress } : {}),
      ...(draft.egress && egress.length > 0 ? { egress } : {}),
    },
  };
  const observation = context.observations.get(subject.id);
  return {
    namespace,
    name,
    workload: subject.id,
    policy,
    rules,
    ...(observation
      ? {
          window: {
            firstSeen: new Date(observation.firstSeen).toISOString(),
            lastSeen: new Date(observation.lastSeen).toISOString(),
            hours: Math.round(((observation.lastSeen - observation.firstSeen) / 3_600_000) * 10) / 10,
          },
        }
      : {}),
  };
}

function ruleEvidence(direction: Direction, index: number, rule: { labels: string[]; ports: PortKey[]; edges: Edge[] }): RuleEvidence {
  const unique = [...new Set(rule.edges)];
  return {
    direction,
    index,
    peers: rule.labels,
    ports: rule.ports.map(portLabel),
    edges: unique.map(edgeEvidence).sort((a, b) => compareStrings(`${a.source}|${a.destination}|${a.port}`, `${b.source}|${b.destination}|${b.port}`)),
  };
}

function windowWarnings(policies: readonly PolicyPlan[], options: SynthesisOptions): SynthesisWarning[] {
  const minHours = options.minWindowMs / 3_600_000;
  return policies
    .filter((plan) => plan.window !== undefined && plan.window.hours < minHours)
    .map((plan) => ({
      code: 'short-observation-window' as const,
      severity: 'warning' as const,
      ...(plan.workload ? { workload: plan.workload } : {}),
      message: `${plan.workload} was observed for ${plan.window?.hours}h, less than ${minHours}h: traffic it makes rarely (nightly jobs, failover) may be missing; apply refuses it (rule 16)`,
    }));
}

function sortWarnings(warnings: readonly SynthesisWarning[]): SynthesisWarning[] {
  return [...warnings].sort(
    (a, b) => compareStrings(a.workload ?? '', b.workload ?? '') || compareStrings(a.code, b.code) || compareStrings(a.message, b.message),
  );
}

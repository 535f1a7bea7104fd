import type { Edge, Peer } from '@palisade/baseliner';
import { peerId, peerOfEndpoint, teachingFlows } from '@palisade/baseliner';
import type { Flow, Protocol } from '@palisade/collector';
import type { DenyingSide, EvaluationEndpoint, SideVerdict } from '../evaluator/evaluator.js';
import { evaluate } from '../evaluator/evaluator.js';
import { evaluateFlow } from '../evaluator/flow-endpoint.js';
import type { EvaluationModel, EvaluationPod } from '../evaluator/policy-model.js';
import type { PodClass } from '../evaluator/pod-classes.js';
import { workloadPodClasses } from '../evaluator/pod-classes.js';
import type { ServicePort } from '../evaluator/workload-pairs.js';
import { addServicePort, candidateSources } from '../evaluator/workload-pairs.js';

/**
 * Replaying observed traffic against policies (`palisade verify`, and the generator's
 * self-verification, POLICY-RULES.md rule 19). Pure: flows and edges in, plain counts and lists out.
 */

/** Flows of one edge that the policies deny, all for the same reason. */
export interface DeniedEdge extends EdgeViolation {
  /** Flow records (`flows` counts connections: the sum of the flows' `count`). */
  readonly records: number;
}

/** Result of {@link verifyFlows}; counts are connections (sums of `count`). */
export interface VerifyResult {
  readonly checked: number;
  readonly allowed: number;
  readonly denied: number;
  /** Most flows first, then by edge. */
  readonly deniedEdges: readonly DeniedEdge[];
}

function peerLabel(peer: Peer | undefined, fallbackIp: string | undefined): string {
  if (peer !== undefined) return peerId(peer);
  return fallbackIp === undefined ? 'unknown' : `unknown:${fallbackIp}`;
}

function isolatingPolicies(egress: SideVerdict, ingress: SideVerdict): string[] {
  const names = new Set<string>();
  for (const verdict of [egress, ingress]) if (!verdict.allowed) for (const name of verdict.isolatedBy) names.add(name);
  return [...names].sort();
}

function byFlowsThenKey<T extends { flows: number; source: string; destination: string; protocol: string; port?: number }>(a: T, b: T): number {
  if (a.flows !== b.flows) return b.flows - a.flows;
  const keyA = `${a.source}|${a.destination}|${a.protocol}|${a.port ?? ''}`;
  const keyB = `${b.source}|${b.destination}|${b.protocol}|${b.port ?? ''}`;
  return keyA < keyB ? -1 : keyA > keyB ? 1 : 0;
}

/**
 * Replays flows: every flow is evaluated (each against its own pod, since pods of one workload may
 * differ in labels), and the denied ones are grouped by edge and denying side. The flows' own
 * verdicts are ignored: the question is what the given policies would do.
 */
export function verifyFlows(model: EvaluationModel, flows: Iterable<Flow>): VerifyResult {
  let checked = 0;
  let allowed = 0;
  const denied = new Map<string, { -readonly [K in keyof DeniedEdge]: DeniedEdge[K] }>();
  for (const flow of flows) {
    const count = flow.count;
    checked += count;
    const decision = evaluateFlow(model, flow);
    if (decision.allowed) {
      allowed += count;
      continue;
    }
    const source = peerLabel(peerOfEndpoint(flow.source), flow.source.ip);
    const destination = peerLabel(peerOfEndpoint(flow.destination), flow.destination.ip);
    const deniedBy = decision.deniedBy ?? 'both';
    const key = `${source}|${destination}|${flow.protocol}|${flow.port ?? ''}|${deniedBy}`;
    const group = denied.get(key);
    if (group === undefined) {
      denied.set(key, {
        source,
        destination,
        protocol: flow.protocol,
        ...(flow.port === undefined ? {} : { port: flow.port }),
        deniedBy,
        isolatedBy: isolatingPolicies(decision.egress, decision.ingress),
        flows: count,
        records: 1,
      });
    } else {
      group.flows += count;
      group.records += 1;
    }
  }
  return { checked, allowed, denied: checked - allowed, deniedEdges: [...denied.values()].sort(byFlowsThenKey) };
}

/** An edge the policies deny: a baseline edge that should be allowed (rule 19), or replayed flows. */
export interface EdgeViolation {
  /** Peer id of the source (`ns/Kind/name`, `world:203.0.113.7`, `host`, …). */
  readonly source: string;
  readonly destination: string;
  readonly protocol: Protocol;
  readonly port?: number;
  readonly deniedBy: DenyingSide;
  /** `namespace/name` of the policies that isolate the denying side(s) without a matching rule. */
  readonly isolatedBy: readonly string[];
  /** Connections on the edge (for a baseline edge, the teaching ones). */
  readonly flows: number;
}

/** Result of {@link verifyEdges}; counts are edges. */
export interface EdgeVerification {
  /** Edges evaluated. */
  readonly checked: number;
  readonly allowed: number;
  /** Edges that must be allowed and are not: rule 19 wants 0. */
  readonly violations: readonly EdgeViolation[];
  /** Edges whose workload has no pod in the model (listed by id). */
  readonly unresolved: readonly string[];
  /** Edges skipped: ICMP (NetworkPolicy cannot express it) or nothing but denied flows (rule 14). */
  readonly skipped: number;
}

/** Evaluator endpoint of a baseline peer: a workload's representative pod, or the address it stands for. */
export function endpointOfPeer(model: EvaluationModel, peer: Peer): EvaluationEndpoint | undefined {
  switch (peer.kind) {
    case 'workload': {
      const pod = model.podsByWorkload.get(peerId(peer))?.[0];
      return pod === undefined ? undefined : { kind: 'pod', pod };
    }
    case 'host':
      // The local node of the pod at the other end (kubelet probes, host-network callers).
      return { kind: 'node', local: true, ...(peer.ip === undefined ? {} : { ip: peer.ip }) };
    case 'node':
      return { kind: 'node', ...(peer.ip === undefined ? {} : { ip: peer.ip }) };
    case 'world':
    case 'apiserver':
      return { kind: 'address', ...(peer.ip === undefined ? {} : { ip: peer.ip }) };
  }
}

/**
 * Rule 19: replays every baseline edge that teaches (allowed or unknown flows; with
 * `includeDenied`, denied ones too) through the evaluator with a representative pod per workload.
 * Every such edge must be allowed.
 */
export function verifyEdges(model: EvaluationModel, edges: Iterable<Edge>, options: { readonly includeDenied?: boolean } = {}): EdgeVerification {
  let checked = 0;
  let allowed = 0;
  let skipped = 0;
  const violations: EdgeViolation[] = [];
  const unresolved: string[] = [];
  for (const edge of edges) {
    const flows = teachingFlows(edge, options.includeDenied ?? false);
    if (edge.protocol === 'ICMPv4' || edge.protocol === 'ICMPv6' || flows === 0) {
      skipped += 1;
      continue;
    }
    const source = endpointOfPeer(model, edge.source);
    const destination = endpointOfPeer(model, edge.destination);
    if (source === undefined || destination === undefined) {
      unresolved.push(`${peerId(edge.source)} -> ${peerId(edge.destination)} ${edge.protocol}/${edge.port ?? ''}`);
      continue;
    }
    checked += 1;
    const decision = evaluate(model, { source, destination, protocol: edge.protocol, ...(edge.port === undefined ? {} : { port: edge.port }) });
    if (decision.allowed) {
      allowed += 1;
      continue;
    }
    violations.push({
      source: peerId(edge.source),
      destination: peerId(edge.destination),
      protocol: edge.protocol,
      ...(edge.port === undefined ? {} : { port: edge.port }),
      deniedBy: decision.deniedBy ?? 'both',
      isolatedBy: isolatingPolicies(decision.egress, decision.ingress),
      flows,
    });
  }
  return { checked, allowed, violations: violations.sort(byFlowsThenKey), unresolved, skipped };
}

/**
 * The unobserved sources of one destination workload, as {@link countUnobservedDeniedPairs} judged
 * them. The sources it does not list by name are denied (or, for a destination with no known port,
 * unjudged): every workload of {@link PairCount.workloadIds} other than the destination itself and
 * those listed here as observed, allowed or partly denied. So the list is exact and still grows with
 * the workloads and edges, not with their square (25 million pairs for 5,000 workloads).
 */
export interface DestinationPairs {
  /** `namespace/Kind/name`. */
  readonly destination: string;
  /** Pods of the destination judged (host-network pods are outside NetworkPolicy). */
  readonly pods: number;
  /** The ports judged (`TCP/8080`): observed on the destination's edges plus its declared container ports; empty when none is known. */
  readonly ports: readonly string[];
  /** Sources observed talking to it: not judged. */
  readonly observedSources: readonly string[];
  /** Unobserved sources every pod of which reaches every pod of the destination on at least one of the ports. */
  readonly allowedSources: readonly string[];
  /** Unobserved sources whose pod pairs are denied only in part: the pair counts as neither denied nor allowed. */
  readonly partlyDeniedSources: readonly { readonly source: string; readonly podPairs: number; readonly podPairsDenied: number }[];
  /** How many unobserved sources are denied on every pod pair (the ones not listed elsewhere). */
  readonly deniedSources: number;
  /** Unobserved sources not judged because the destination has no known port. */
  readonly unjudgedSources: number;
}

/** Result of {@link countUnobservedDeniedPairs}. */
export interface PairCount {
  /** Workloads with a pod in the model (host-network pods aside). */
  readonly workloads: number;
  /** Their ids, sorted: the universe {@link DestinationPairs} lists by complement. */
  readonly workloadIds: readonly string[];
  /** Ordered pairs of distinct workloads. */
  readonly pairs: number;
  /** Pairs with at least one edge in the baseline. */
  readonly observed: number;
  /** Unobserved pairs whose every pod pair is allowed on at least one of the destination's ports. */
  readonly unobservedAllowed: number;
  /** Unobserved pairs whose every pod pair is denied on every port of the destination. */
  readonly unobservedDenied: number;
  /** Unobserved pairs with some pod pairs allowed and some denied (pods of a workload differ). */
  readonly unobservedPartlyDenied: number;
  /** Unobserved pairs whose destination has no known port (none observed, none declared): not judged. */
  readonly unjudged: number;
  /** Per destination, sorted by id. */
  readonly byDestination: readonly DestinationPairs[];
}

function portText(port: ServicePort): string {
  return `${port.protocol}/${port.port}`;
}

/**
 * Counts the workload pairs that were never observed talking and that the policies now deny (the
 * figure rule 19 reports), per pod pair: the pods of a workload can differ (labels during a
 * rollout, declared ports, addresses), so a pod pair is allowed when any of the destination's
 * ports is allowed from that source pod to that destination pod, and a workload pair is denied
 * only when every one of its pod pairs is denied. A pair with some pod pairs allowed and some
 * denied is "partly denied", counted and listed on its own. A destination's ports are those
 * observed on its edges plus its pods' declared container ports. Pods are judged in groups that
 * every policy treats alike (see `pod-classes.ts`), and only sources the destination's ingress
 * could admit are evaluated, so the cost stays near one evaluation per admitted workload pair.
 */
export function countUnobservedDeniedPairs(model: EvaluationModel, edges: Iterable<Edge>): PairCount {
  const classesByWorkload = workloadPodClasses(model);
  const classPods = new Map<string, EvaluationPod>();
  const classById = new Map<string, PodClass>();
  for (const classes of classesByWorkload.values())
    for (const podClass of classes) {
      classPods.set(podClass.id, podClass.pod);
      classById.set(podClass.id, podClass);
    }
  const podCount = (workload: string) => (classesByWorkload.get(workload) ?? []).reduce((sum, podClass) => sum + podClass.pods, 0);
  const observed = new Map<string, Set<string>>();
  const ports = new Map<string, ServicePort[]>();
  for (const edge of edges) {
    if (edge.destination.kind !== 'workload') continue;
    const destination = peerId(edge.destination);
    addServicePort(ports, destination, edge.protocol, edge.port);
    if (edge.source.kind !== 'workload') continue;
    const sources = observed.get(destination) ?? new Set<string>();
    sources.add(peerId(edge.source));
    observed.set(destination, sources);
  }
  for (const [id, classes] of classesByWorkload)
    for (const podClass of classes) for (const declared of podClass.pod.containerPorts) addServicePort(ports, id, declared.protocol, declared.port);

  const workloadIds = [...classesByWorkload.keys()].sort();
  const workloads = workloadIds.length;
  let observedPairs = 0;
  let unobservedAllowed = 0;
  let unobservedDenied = 0;
  let unobservedPartlyDenied = 0;
  let unjudged = 0;
  const byDestination: DestinationPairs[] = [];
  for (const destinationId of workloadIds) {
    const destinationClasses = classesByWorkload.get(destinationId) ?? [];
    const seen = [...(observed.get(destinationId) ?? [])].filter((id) => id !== destinationId && classesByWorkload.has(id)).sort();
    const seenSet = new Set(seen);
    observedPairs += seen.length;
    const unobserved = workloads - 1 - seen.length;
    const destinationPorts = ports.get(destinationId) ?? [];
    const entry = {
      destination: destinationId,
      pods: podCount(destinationId),
      ports: destinationPorts.map(portText).sort(),
      observedSources: seen,
    };
    if (destinationPorts.length === 0) {
      unjudged += unobserved;
      byDestination.push({ ...entry, allowedSources: [], partlyDeniedSources: [], deniedSources: 0, unjudgedSources: unobserved });
      continue;
    }
    // Per source workload, the pod pairs allowed on some port; a source class the destination
    // class's ingress cannot admit is denied there, so only admitted class pairs are evaluated.
    const allowedPodPairs = new Map<string, number>();
    for (const destinationClass of destinationClasses) {
      const candidates = candidateSources(model, classPods, destinationClass.pod);
      for (const sourceClassId of candidates === 'all' ? classPods.keys() : candidates.values()) {
        const sourceClass = classById.get(sourceClassId);
        if (sourceClass === undefined || sourceClass.workload === destinationId || seenSet.has(sourceClass.workload)) continue;
        const connection = { source: { kind: 'pod', pod: sourceClass.pod }, destination: { kind: 'pod', pod: destinationClass.pod } } as const;
        if (destinationPorts.some(({ protocol, port }) => evaluate(model, { ...connection, protocol, port }).allowed))
          allowedPodPairs.set(sourceClass.workload, (allowedPodPairs.get(sourceClass.workload) ?? 0) + sourceClass.pods * destinationClass.pods);
      }
    }
    const allowedSources: string[] = [];
    const partlyDeniedSources: { source: string; podPairs: number; podPairsDenied: number }[] = [];
    for (const [source, allowed] of [...allowedPodPairs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const podPairs = podCount(source) * entry.pods;
      if (allowed >= podPairs) allowedSources.push(source);
      else partlyDeniedSources.push({ source, podPairs, podPairsDenied: podPairs - allowed });
    }
    const deniedSources = unobserved - allowedSources.length - partlyDeniedSources.length;
    unobservedAllowed += allowedSources.length;
    unobservedPartlyDenied += partlyDeniedSources.length;
    unobservedDenied += deniedSources;
    byDestination.push({ ...entry, allowedSources, partlyDeniedSources, deniedSources, unjudgedSources: 0 });
  }
  return {
    workloads,
    workloadIds,
    pairs: workloads * (workloads - 1),
    observed: observedPairs,
    unobservedAllowed,
    unobservedDenied,
    unobservedPartlyDenied,
    unjudged,
    byDestination,
  };
}

import { peerId, peerOfEndpoint } from '@palisade/baseliner';
import type { Flow, PortProtocol } from '@palisade/collector';
import { allowedPodPorts, externalRegions } from '../evaluator/connectivity.js';
import type { Decision, SideVerdict } from '../evaluator/evaluator.js';
import { evaluate } from '../evaluator/evaluator.js';
import type { PodClass } from '../evaluator/pod-classes.js';
import { workloadPodClasses } from '../evaluator/pod-classes.js';
import type { EvaluationModel, EvaluationPod } from '../evaluator/policy-model.js';
import type { PortRange, PortSet } from '../evaluator/port-set.js';
import { isEmptyPortSet, PORT_PROTOCOLS, subtractPorts, unionPorts } from '../evaluator/port-set.js';
import { candidateSources, unionCandidates } from '../evaluator/workload-pairs.js';
import { cidrsOfRange, diffRegions } from './region-diff.js';
import type { VerifyResult } from './verify.js';
import { verifyFlows } from './verify.js';

/**
 * Semantic diff of two policy sets over the same cluster (`palisade diff`), comparing what each set
 * allows as sets, the way np-guard's netpol-analyzer `diff` does: for every ordered pair of known
 * workloads, the (protocol, port ranges) newly allowed or no longer allowed, over all 65,535 ports
 * of TCP, UDP and SCTP (not only the ports someone declared or was seen using); and for every
 * workload, the external address ranges (egress and ingress ipBlocks, or everything when a side is
 * not isolated) newly reachable or no longer reachable, with their ports. Port and address sets are
 * interval lists, so nothing is enumerated. Pods are compared in groups every policy of both sets
 * treats alike, and only pairs whose destination's ingress could admit the source under either set
 * are evaluated, so the cost follows the policies' peers rather than the square of the pods.
 */

/** Protocol and port ranges of one workload-to-workload connection whose verdict changes. */
export interface ConnectionChange {
  /** `namespace/Kind/name`. */
  readonly source: string;
  readonly destination: string;
  readonly protocol: PortProtocol;
  /** The ports that change, as sorted inclusive ranges. */
  readonly ports: readonly PortRange[];
  /** True when flows show a connection on one of these ports: a newly denied observed connection breaks traffic. */
  readonly observed: boolean;
  /** One-line reason at the first changed port under the current policies (`allowed by shop/web ingress[0]`, `denied: egress isolated by shop/deny`). */
  readonly current: string;
  readonly proposed: string;
}

/**
 * Address ranges a workload can newly reach (egress) or be reached from (ingress), or no longer, on
 * some ports: what its ipBlocks (or an unisolated side) allow towards addresses, whoever holds them.
 */
export interface ExternalChange {
  /** `namespace/Kind/name`. */
  readonly workload: string;
  readonly direction: 'egress' | 'ingress';
  readonly protocol: PortProtocol;
  readonly ports: readonly PortRange[];
  /** The address ranges, as the fewest CIDRs that cover them exactly. */
  readonly cidrs: readonly string[];
}

/** Result of {@link semanticDiff}. */
export interface SemanticDiff {
  /** Workloads with a pod in the model. */
  readonly workloads: number;
  /** Pod-group pairs compared under both sets. */
  readonly compared: number;
  readonly newlyAllowed: readonly ConnectionChange[];
  readonly newlyDenied: readonly ConnectionChange[];
  readonly newlyAllowedExternal: readonly ExternalChange[];
  readonly newlyDeniedExternal: readonly ExternalChange[];
  /** Observed flows that the current policies deny today. */
  readonly deniedByCurrent: VerifyResult;
  /** Observed flows that the proposed policies would deny (0 expected for Palisade's own output). */
  readonly deniedByProposed: VerifyResult;
}

/** Plain input of {@link semanticDiff}: two models over the same pods (see `withPolicies`), and observed flows. */
export interface SemanticDiffInput {
  readonly current: EvaluationModel;
  readonly proposed: EvaluationModel;
  readonly flows?: readonly Flow[];
}

function describeSide(direction: string, verdict: SideVerdict): string {
  if (verdict.allowed) return verdict.reason === 'rule' ? `${verdict.by.namespace}/${verdict.by.policy} ${direction}[${verdict.by.rule}]` : verdict.reason;
  return `${direction} isolated by ${verdict.isolatedBy.join(', ')}`;
}

/** One-line reason of a decision, for reports: `allowed by shop/web ingress[0]`, `denied: egress isolated by shop/deny`. */
export function describeDecision(decision: Decision): string {
  const sides = [
    ['egress', decision.egress],
    ['ingress', decision.ingress],
  ] as const;
  if (decision.allowed) {
    const byRule = sides.filter(([, verdict]) => verdict.allowed && verdict.reason === 'rule').map(([direction, verdict]) => describeSide(direction, verdict));
    return byRule.length === 0 ? 'allowed (no policy applies)' : `allowed by ${byRule.join(' and ')}`;
  }
  return `denied: ${sides.filter(([, verdict]) => !verdict.allowed).map(([direction, verdict]) => describeSide(direction, verdict)).join('; ')}`;
}

/** `8080`, `1-8079,8081-65535`. */
export function portRangesText(ranges: readonly PortRange[]): string {
  return ranges.map((range) => (range.from === range.to ? String(range.from) : `${range.from}-${range.to}`)).join(',');
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareChanges(a: ConnectionChange, b: ConnectionChange): number {
  if (a.observed !== b.observed) return a.observed ? -1 : 1;
  return compareText(a.source, b.source) || compareText(a.destination, b.destination) || compareText(a.protocol, b.protocol) || (a.ports[0]?.from ?? 0) - (b.ports[0]?.from ?? 0);
}

function compareExternal(a: ExternalChange, b: ExternalChange): number {
  return compareText(a.workload, b.workload) || compareText(a.direction, b.direction) || compareText(a.protocol, b.protocol) || (a.ports[0]?.from ?? 0) - (b.ports[0]?.from ?? 0);
}

/** The changes of one workload pair, summed over its pod groups, with the first group pair that showed them. */
interface PairChanges {
  gained: PortSet;
  lost: PortSet;
  source: EvaluationPod;
  destination: EvaluationPod;
}

function pairConnectionChanges(
  key: readonly [string, string],
  pair: PairChanges,
  models: { readonly current: EvaluationModel; readonly proposed: EvaluationModel },
  observedPorts: ReadonlyMap<string, readonly number[]>,
): { allowed: ConnectionChange[]; denied: ConnectionChange[] } {
  const allowed: ConnectionChange[] = [];
  const denied: ConnectionChange[] = [];
  for (const [set, list] of [
    [pair.gained, allowed],
    [pair.lost, denied],
  ] as const) {
    for (const protocol of PORT_PROTOCOLS) {
      const ports = set[protocol];
      const first = ports[0];
      if (first === undefined) continue;
      const seen = observedPorts.get(`${key[0]}|${key[1]}|${protocol}`) ?? [];
      const connection = { source: { kind: 'pod', pod: pair.source }, destination: { kind: 'pod', pod: pair.destination }, protocol, port: first.from } as const;
      list.push({
        source: key[0],
        destination: key[1],
        protocol,
        ports,
        observed: seen.some((port) => ports.some((range) => port >= range.from && port <= range.to)),
        current: describeDecision(evaluate(models.current, connection)),
        proposed: describeDecision(evaluate(models.proposed, connection)),
      });
    }
  }
  return { allowed, denied };
}

function externalChanges(classes: ReadonlyMap<string, readonly PodClass[]>, current: EvaluationModel, proposed: EvaluationModel): { allowed: ExternalChange[]; denied: ExternalChange[] } {
  // (workload, direction, protocol, ports) → address intervals, per family.
  const grouped = [new Map<string, { change: Omit<ExternalChange, 'cidrs'>; intervals: [4 | 6, bigint, bigint][] }>(), new Map<string, { change: Omit<ExternalChange, 'cidrs'>; intervals: [4 | 6, bigint, bigint][] }>()] as const;
  for (const [workload, podClasses] of classes)
    for (const podClass of podClasses)
      for (const direction of ['egress', 'ingress'] as const) {
        const diff = diffRegions(externalRegions(current, podClass.pod, direction), externalRegions(proposed, podClass.pod, direction));
        [diff.allowed, diff.denied].forEach((changes, side) => {
          for (const change of changes)
            for (const protocol of PORT_PROTOCOLS) {
              const ports = change.ports[protocol];
              if (ports.length === 0) continue;
              const key = `${workload}|${direction}|${protocol}|${portRangesText(ports)}`;
              const entry = grouped[side as 0 | 1].get(key) ?? { change: { workload, direction, protocol, ports }, intervals: [] };
              entry.intervals.push([change.family, change.start, change.end]);
              grouped[side as 0 | 1].set(key, entry);
            }
        });
      }
  const render = (map: (typeof grouped)[0]): ExternalChange[] =>
    [...map.values()]
      .map(({ change, intervals }) => {
        intervals.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
        const merged: [4 | 6, bigint, bigint][] = [];
        for (const interval of intervals) {
          const last = merged[merged.length - 1];
          if (last !== undefined && last[0] === interval[0] && interval[1] <= last[2]) last[2] = interval[2] > last[2] ? interval[2] : last[2];
          else merged.push([...interval]);
        }
        return { ...change, cidrs: merged.flatMap(([family, start, end]) => cidrsOfRange(family, start, end)) };
      })
      .sort(compareExternal);
  return { allowed: render(grouped[0]), denied: render(grouped[1]) };
}

/**
 * Compares two policy sets: per workload pair, every port of every protocol; per workload, every
 * external address range. Flows mark the changes that observed traffic used, and are judged by both sets.
 */
export function semanticDiff(input: SemanticDiffInput): SemanticDiff {
  const { current, proposed } = input;
  const flows = input.flows ?? [];
  const classes = workloadPodClasses(current, [proposed]);
  const classPods = new Map<string, EvaluationPod>();
  const classById = new Map<string, PodClass>();
  for (const podClasses of classes.values())
    for (const podClass of podClasses) {
      classPods.set(podClass.id, podClass.pod);
      classById.set(podClass.id, podClass);
    }
  const observedPorts = new Map<string, number[]>();
  for (const flow of flows) {
    const destination = peerOfEndpoint(flow.destination);
    const source = peerOfEndpoint(flow.source);
    if (destination?.kind !== 'workload' || source?.kind !== 'workload' || flow.port === undefined) continue;
    const key = `${peerId(source)}|${peerId(destination)}|${flow.protocol}`;
    const ports = observedPorts.get(key) ?? [];
    ports.push(flow.port);
    observedPorts.set(key, ports);
  }

  let compared = 0;
  const pairs = new Map<string, { key: [string, string]; changes: PairChanges }>();
  for (const destinationClasses of classes.values())
    for (const destination of destinationClasses) {
      const candidates = unionCandidates(candidateSources(current, classPods, destination.pod), candidateSources(proposed, classPods, destination.pod));
      for (const sourceId of candidates === 'all' ? classPods.keys() : candidates.values()) {
        const source = classById.get(sourceId);
        if (source === undefined || source.workload === destination.workload) continue;
        compared += 1;
        const before = allowedPodPorts(current, source.pod, destination.pod);
        const after = allowedPodPorts(proposed, source.pod, destination.pod);
        const gained = subtractPorts(after, before);
        const lost = subtractPorts(before, after);
        if (isEmptyPortSet(gained) && isEmptyPortSet(lost)) continue;
        const key = `${source.workload}|${destination.workload}`;
        const known = pairs.get(key);
        if (known === undefined) pairs.set(key, { key: [source.workload, destination.workload], changes: { gained, lost, source: source.pod, destination: destination.pod } });
        else {
          known.changes.gained = unionPorts(known.changes.gained, gained);
          known.changes.lost = unionPorts(known.changes.lost, lost);
        }
      }
    }
  const newlyAllowed: ConnectionChange[] = [];
  const newlyDenied: ConnectionChange[] = [];
  for (const { key, changes } of pairs.values()) {
    const found = pairConnectionChanges(key, changes, { current, proposed }, observedPorts);
    newlyAllowed.push(...found.allowed);
    newlyDenied.push(...found.denied);
  }
  const external = externalChanges(classes, current, proposed);
  return {
    workloads: classes.size,
    compared,
    newlyAllowed: newlyAllowed.sort(compareChanges),
    newlyDenied: newlyDenied.sort(compareChanges),
    newlyAllowedExternal: external.allowed,
    newlyDeniedExternal: external.denied,
    deniedByCurrent: verifyFlows(current, flows),
    deniedByProposed: verifyFlows(proposed, flows),
  };
}

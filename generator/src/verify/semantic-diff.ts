import { peerId, peerOfEndpoint } from '@palisade/baseliner';
import type { Flow, PortProtocol } from '@palisade/collector';
import type { Decision, SideVerdict } from '../evaluator/evaluator.js';
import { evaluate } from '../evaluator/evaluator.js';
import type { EvaluationModel } from '../evaluator/policy-model.js';
import type { VerifyResult } from './verify.js';
import { verifyFlows } from './verify.js';
import type { ServicePort } from '../evaluator/workload-pairs.js';
import { addServicePort, candidateSources, unionCandidates, workloadRepresentatives } from '../evaluator/workload-pairs.js';

/**
 * Semantic diff of two policy sets over the same cluster (`palisade diff`): what each ordered pair
 * of known workloads can newly or no longer do on the destination's ports, and which observed flows
 * each set denies. Only pairs whose destination's ingress could admit the source under either set
 * are evaluated, so the cost follows the policies' peers rather than the square of the workloads.
 */

/** One workload-to-workload connection whose verdict changes. */
export interface ConnectionChange {
  /** `namespace/Kind/name`. */
  readonly source: string;
  readonly destination: string;
  readonly protocol: PortProtocol;
  readonly port: number;
  /** True when flows show this connection: a newly denied observed connection breaks traffic. */
  readonly observed: boolean;
  /** One-line reason under the current policies (`allowed by shop/web ingress[0]`, `denied: egress isolated by shop/deny`). */
  readonly current: string;
  readonly proposed: string;
}

/** Result of {@link semanticDiff}. */
export interface SemanticDiff {
  /** Workloads with a pod in the model. */
  readonly workloads: number;
  /** (source, destination, port) combinations evaluated under both sets. */
  readonly compared: number;
  readonly newlyAllowed: readonly ConnectionChange[];
  readonly newlyDenied: readonly ConnectionChange[];
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

function compareChanges(a: ConnectionChange, b: ConnectionChange): number {
  if (a.observed !== b.observed) return a.observed ? -1 : 1;
  const keyA = `${a.source}|${a.destination}|${a.protocol}|${String(a.port).padStart(5, '0')}`;
  const keyB = `${b.source}|${b.destination}|${b.protocol}|${String(b.port).padStart(5, '0')}`;
  return keyA < keyB ? -1 : keyA > keyB ? 1 : 0;
}

/**
 * Compares two policy sets. The ports of a destination are those observed in the flows plus its
 * declared container ports (so a diff without flows still shows what changes).
 */
export function semanticDiff(input: SemanticDiffInput): SemanticDiff {
  const { current, proposed } = input;
  const flows = input.flows ?? [];
  const representatives = workloadRepresentatives(current);
  const ports = new Map<string, ServicePort[]>();
  const observed = new Set<string>();
  for (const flow of flows) {
    const destination = peerOfEndpoint(flow.destination);
    if (destination?.kind !== 'workload') continue;
    const destinationId = peerId(destination);
    addServicePort(ports, destinationId, flow.protocol, flow.port);
    const source = peerOfEndpoint(flow.source);
    if (source?.kind === 'workload') observed.add(`${peerId(source)}|${destinationId}|${flow.protocol}|${flow.port ?? ''}`);
  }
  for (const [id, pod] of representatives) for (const declared of pod.containerPorts) addServicePort(ports, id, declared.protocol, declared.port);

  let compared = 0;
  const newlyAllowed: ConnectionChange[] = [];
  const newlyDenied: ConnectionChange[] = [];
  for (const [destinationId, destination] of representatives) {
    const destinationPorts = ports.get(destinationId) ?? [];
    if (destinationPorts.length === 0) continue;
    const candidates = unionCandidates(candidateSources(current, representatives, destination), candidateSources(proposed, representatives, destination));
    for (const sourceId of candidates === 'all' ? representatives.keys() : candidates.values()) {
      if (sourceId === destinationId) continue;
      const source = representatives.get(sourceId);
      if (source === undefined) continue;
      for (const { protocol, port } of destinationPorts) {
        compared += 1;
        const connection = { source: { kind: 'pod', pod: source }, destination: { kind: 'pod', pod: destination }, protocol, port } as const;
        const before = evaluate(current, connection);
        const after = evaluate(proposed, connection);
        if (before.allowed === after.allowed) continue;
        const change: ConnectionChange = {
          source: sourceId,
          destination: destinationId,
          protocol,
          port,
          observed: observed.has(`${sourceId}|${destinationId}|${protocol}|${port}`),
          current: describeDecision(before),
          proposed: describeDecision(after),
        };
        (after.allowed ? newlyAllowed : newlyDenied).push(change);
      }
    }
  }
  return {
    workloads: representatives.size,
    compared,
    newlyAllowed: newlyAllowed.sort(compareChanges),
    newlyDenied: newlyDenied.sort(compareChanges),
    deniedByCurrent: verifyFlows(current, flows),
    deniedByProposed: verifyFlows(proposed, flows),
  };
}

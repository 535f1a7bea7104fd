import type { WorkloadRef } from '@palisade/collector';
import { workloadId } from '@palisade/collector';
import type { Edge } from './edge.js';
import { edgeKey, mergeEdges } from './edge.js';

/**
 * What Palisade has learned about one workload beyond its edges: the pod labels common to every
 * pod seen (the selector source when the cluster state is not known, rule 5) and its observation
 * window (rule 16).
 */
export interface WorkloadObservation {
  readonly namespace: string;
  readonly workload: WorkloadRef;
  /** Labels every observed pod of the workload carried with the same value. */
  readonly labels: Readonly<Record<string, string>>;
  readonly firstSeen: number;
  readonly lastSeen: number;
  /** Connections the workload took part in, either side. */
  readonly flows: number;
}

/** The whole baseline: edges and workloads, each sorted by id so equal baselines are equal data. */
export interface Baseline {
  readonly edges: readonly Edge[];
  readonly workloads: readonly WorkloadObservation[];
}

/** The empty baseline. */
export const EMPTY_BASELINE: Baseline = Object.freeze({ edges: [], workloads: [] });

/** `namespace/Kind/name` of an observation. */
export function observationId(observation: Pick<WorkloadObservation, 'namespace' | 'workload'>): string {
  return workloadId(observation.namespace, observation.workload);
}

/** Keeps the labels both sets carry with the same value; commutative and associative. */
export function commonLabels(
  a: Readonly<Record<string, string>>,
  b: Readonly<Record<string, string>>,
): Record<string, string> {
  const common = { ...a };
  keepCommonLabels(common, b);
  return common;
}

/** The evidence of an observation: everything but the workload it is about. */
export type ObservationEvidence = Pick<WorkloadObservation, 'labels' | 'firstSeen' | 'lastSeen' | 'flows'>;

/** Observation evidence being summed in place (the pre-aggregation's accumulators). */
export interface MutableObservationEvidence {
  readonly labels: Record<string, string>;
  firstSeen: number;
  lastSeen: number;
  flows: number;
}

/**
 * The one merge rule of observations: the labels both carry with the same value, min/max of times,
 * sum of flows. Adds `other` into `into` in place (its labels object too), so the hot path sums
 * without a new object per flow. The upsert script (`store/redis/scripts/upsert-owner.lua`) is the
 * same rule for stored values.
 */
export function mergeObservationEvidence(into: MutableObservationEvidence, other: ObservationEvidence): void {
  keepCommonLabels(into.labels, other.labels);
  into.firstSeen = Math.min(into.firstSeen, other.firstSeen);
  into.lastSeen = Math.max(into.lastSeen, other.lastSeen);
  into.flows += other.flows;
}

/** Merges two observations of the same workload (see {@link mergeObservationEvidence}). */
export function mergeObservations(a: WorkloadObservation, b: WorkloadObservation): WorkloadObservation {
  const merged = { namespace: a.namespace, workload: a.workload, labels: { ...a.labels }, firstSeen: a.firstSeen, lastSeen: a.lastSeen, flows: a.flows };
  mergeObservationEvidence(merged, b);
  return merged;
}

function keepCommonLabels(labels: Record<string, string>, other: Readonly<Record<string, string>>): void {
  for (const key of Object.keys(labels)) if (other[key] !== labels[key]) delete labels[key];
}

/**
 * Accumulates edges and observations, merging by id. The order of `add` calls never changes the
 * result of {@link BaselineAccumulator.toBaseline}.
 */
export class BaselineAccumulator {
  private readonly edges = new Map<string, Edge>();
  private readonly workloads = new Map<string, WorkloadObservation>();

  /** Adds (merges) one edge. */
  addEdge(edge: Edge, key: string = edgeKey(edge)): void {
    const known = this.edges.get(key);
    this.edges.set(key, known === undefined ? edge : mergeEdges(known, edge));
  }

  /** Adds (merges) one workload observation. */
  addObservation(observation: WorkloadObservation, id: string = observationId(observation)): void {
    const known = this.workloads.get(id);
    this.workloads.set(id, known === undefined ? observation : mergeObservations(known, observation));
  }

  /** Adds everything in a baseline. */
  addBaseline(baseline: Baseline): void {
    for (const edge of baseline.edges) this.addEdge(edge);
    for (const observation of baseline.workloads) this.addObservation(observation);
  }

  /** Number of distinct edges so far. */
  get edgeCount(): number {
    return this.edges.size;
  }

  /** The baseline, sorted by edge key and workload id. */
  toBaseline(): Baseline {
    return {
      edges: [...this.edges.entries()].sort(([a], [b]) => compareStrings(a, b)).map(([, edge]) => edge),
      workloads: [...this.workloads.entries()].sort(([a], [b]) => compareStrings(a, b)).map(([, w]) => w),
    };
  }
}

/** Merges baselines; the result is the same whatever the order of the arguments. */
export function mergeBaselines(...baselines: readonly Baseline[]): Baseline {
  const accumulator = new BaselineAccumulator();
  for (const baseline of baselines) accumulator.addBaseline(baseline);
  return accumulator.toBaseline();
}

/** Locale-independent string order, so output never depends on the machine's locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

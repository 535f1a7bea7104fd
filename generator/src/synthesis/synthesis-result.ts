import type { V1NetworkPolicy } from '@kubernetes/client-node';
import type { Edge } from '@palisade/baseliner';
import { peerId } from '@palisade/baseliner';
import type { IdleWorkload } from './idle-workloads.js';

/** Ingress or egress. */
export type Direction = 'ingress' | 'egress';

/** One baseline edge as the report shows it. */
export interface EdgeEvidence {
  readonly source: string;
  readonly destination: string;
  readonly protocol: string;
  readonly port?: number;
  readonly flows: number;
  readonly deniedFlows: number;
  /** ISO 8601. */
  readonly firstSeen: string;
  /** ISO 8601. */
  readonly lastSeen: string;
}

const evidenceCache = new WeakMap<Edge, EdgeEvidence>();

/** The edge as evidence (one object per edge: an edge backs a rule and often a warning too). */
export function edgeEvidence(edge: Edge): EdgeEvidence {
  let evidence = evidenceCache.get(edge);
  if (evidence === undefined) {
    evidence = toEvidence(edge);
    evidenceCache.set(edge, evidence);
  }
  return evidence;
}

function toEvidence(edge: Edge): EdgeEvidence {
  return {
    source: peerId(edge.source),
    destination: peerId(edge.destination),
    protocol: edge.protocol,
    ...(edge.port !== undefined ? { port: edge.port } : {}),
    flows: edge.flows,
    deniedFlows: edge.deniedFlows,
    firstSeen: new Date(edge.firstSeen).toISOString(),
    lastSeen: new Date(edge.lastSeen).toISOString(),
  };
}

/** Why one rule of a policy exists. */
export interface RuleEvidence {
  readonly direction: Direction;
  /** Index of the rule in `spec.ingress` or `spec.egress`. */
  readonly index: number;
  /** Peers the rule admits, as readable ids (`shop/Deployment/web`, `world:0.0.0.0/0`, `dns`). */
  readonly peers: readonly string[];
  /** `TCP/8080`, ... */
  readonly ports: readonly string[];
  /** The observed edges behind it (none for the DNS rule every egress-isolated workload gets). */
  readonly edges: readonly EdgeEvidence[];
}

/** A policy Palisade proposes, with its evidence. */
export interface PolicyPlan {
  readonly namespace: string;
  readonly name: string;
  /** `namespace/Kind/name` of the workload, or undefined for a namespace's default-deny. */
  readonly workload?: string;
  readonly policy: V1NetworkPolicy;
  readonly rules: readonly RuleEvidence[];
  /** Observation window of the workload (ISO 8601), for workload policies. */
  readonly window?: { readonly firstSeen: string; readonly lastSeen: string; readonly hours: number };
}

/** Kinds of finding in the report. */
export type WarningCode =
  | 'unselectable-workload'
  | 'unselectable-peer'
  | 'internet-exposed'
  | 'node-traffic'
  | 'host-traffic'
  | 'apiserver-cilium'
  | 'node-cidr-cilium'
  | 'icmp-not-expressible'
  | 'short-observation-window'
  | 'both-directions-open'
  | 'default-deny-skipped'
  | 'service-port-translated'
  | 'dns-fallback'
  | 'blocked-attempts';

/** One finding: something a reviewer must know about the proposal. */
export interface SynthesisWarning {
  readonly code: WarningCode;
  readonly severity: 'info' | 'warning';
  /** `namespace/Kind/name`, when it concerns one workload. */
  readonly workload?: string;
  readonly message: string;
  readonly edges?: readonly EdgeEvidence[];
}

/** What synthesis produced. */
export interface SynthesisResult {
  /** Allow policies sorted by namespace and name, then default-deny policies (applied last, rule 18). */
  readonly policies: readonly PolicyPlan[];
  readonly warnings: readonly SynthesisWarning[];
  /** Edges with denied flows: attempts the CNI blocked (rule 14). */
  readonly blockedAttempts: readonly EdgeEvidence[];
  /** Workloads in excluded namespaces that got no policy (rule 17). */
  readonly excludedWorkloads: readonly string[];
  /**
   * Workloads of the cluster state with no observed allowed traffic, with why they have no allow
   * policy, and the deny-all `--isolate-idle` gave them (idle-workloads.ts).
   */
  readonly idleWorkloads: readonly IdleWorkload[];
}

/**
 * Options of policy synthesis. Every default is the safe choice of POLICY-RULES.md; a flag opens
 * the other.
 */
export interface SynthesisOptions {
  /**
   * Namespaces that get no policies (rule 17). Traffic to them (DNS) is still allowed by the
   * policies of other workloads.
   * @default kube-system, kube-public, kube-node-lease
   */
  readonly excludeNamespaces: readonly string[];
  /** Let denied flows teach allow rules too (rule 14). @default false */
  readonly includeDenied: boolean;
  /**
   * CIDRs of the nodes. Without them, traffic with nodes keeps a direction unisolated; with them it
   * becomes an ipBlock on the observed port (rule 11).
   * @default none
   */
  readonly nodeCidrs: readonly string[];
  /** Pod network CIDRs: world CIDRs are never folded over them (rule 13). @default none */
  readonly podCidrs: readonly string[];
  /** Service network CIDRs: world CIDRs are never folded over them (rule 13). @default none */
  readonly serviceCidrs: readonly string[];
  /**
   * Egress to external addresses is folded into one CIDR when at least this many addresses share
   * one prefix of {@link worldFoldPrefixV4} / {@link worldFoldPrefixV6} bits (rule 13).
   * @default 8
   */
  readonly worldFoldMinAddresses: number;
  /** @default 24 */
  readonly worldFoldPrefixV4: number;
  /** @default 64 */
  readonly worldFoldPrefixV6: number;
  /**
   * Ingress from the internet: `any` allows every address (0.0.0.0/0, ::/0 minus the cluster's
   * ranges) on the observed ports, since a public endpoint's clients are not known in advance;
   * `observed` allows only the client addresses seen. @default any
   */
  readonly worldIngress: 'any' | 'observed';
  /** Collapse contiguous ports into `endPort` ranges (rule 9). @default false */
  readonly collapsePortRanges: boolean;
  /** Emit a per-namespace default-deny policy where every workload has its own (rule 18). @default false */
  readonly defaultDeny: boolean;
  /** Workloads observed for less than this (ms) get a warning (rule 16). @default 24h */
  readonly minWindowMs: number;
  /**
   * Give every workload of the cluster state that the baseline never saw talk a deny-all of both
   * directions, when the baseline's window is at least {@link minWindowMs} (idle-workloads.ts).
   * Off, such workloads are only listed in the report. @default false
   */
  readonly isolateIdle: boolean;
}

/** The namespaces Kubernetes itself runs in (rule 17). */
export const SYSTEM_NAMESPACES: readonly string[] = ['kube-system', 'kube-public', 'kube-node-lease'];

/** The safe defaults. */
export const DEFAULT_SYNTHESIS_OPTIONS: SynthesisOptions = Object.freeze({
  excludeNamespaces: SYSTEM_NAMESPACES,
  includeDenied: false,
  nodeCidrs: [],
  podCidrs: [],
  serviceCidrs: [],
  worldFoldMinAddresses: 8,
  worldFoldPrefixV4: 24,
  worldFoldPrefixV6: 64,
  worldIngress: 'any',
  collapsePortRanges: false,
  defaultDeny: false,
  minWindowMs: 24 * 60 * 60 * 1000,
  isolateIdle: false,
});

/** Defaults overlaid with the given options; system namespaces are always excluded. */
export function synthesisOptions(overrides: Partial<SynthesisOptions> = {}): SynthesisOptions {
  const merged = { ...DEFAULT_SYNTHESIS_OPTIONS, ...overrides };
  return Object.freeze({
    ...merged,
    excludeNamespaces: [...new Set([...SYSTEM_NAMESPACES, ...merged.excludeNamespaces])].sort(),
  });
}

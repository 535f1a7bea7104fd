import type { InputSummary } from './generate-report.js';

/**
 * Why an input taught no allow rule, and what to do about it: the one line of `generate`'s exit 4
 * (rule 16). "Collect flows for longer" is right only when the records were read and allowed; most
 * empty baselines come from records that never became flows (another format, IP-only logs without
 * cluster state, a duplicate pod IP), from denied or ICMP-only traffic, and each has its own fix.
 */

/** What the line is built from: the input's account and what the flows were. */
export interface EmptyInputFacts {
  readonly input: InputSummary;
  /** Records per format as detected (`unknown`: no format recognised). */
  readonly recordsByFormat?: Readonly<Record<string, number>>;
  /** Flows that carry only ICMP, which NetworkPolicy cannot express. */
  readonly icmpFlows: number;
  /** Whether `--cluster` (or a live cluster) gave cluster state. */
  readonly clusterState: boolean;
  /** Whether `--include-denied` was given. */
  readonly includeDenied: boolean;
}

/** Quarantine reasons that mean "this address names no workload without cluster state". */
const NEEDS_CLUSTER_STATE = /no cluster state|resolves to no pod|no pod or node held|never seen with a pod name/;
/** Quarantine reasons that mean "several pods held the address". */
const AMBIGUOUS_ADDRESS = /several pods|several workloads/;
/** Formats whose records name endpoints by IP address only. */
const IP_ONLY_FORMATS: Readonly<Record<string, string>> = {
  'aws-vpc-cni': 'AWS VPC CNI logs carry only IPs',
  calico: 'Calico felix syslog lines carry only IPs',
  antrea: 'Antrea np.log lines name one side by IP only',
};

/** The refusal line: what became of the records, then what to do. */
export function emptyInputMessage(facts: EmptyInputFacts): string {
  const { input } = facts;
  const quarantinedBy = (pattern: RegExp) => Object.entries(input.quarantined.byReason).reduce((sum, [reason, count]) => (pattern.test(reason) ? sum + count : sum), 0);
  const parts = [
    `${input.records} records read`,
    `${input.deadLetters.count} dead-lettered`,
    `${input.quarantined.count} held aside unresolved`,
    `${input.skipped.count} skipped`,
    `${input.flows} flows (${input.deniedFlows} denied, ${facts.icmpFlows} ICMP only)`,
  ];
  const account = `the input holds no allowed traffic, so policies from it would deny everything (rule 16): ${parts.join(', ')}`;
  return `${account}; ${advice(facts, quarantinedBy)}`;
}

function advice(facts: EmptyInputFacts, quarantinedBy: (pattern: RegExp) => number): string {
  const { input } = facts;
  if (input.records === 0) return 'the input is empty: check the --flows paths (or what was piped to stdin)';
  const unknownFormat = facts.recordsByFormat?.['unknown'] ?? 0;
  if (unknownFormat * 2 > input.records) {
    const example = input.deadLetters.examples[0];
    return `${unknownFormat} of the records are no flow-log format Palisade reads (Hubble, Calico, AWS VPC CNI, Antrea, NetObserv JSON lines)${example ? ` (${example.source}:${example.line}: ${example.reason})` : ''}: check the file and --format`;
  }
  if (input.deadLetters.count * 2 > input.records) {
    const example = input.deadLetters.examples[0];
    return `most records are malformed${example ? ` (${example.source}:${example.line}: ${example.reason})` : ''}: see --dead-letter FILE for every one`;
  }
  const needsCluster = quarantinedBy(NEEDS_CLUSTER_STATE);
  if (needsCluster > 0 && !facts.clusterState) {
    const format = Object.keys(IP_ONLY_FORMATS).find((name) => (facts.recordsByFormat?.[name] ?? 0) > 0);
    const why = format ? (IP_ONLY_FORMATS[format] as string) : `${needsCluster} records name endpoints by address only`;
    return `${why}: give --cluster FILE (kubectl get pods,deployments,replicasets,statefulsets,daemonsets,services,endpointslices -A -o yaml) so addresses resolve to workloads`;
  }
  if (needsCluster > 0) return `${needsCluster} records name addresses no pod in the --cluster file held at their time: export the cluster state from the time the flows were recorded`;
  const ambiguous = quarantinedBy(AMBIGUOUS_ADDRESS);
  if (ambiguous > 0) return `${ambiguous} records name an address several pods held at their time (a duplicate pod IP in the cluster state): fix or narrow the --cluster file`;
  if (input.quarantined.count > 0 && input.flows === 0) {
    const [reason] = Object.entries(input.quarantined.byReason).sort(([, a], [, b]) => b - a)[0] ?? [];
    return `every flow was held aside (most: ${reason ?? 'see report'}): see the quarantine reasons above`;
  }
  if (input.flows === 0 && input.skipped.count > 0 && input.skipped.count + input.quarantined.count + input.deadLetters.count >= input.records) {
    const [reason] = Object.entries(input.skipped.byReason).sort(([, a], [, b]) => b - a)[0] ?? [];
    return `every record was skipped as carrying no connection to learn from (most: ${reason ?? 'see report'}): give flows of the workloads' own traffic`;
  }
  if (input.flows > 0 && input.deniedFlows === input.flows && !facts.includeDenied)
    return 'every flow was denied: denied flows never teach (rule 14); give --include-denied if that traffic should be allowed';
  if (facts.icmpFlows > 0 && facts.icmpFlows + input.deniedFlows >= input.flows) return 'NetworkPolicy cannot express ICMP, so ICMP-only traffic teaches no rule: collect TCP, UDP or SCTP traffic';
  if (input.unattributedFlows > 0 && input.unattributedFlows >= input.flows) return `none of the ${input.flows} flows has a known workload at either end: give --cluster FILE so addresses resolve`;
  return 'collect flows for longer or check the input';
}

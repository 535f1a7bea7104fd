import { createHash } from 'node:crypto';

/** Longest object name the API server accepts (DNS-1123 subdomain). */
const MAX_NAME_LENGTH = 253;

/** Prefix of every policy Palisade owns (rule 1). */
export const POLICY_NAME_PREFIX = 'palisade-';

/** Name of the per-namespace default-deny policy (rule 18). */
export const DEFAULT_DENY_POLICY_NAME = 'palisade-default-deny';

/**
 * `palisade-<base>`, shortened with a hash suffix when longer than 253 characters, so two long
 * names never collide after truncation.
 */
export function policyName(base: string): string {
  const name = `${POLICY_NAME_PREFIX}${base}`;
  if (name.length <= MAX_NAME_LENGTH) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 10);
  return `${name.slice(0, MAX_NAME_LENGTH - hash.length - 1).replace(/[-.]+$/, '')}-${hash}`;
}

/**
 * Policy names for the workloads of one namespace: `palisade-<name>`, or
 * `palisade-<kind>-<name>` when two kinds share a name (a Deployment and a CronJob both called
 * `report`), and never the default-deny name.
 */
export function policyNamesForNamespace(workloads: readonly { kind: string; name: string }[]): Map<string, string> {
  const byName = new Map<string, number>();
  for (const workload of workloads) byName.set(workload.name, (byName.get(workload.name) ?? 0) + 1);
  const names = new Map<string, string>();
  for (const workload of workloads) {
    const ambiguous = (byName.get(workload.name) ?? 0) > 1 || `${POLICY_NAME_PREFIX}${workload.name}` === DEFAULT_DENY_POLICY_NAME;
    const base = ambiguous ? `${workload.kind.toLowerCase()}-${workload.name}` : workload.name;
    names.set(`${workload.kind}/${workload.name}`, policyName(base));
  }
  return names;
}

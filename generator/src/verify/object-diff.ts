import type { V1NetworkPolicy } from '@kubernetes/client-node';
import { createTwoFilesPatch } from 'diff';
import yaml from 'js-yaml';
import type { ManifestIngressRule } from '../evaluator/ingress-peers.js';
import { ingressPeers } from '../evaluator/ingress-peers.js';
import { policyKey } from '../evaluator/policy-model.js';

/**
 * Object-level diff of two policy sets (`palisade diff`): which policies are added, removed or
 * changed, keyed by `namespace/name`, with a unified YAML diff per changed policy. Both sides are
 * normalized first (server-set metadata dropped, API defaults filled in, keys sorted), so a policy
 * read back from the cluster equals the file it was applied from.
 */

/** One added, removed or changed policy. */
export interface PolicyObjectChange {
  /** `namespace/name`. */
  readonly key: string;
  readonly change: 'added' | 'removed' | 'changed';
  /** Normalized YAML of the current policy (absent when added). */
  readonly currentYaml?: string;
  /** Normalized YAML of the proposed policy (absent when removed). */
  readonly proposedYaml?: string;
  /** Unified diff from current to proposed (every line added or removed for added/removed policies). */
  readonly diff: string;
}

/** Result of {@link diffPolicyObjects}, each list in key order. */
export interface ObjectDiff {
  readonly added: readonly PolicyObjectChange[];
  readonly removed: readonly PolicyObjectChange[];
  readonly changed: readonly PolicyObjectChange[];
  readonly unchanged: number;
}

// Fields the API server writes; they say nothing about what the policy allows.
const SERVER_METADATA = ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds'];
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function withDefaults(rules: unknown, peerField: 'from' | 'to'): Json[] | undefined {
  if (!Array.isArray(rules)) return undefined;
  return rules.map((rule: Record<string, unknown>) => {
    const out: Record<string, Json> = {};
    const peers = peerField === 'from' ? ingressPeers(rule as ManifestIngressRule) : rule['to'];
    if (peers !== undefined) out[peerField] = peers as Json;
    if (Array.isArray(rule['ports']))
      // The API server defaults a port's protocol to TCP.
      out['ports'] = rule['ports'].map((port: Record<string, Json>) => ({ protocol: 'TCP', ...port }));
    return out;
  });
}

/** The policy as plain manifest data, without server fields, with API defaults applied. */
export function normalizePolicy(policy: V1NetworkPolicy): Record<string, Json> {
  const metadata: Record<string, Json> = { ...(JSON.parse(JSON.stringify(policy.metadata ?? {})) as Record<string, Json>) };
  for (const field of SERVER_METADATA) delete metadata[field];
  if (metadata['namespace'] === undefined) metadata['namespace'] = 'default';
  const annotations = metadata['annotations'] as Record<string, Json> | undefined;
  if (annotations !== undefined) {
    delete annotations[LAST_APPLIED];
    if (Object.keys(annotations).length === 0) delete metadata['annotations'];
  }
  const spec = (policy.spec ?? {}) as unknown as Record<string, unknown>;
  const ingress = withDefaults(spec['ingress'], 'from');
  const egress = withDefaults(spec['egress'], 'to');
  // policyTypes defaulting as in the API server: Ingress, plus Egress when there are egress rules.
  const declared = spec['policyTypes'] as string[] | undefined;
  const policyTypes = declared !== undefined && declared.length > 0 ? declared : egress !== undefined && egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  const normalizedSpec: Record<string, Json> = { podSelector: (spec['podSelector'] ?? {}) as Json, policyTypes };
  if (ingress !== undefined) normalizedSpec['ingress'] = ingress;
  if (egress !== undefined) normalizedSpec['egress'] = egress;
  return JSON.parse(
    JSON.stringify({ apiVersion: policy.apiVersion ?? 'networking.k8s.io/v1', kind: policy.kind ?? 'NetworkPolicy', metadata, spec: normalizedSpec }),
  ) as Record<string, Json>;
}

/** Normalized YAML of a policy, keys sorted so equal policies print equally. */
export function normalizedPolicyYaml(policy: V1NetworkPolicy): string {
  return yaml.dump(normalizePolicy(policy), { sortKeys: true, noRefs: true, lineWidth: 120 });
}

function unifiedDiff(key: string, before: string, after: string): string {
  const patch = createTwoFilesPatch(`current/${key}.yaml`, `proposed/${key}.yaml`, before, after, undefined, undefined, { context: 3 });
  // Drop the "=====" separator and the tabs of empty headers: the diff is embedded in reports.
  return patch
    .split('\n')
    .filter((line) => !/^=+$/.test(line))
    .map((line) => (line.startsWith('--- ') || line.startsWith('+++ ') ? line.replace(/\t$/, '') : line))
    .join('\n');
}

function byKey(policies: readonly V1NetworkPolicy[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const policy of policies) map.set(policyKey(policy), normalizedPolicyYaml(policy));
  return map;
}

/** Compares two policy sets by `namespace/name`. */
export function diffPolicyObjects(current: readonly V1NetworkPolicy[], proposed: readonly V1NetworkPolicy[]): ObjectDiff {
  const before = byKey(current);
  const after = byKey(proposed);
  const keys = [...new Set([...before.keys(), ...after.keys()])].sort();
  const added: PolicyObjectChange[] = [];
  const removed: PolicyObjectChange[] = [];
  const changed: PolicyObjectChange[] = [];
  let unchanged = 0;
  for (const key of keys) {
    const currentYaml = before.get(key);
    const proposedYaml = after.get(key);
    if (currentYaml === undefined && proposedYaml !== undefined) added.push({ key, change: 'added', proposedYaml, diff: unifiedDiff(key, '', proposedYaml) });
    else if (proposedYaml === undefined && currentYaml !== undefined) removed.push({ key, change: 'removed', currentYaml, diff: unifiedDiff(key, currentYaml, '') });
    else if (currentYaml !== proposedYaml && currentYaml !== undefined && proposedYaml !== undefined)
      changed.push({ key, change: 'changed', currentYaml, proposedYaml, diff: unifiedDiff(key, currentYaml, proposedYaml) });
    else unchanged += 1;
  }
  return { added, removed, changed, unchanged };
}

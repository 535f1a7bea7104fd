import type { Endpoint, Flow, WorkloadKind } from '@palisade/collector';
import { clusterStateFromObjects } from '@palisade/collector';
import type { ClusterState } from '@palisade/collector';
import { foldFlows } from '@palisade/baseliner';
import type { SynthesisOptions } from '../synthesis-options.js';
import { synthesisOptions } from '../synthesis-options.js';
import type { SynthesisResult } from '../synthesis-result.js';
import { synthesizePolicies } from '../policy-synthesis.js';

/** Small builders for synthesis tests: flows between named workloads, and cluster objects. */

const HOUR = 3_600_000;
/** A fixed instant for test flows: 2026-01-01T00:00:00Z. */
export const T0 = Date.UTC(2026, 0, 1);

/** A pod endpoint of a workload, with the labels its pods carry. */
export function pod(namespace: string, name: string, labels: Record<string, string> = { app: name }, kind: WorkloadKind = 'Deployment'): Endpoint {
  return { kind: 'pod', namespace, pod: `${name}-7d4b9c8f6d-x2x9z`, labels, workload: { kind, name } };
}

/** A non-pod endpoint. */
export function address(kind: 'world' | 'host' | 'node' | 'apiserver', ip: string): Endpoint {
  return { kind, ip };
}

/** An allowed TCP flow; `hours` after T0. */
export function flow(source: Endpoint, destination: Endpoint, port: number | undefined, overrides: Partial<Flow> = {}): Flow {
  return {
    time: T0,
    source,
    destination,
    protocol: 'TCP',
    ...(port !== undefined ? { port } : {}),
    verdict: 'allowed',
    format: 'hubble',
    count: 1,
    ...overrides,
  };
}

/** The same flow observed at the start and 25 hours later, so the 24h window is met. */
export function longFlow(source: Endpoint, destination: Endpoint, port: number | undefined, overrides: Partial<Flow> = {}): Flow[] {
  return [flow(source, destination, port, overrides), flow(source, destination, port, { ...overrides, time: T0 + 25 * HOUR })];
}

/** Folds the flows and synthesises with the given options. */
export function synthesize(flows: readonly Flow[], options: Partial<SynthesisOptions> = {}, cluster?: ClusterState): SynthesisResult {
  const { baseline } = foldFlows(flows);
  return synthesizePolicies({ baseline, options: synthesisOptions(options), ...(cluster ? { cluster } : {}) });
}

/** The policy for a workload (`palisade-<name>` in the namespace). */
export function policyOf(result: SynthesisResult, namespace: string, name: string) {
  const plan = result.policies.find((candidate) => candidate.namespace === namespace && candidate.name === `palisade-${name}`);
  if (plan === undefined) throw new Error(`no policy palisade-${name} in ${namespace}; have ${result.policies.map((p) => `${p.namespace}/${p.name}`).join(', ')}`);
  return plan.policy;
}

/** A Deployment with its ReplicaSet and pods, as `kubectl get -o yaml` shows them. */
export function deploymentObjects(
  namespace: string,
  name: string,
  options: { selector?: Record<string, string>; podLabels?: Record<string, string>; ports?: { name?: string; containerPort: number; protocol?: string }[]; ips?: string[] } = {},
): object[] {
  const selector = options.selector ?? { app: name };
  const labels = { ...selector, ...options.podLabels, 'pod-template-hash': '7d4b9c8f6d' };
  const ips = options.ips ?? ['10.244.1.10'];
  return [
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace }, spec: { selector: { matchLabels: selector }, template: { metadata: { labels: { ...selector, ...options.podLabels } } } } },
    { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: `${name}-7d4b9c8f6d`, namespace, ownerReferences: [{ kind: 'Deployment', name, controller: true }] } },
    ...ips.map((ip, index) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `${name}-7d4b9c8f6d-${'bcdfg'.slice(0, 4)}${'bcdfghjklm'[index]}`, namespace, labels, ownerReferences: [{ kind: 'ReplicaSet', name: `${name}-7d4b9c8f6d`, controller: true }] },
      spec: { containers: [{ name: 'main', ports: options.ports ?? [] }] },
      status: { podIP: ip },
    })),
  ];
}

/** A cluster state from objects. */
export function cluster(...objects: object[][]): ClusterState {
  return clusterStateFromObjects(objects.flat());
}

import type { Endpoint, Flow } from '@palisade/collector';
import { canonicalIp, workloadId } from '@palisade/collector';
import type { Decision, EvaluationEndpoint } from './evaluator.js';
import { evaluate } from './evaluator.js';
import type { EvaluationModel, EvaluationPod } from './policy-model.js';

/**
 * Replaying the collector's {@link Flow} records through the evaluator: each flow endpoint becomes
 * an evaluator endpoint. The flow's own identity decides which pod it was, its address only
 * confirms it:
 *
 * 1. the pod the flow names (namespace and pod name), when the model has it;
 * 2. else the pod that holds the flow's address, but only when exactly one pod holds it and that
 *    pod is of the flow's own identity (its namespace, its workload, and the labels the flow
 *    carries). Addresses lie: Cilium's host/proxy address (10.244.0.148 in the bookinfo sample) is
 *    carried by flows of several pods, so the first pod seen with it judged every later flow as
 *    itself (ratings → productpage became productpage → productpage, and was denied);
 * 3. else a pod of the flow's workload that carries the flow's labels (pods of one workload differ
 *    during a rollout), or any pod of it when the flow carries no labels;
 * 4. else a pod made up from the flow's own labels, so flows verify even without a cluster snapshot.
 */

/** How a flow endpoint was mapped to the model. */
export type EndpointResolution = 'pod-name' | 'pod-ip' | 'workload' | 'flow-labels' | 'address';

/** An evaluator endpoint and how it was found. */
export interface ResolvedEndpoint {
  readonly endpoint: EvaluationEndpoint;
  readonly resolution: EndpointResolution;
}

function podFromFlowLabels(model: EvaluationModel, endpoint: Endpoint, namespace: string): EvaluationPod {
  const name = endpoint.pod ?? endpoint.workload?.name ?? endpoint.ip ?? 'unknown';
  const labels = endpoint.labels ?? {};
  // One made-up pod per identity, so the selecting policies are computed once, not per flow.
  const key = `${namespace}/${name}/${endpoint.ip ?? ''}/${endpoint.node ?? ''}/${JSON.stringify(labels)}`;
  return model.memo.syntheticPod(key, () => ({
    namespace,
    name,
    labels,
    ips: endpoint.ip === undefined ? [] : [endpoint.ip],
    ...(endpoint.node === undefined ? {} : { node: endpoint.node }),
    ...(endpoint.workload === undefined ? {} : { workload: endpoint.workload }),
    containerPorts: [],
  }));
}

/** The one pod of the model that holds `ip`; undefined when none or several do. */
function soleHolder(model: EvaluationModel, ip: string): EvaluationPod | undefined {
  const holders = model.podsByIp.get(canonicalIp(ip));
  return holders?.length === 1 ? holders[0] : undefined;
}

/** True when every label the flow carries is on the pod (the pod may carry more, e.g. `pod-template-hash`). */
function carriesLabels(pod: EvaluationPod, labels: Readonly<Record<string, string>>): boolean {
  for (const key in labels) if (pod.labels[key] !== labels[key]) return false;
  return true;
}

/** True when the pod is what the flow says its endpoint is: namespace, workload, labels. */
function isOfIdentity(pod: EvaluationPod, endpoint: Endpoint, namespace: string): boolean {
  if (pod.namespace !== namespace) return false;
  const workload = endpoint.workload;
  if (workload !== undefined && (pod.workload?.kind !== workload.kind || pod.workload.name !== workload.name)) return false;
  return endpoint.labels === undefined || carriesLabels(pod, endpoint.labels);
}

/**
 * A pod of the workload standing for a flow endpoint: the first that carries the flow's labels
 * (any pod when the flow has none); undefined when the model has no such pod. Remembered per
 * workload and label set, since millions of flows ask the same few questions.
 */
function podOfWorkload(model: EvaluationModel, workload: string, labels: Readonly<Record<string, string>> | undefined): EvaluationPod | undefined {
  const pods = model.podsByWorkload.get(workload);
  const first = pods?.[0];
  if (pods === undefined || first === undefined) return undefined;
  if (labels === undefined || carriesLabels(first, labels)) return first;
  return model.memo.podOfWorkload(`${workload}\u0000${JSON.stringify(labels)}`, () => pods.find((pod) => carriesLabels(pod, labels)));
}

/**
 * Maps one flow endpoint: `pod` → a pod of the model (or one made from the flow's labels); `host`
 * → the local node (the node of the pod at the other end); `node` → another node, known by name
 * and address; `world`, `apiserver` and `unknown` → an address.
 */
export function endpointFromFlow(model: EvaluationModel, endpoint: Endpoint): ResolvedEndpoint {
  const ip = endpoint.ip;
  switch (endpoint.kind) {
    case 'pod': {
      const namespace = endpoint.namespace ?? 'default';
      if (endpoint.pod !== undefined) {
        const pod = model.podsByName.get(`${namespace}/${endpoint.pod}`);
        // `ip` may be undefined: the pod's own IPs then stand for it.
        if (pod !== undefined) return { endpoint: { kind: 'pod', pod, ip }, resolution: 'pod-name' };
      }
      if (ip !== undefined) {
        const pod = soleHolder(model, ip);
        if (pod !== undefined && isOfIdentity(pod, endpoint, namespace)) return { endpoint: { kind: 'pod', pod, ip }, resolution: 'pod-ip' };
      }
      if (endpoint.workload !== undefined) {
        const pod = podOfWorkload(model, workloadId(namespace, endpoint.workload), endpoint.labels);
        if (pod !== undefined) return { endpoint: { kind: 'pod', pod, ...(ip === undefined ? {} : { ip }) }, resolution: 'workload' };
      }
      const pod = podFromFlowLabels(model, endpoint, namespace);
      return { endpoint: { kind: 'pod', pod, ...(ip === undefined ? {} : { ip }) }, resolution: 'flow-labels' };
    }
    case 'host':
      return { endpoint: { kind: 'node', local: true, ...(endpoint.node === undefined ? {} : { name: endpoint.node }), ...(ip === undefined ? {} : { ip }) }, resolution: 'address' };
    case 'node':
      return { endpoint: { kind: 'node', ...(endpoint.node === undefined ? {} : { name: endpoint.node }), ...(ip === undefined ? {} : { ip }) }, resolution: 'address' };
    case 'world':
    case 'apiserver':
    case 'unknown':
      return { endpoint: { kind: 'address', ...(ip === undefined ? {} : { ip }) }, resolution: 'address' };
  }
}

/** Decides one observed flow. */
export function evaluateFlow(model: EvaluationModel, flow: Flow): Decision {
  return evaluate(model, {
    source: endpointFromFlow(model, flow.source).endpoint,
    destination: endpointFromFlow(model, flow.destination).endpoint,
    protocol: flow.protocol,
    ...(flow.port === undefined ? {} : { port: flow.port }),
  });
}

/**
 * Pods as the flows show them, one per `namespace/pod` (or per workload when the pod name is not
 * logged), for building a model without a cluster snapshot. Each carries the addresses its flows
 * used, except addresses that flows also show for another workload or for a node: those belong to
 * no one pod (Cilium's host/proxy address, a node address, a reused IP), so they must not decide
 * whose a later flow was. Container ports are not in flow logs, so named ports match nothing
 * against these pods.
 */
export function podsFromFlows(flows: Iterable<Flow>): EvaluationPod[] {
  const pods = new Map<string, Omit<EvaluationPod, 'ips'> & { ips: Set<string> }>();
  // Canonical address → the one identity seen with it, or null once a second one is.
  const holders = new Map<string, string | null>();
  const seen = (ip: string, identity: string): void => {
    const known = holders.get(ip);
    if (known === undefined) holders.set(ip, identity);
    else if (known !== null && known !== identity) holders.set(ip, null);
  };
  for (const flow of flows) {
    for (const endpoint of [flow.source, flow.destination]) {
      const ip = endpoint.ip === undefined ? undefined : canonicalIp(endpoint.ip);
      if (endpoint.kind !== 'pod' || endpoint.namespace === undefined || endpoint.workload === undefined) {
        if (ip !== undefined) seen(ip, endpoint.kind);
        continue;
      }
      if (ip !== undefined) seen(ip, workloadId(endpoint.namespace, endpoint.workload));
      const name = endpoint.pod ?? endpoint.workload.name;
      const key = `${endpoint.namespace}/${name}`;
      const known = pods.get(key);
      if (known !== undefined) {
        if (ip !== undefined) known.ips.add(ip);
        continue;
      }
      pods.set(key, {
        namespace: endpoint.namespace,
        name,
        labels: endpoint.labels ?? {},
        ips: new Set(ip === undefined ? [] : [ip]),
        ...(endpoint.node === undefined ? {} : { node: endpoint.node }),
        workload: endpoint.workload,
        containerPorts: [],
      });
    }
  }
  return [...pods.values()].map((pod) => ({ ...pod, ips: [...pod.ips].filter((ip) => holders.get(ip) !== null) }));
}

import type { Endpoint, Flow } from '@palisade/collector';
import { canonicalIp, workloadId } from '@palisade/collector';
import type { Decision, EvaluationEndpoint } from './evaluator.js';
import { evaluate } from './evaluator.js';
import type { EvaluationModel, EvaluationPod } from './policy-model.js';

/**
 * Replaying the collector's {@link Flow} records through the evaluator: each flow endpoint becomes
 * an evaluator endpoint. A pod is found in the model by namespace and pod name, else by IP (within
 * its namespace when the flow says it), else through a pod of its workload; failing all that, it is
 * made up from the flow's own labels, so flows verify even without a cluster snapshot.
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
        const pod = model.podsByIp.get(canonicalIp(ip))?.find((candidate) => candidate.namespace === namespace);
        if (pod !== undefined) return { endpoint: { kind: 'pod', pod, ip }, resolution: 'pod-ip' };
      }
      // A named pod missing from the snapshot is best described by its own labels from the flow;
      // a workload-only endpoint (pod name not logged) by a pod of that workload.
      const preferFlowLabels = endpoint.pod !== undefined && endpoint.labels !== undefined;
      if (endpoint.workload !== undefined && !preferFlowLabels) {
        const pod = model.podsByWorkload.get(workloadId(namespace, endpoint.workload))?.[0];
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
 * logged), for building a model without a cluster snapshot. Container ports are not in flow logs,
 * so named ports match nothing against these pods.
 */
export function podsFromFlows(flows: Iterable<Flow>): EvaluationPod[] {
  const pods = new Map<string, EvaluationPod>();
  for (const flow of flows) {
    for (const endpoint of [flow.source, flow.destination]) {
      if (endpoint.kind !== 'pod' || endpoint.namespace === undefined || endpoint.workload === undefined) continue;
      const name = endpoint.pod ?? endpoint.workload.name;
      const key = `${endpoint.namespace}/${name}`;
      if (pods.has(key)) continue;
      pods.set(key, {
        namespace: endpoint.namespace,
        name,
        labels: endpoint.labels ?? {},
        ips: endpoint.ip === undefined ? [] : [endpoint.ip],
        ...(endpoint.node === undefined ? {} : { node: endpoint.node }),
        workload: endpoint.workload,
        containerPorts: [],
      });
    }
  }
  return [...pods.values()];
}

import type { ClusterState, PortProtocol } from '@palisade/collector';
import { selectorMatches } from '../evaluator/label-selector.js';
import type { KnownWorkload } from './workload-catalog.js';

/**
 * The port the destination pods really listen on (rule 8). Most CNIs check NetworkPolicy after
 * Service translation, so a rule must name the pod's port. When a log shows the Service's port
 * instead (it was taken before translation), and the destination's pods do not declare that port
 * but a Service selecting them maps it to a target port, the target port is returned.
 */
export function listenerPort(
  destination: KnownWorkload,
  protocol: PortProtocol,
  port: number,
  cluster: ClusterState | undefined,
): { port: number; viaService?: string } {
  if (cluster === undefined || destination.podLabels.length === 0) return { port };
  const pods = cluster.pods.filter(
    (pod) => pod.namespace === destination.namespace && pod.workload.kind === destination.workload.kind && pod.workload.name === destination.workload.name,
  );
  const declared = pods.flatMap((pod) => pod.containerPorts).filter((containerPort) => containerPort.protocol === protocol);
  if (declared.some((containerPort) => containerPort.port === port)) return { port };
  for (const service of cluster.services) {
    if (service.namespace !== destination.namespace || service.selector === undefined) continue;
    const selector = { matchLabels: service.selector };
    if (!destination.podLabels.every((labels) => selectorMatches(selector, labels))) continue;
    const servicePort = service.ports.find((candidate) => candidate.port === port && candidate.protocol === protocol);
    if (servicePort === undefined) continue;
    const target = servicePort.targetPort ?? servicePort.port;
    const resolved = typeof target === 'number' ? target : declared.find((containerPort) => containerPort.name === target)?.port;
    if (resolved !== undefined && resolved !== port) return { port: resolved, viaService: `${service.namespace}/${service.name}` };
  }
  return { port };
}

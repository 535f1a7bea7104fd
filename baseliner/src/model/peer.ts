import type { Endpoint, WorkloadRef } from '@palisade/collector';
import { workloadId } from '@palisade/collector';

/**
 * One side of an edge in the baseline: a workload (all pods of one owner), or a peer outside the
 * pod network known by address: the internet (`world`), the local node or a host-network pod
 * (`host`), another node (`node`), or the Kubernetes API server.
 */
export type Peer = WorkloadPeer | AddressPeer;

/** A workload: `namespace/Kind/name`. */
export interface WorkloadPeer {
  readonly kind: 'workload';
  readonly namespace: string;
  readonly workload: WorkloadRef;
}

/** A non-pod endpoint known by its address (absent when the log did not carry one). */
export interface AddressPeer {
  readonly kind: 'world' | 'host' | 'node' | 'apiserver';
  readonly ip?: string;
}

/**
 * Stable string id of a peer, used as map key, Redis field and in reports:
 * `ns/Kind/name` for workloads, `world:203.0.113.7`, `node:10.0.0.5`, `host`, ...
 */
export function peerId(peer: Peer): string {
  if (peer.kind === 'workload') return workloadId(peer.namespace, peer.workload);
  return peer.ip === undefined ? peer.kind : `${peer.kind}:${peer.ip}`;
}

const ADDRESS_KINDS: ReadonlySet<string> = new Set(['world', 'host', 'node', 'apiserver']);

/** Inverse of {@link peerId}; undefined for a string that is not a peer id. */
export function parsePeerId(id: string): Peer | undefined {
  const colon = id.indexOf(':');
  const head = colon === -1 ? id : id.slice(0, colon);
  if (ADDRESS_KINDS.has(head)) {
    const kind = head as AddressPeer['kind'];
    return colon === -1 ? { kind } : { kind, ip: id.slice(colon + 1) };
  }
  const [namespace, kind, name, ...rest] = id.split('/');
  if (namespace === undefined || kind === undefined || name === undefined || rest.length > 0) return undefined;
  if (!['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'Job', 'Pod'].includes(kind)) return undefined;
  return { kind: 'workload', namespace, workload: { kind: kind as WorkloadRef['kind'], name } };
}

/** The peer a flow endpoint stands for; undefined when it is `unknown` (nothing to learn from). */
export function peerOfEndpoint(endpoint: Endpoint): Peer | undefined {
  switch (endpoint.kind) {
    case 'pod':
      if (endpoint.namespace === undefined || endpoint.workload === undefined) return undefined;
      return { kind: 'workload', namespace: endpoint.namespace, workload: endpoint.workload };
    case 'world':
    case 'host':
    case 'node':
    case 'apiserver':
      return endpoint.ip === undefined ? { kind: endpoint.kind } : { kind: endpoint.kind, ip: endpoint.ip };
    case 'unknown':
      return undefined;
  }
}

/** True for a workload peer. */
export function isWorkloadPeer(peer: Peer): peer is WorkloadPeer {
  return peer.kind === 'workload';
}

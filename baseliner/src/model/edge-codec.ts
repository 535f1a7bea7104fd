import type { Protocol, Verdict } from '@palisade/collector';
import type { WorkloadObservation } from './baseline.js';
import type { Edge, EdgeEvidence } from './edge.js';
import type { Peer, WorkloadPeer } from './peer.js';
import { parsePeerId, peerId } from './peer.js';

/**
 * The compact string forms of edges and observations in a store: the edge key as field
 * (`src|dst|proto|port`, see `edgeKey`) and `first|last|flows|denied|verdict` as value.
 * Plain strings, so a Lua script can merge them without a JSON library and a hash holds
 * thousands of them cheaply. `|` never occurs in peer ids (Kubernetes names and IPs).
 */

const PROTOCOLS: ReadonlySet<string> = new Set(['TCP', 'UDP', 'SCTP', 'ICMPv4', 'ICMPv6']);
const VERDICTS: ReadonlySet<string> = new Set(['allowed', 'denied', 'unknown']);

/** The parts of an edge's value, in order: first, last, flows, denied, verdict (a script's ARGV too). */
export function edgeValueParts(edge: EdgeEvidence): [number, number, number, number, Verdict] {
  return [edge.firstSeen, edge.lastSeen, edge.flows, edge.deniedFlows, edge.lastVerdict];
}

/** The value string of an edge's evidence. */
export function encodeEdgeValue(edge: EdgeEvidence): string {
  return edgeValueParts(edge).join('|');
}

/** Edge from its field and value; undefined when either is malformed (never written by Palisade). */
export function decodeEdge(field: string, value: string): Edge | undefined {
  const [source, destination, protocol, port, ...rest] = field.split('|');
  const [first, last, flows, denied, verdict] = value.split('|');
  if (rest.length > 0 || source === undefined || destination === undefined || protocol === undefined || port === undefined) return undefined;
  const sourcePeer = parsePeerId(source);
  const destinationPeer = parsePeerId(destination);
  if (!sourcePeer || !destinationPeer || !PROTOCOLS.has(protocol) || verdict === undefined || !VERDICTS.has(verdict)) return undefined;
  const numbers = [first, last, flows, denied].map(Number);
  if (numbers.some((number) => !Number.isFinite(number))) return undefined;
  const [firstSeen, lastSeen, flowCount, deniedFlows] = numbers as [number, number, number, number];
  return {
    source: sourcePeer,
    destination: destinationPeer,
    protocol: protocol as Protocol,
    ...(port === '' ? {} : { port: Number(port) }),
    firstSeen,
    lastSeen,
    flows: flowCount,
    deniedFlows,
    lastVerdict: verdict as Verdict,
  };
}

/** The parts of an observation's value, in order: first, last, flows, labels-json (a script's ARGV too). */
export function observationValueParts(observation: WorkloadObservation): [number, number, number, string] {
  return [observation.firstSeen, observation.lastSeen, observation.flows, JSON.stringify(observation.labels)];
}

/** `first|last|flows|labels-json` of an observation. */
export function encodeObservationValue(observation: WorkloadObservation): string {
  return observationValueParts(observation).join('|');
}

/** Observation from its workload id and value; undefined when malformed. */
export function decodeObservation(id: string, value: string): WorkloadObservation | undefined {
  const peer = parsePeerId(id);
  const match = /^([^|]*)\|([^|]*)\|([^|]*)\|(.*)$/s.exec(value);
  if (!peer || peer.kind !== 'workload' || !match) return undefined;
  let labels: unknown;
  try {
    labels = JSON.parse(match[4] as string);
  } catch {
    return undefined;
  }
  // cjson encodes an empty Lua table as `{}`, but be lenient with `[]` too.
  const clean = Array.isArray(labels) ? {} : (labels as Record<string, string>);
  const workload = peer as WorkloadPeer;
  return {
    namespace: workload.namespace,
    workload: workload.workload,
    labels: sortedLabels(clean),
    firstSeen: Number(match[1]),
    lastSeen: Number(match[2]),
    flows: Number(match[3]),
  };
}

/** Labels with keys in a stable order, so decoded observations compare equal whatever Lua did. */
function sortedLabels(labels: Record<string, string>): Record<string, string> {
  const sorted: Record<string, string> = {};
  for (const key of Object.keys(labels).sort()) sorted[key] = labels[key] as string;
  return sorted;
}

/**
 * The owner of an edge: the workload whose keys hold it. That is the destination when it is a
 * workload (the peer the Kafka key names, so one partition, and one replica, usually writes each
 * owner), else the source workload (an egress edge to the internet belongs to the workload that
 * calls out: the baseline stays per workload, and thousands of internet addresses do not each
 * cost a key and a script call per flush), else the destination peer.
 */
export function edgeOwner(edge: Pick<Edge, 'source' | 'destination'>): string {
  return ownerOfPeers(edge.source, edge.destination);
}

/** Owner id of an edge between two peers (see {@link edgeOwner}). */
export function ownerOfPeers(source: Peer, destination: Peer): string {
  return peerId(ownerSide(source, destination) === 'destination' ? destination : source);
}

/** Which side of an edge between two peers owns it (see {@link edgeOwner}). */
export function ownerSide(source: Peer, destination: Peer): 'source' | 'destination' {
  return destination.kind === 'workload' || source.kind !== 'workload' ? 'destination' : 'source';
}

import type { V1NetworkPolicyPort } from '@kubernetes/client-node';
import type { ContainerPortInfo, PortProtocol, Protocol } from '@palisade/collector';
import { InputError } from '../errors.js';

/**
 * The `ports` of a NetworkPolicy rule
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/#targeting-a-range-of-ports):
 * a rule with no `ports` (absent or empty) matches every port and protocol; otherwise the
 * connection must match one entry. An entry's protocol defaults to TCP; a missing `port` means
 * every port of that protocol; `endPort` turns a numeric `port` into an inclusive range; a named
 * port matches the destination pod's container port of that name and protocol.
 */

/** One compiled `ports` entry. */
export interface CompiledPort {
  readonly protocol: PortProtocol;
  /** A number, a container port name, or undefined for every port of the protocol. */
  readonly port?: number | string;
  /** Inclusive end of a numeric range. */
  readonly endPort?: number;
}

/** Raised for a `ports` entry the API server would reject. */
export class InvalidPortError extends InputError {}

const PORT_PROTOCOLS: ReadonlySet<string> = new Set(['TCP', 'UDP', 'SCTP']);

/** Compiles one `ports` entry, applying the API defaults (protocol TCP). */
export function compilePort(entry: V1NetworkPolicyPort): CompiledPort {
  const protocol = entry.protocol ?? 'TCP';
  if (!PORT_PROTOCOLS.has(protocol)) throw new InvalidPortError(`unsupported protocol ${JSON.stringify(protocol)} (TCP, UDP or SCTP)`);
  const port = entry.port;
  if (entry.endPort !== undefined && typeof port !== 'number')
    throw new InvalidPortError('endPort needs a numeric port');
  if (entry.endPort !== undefined && typeof port === 'number' && entry.endPort < port)
    throw new InvalidPortError(`endPort ${entry.endPort} is below port ${port}`);
  return {
    protocol: protocol as PortProtocol,
    ...(port === undefined ? {} : { port }),
    ...(entry.endPort === undefined ? {} : { endPort: entry.endPort }),
  };
}

/**
 * True when the connection matches the entry. `destinationPorts` are the container ports of the
 * destination pod: named ports resolve against them, for ingress and egress rules alike, because a
 * name means "the port the receiving container calls so"; a destination that is not a pod has no
 * names, so a named port never matches it.
 */
export function portEntryMatches(
  entry: CompiledPort,
  protocol: Protocol,
  port: number | undefined,
  destinationPorts: readonly ContainerPortInfo[] | undefined,
): boolean {
  if (entry.protocol !== protocol) return false;
  if (entry.port === undefined) return true;
  if (port === undefined) return false;
  if (typeof entry.port === 'number') {
    return entry.endPort === undefined ? port === entry.port : port >= entry.port && port <= entry.endPort;
  }
  for (const declared of destinationPorts ?? []) {
    if (declared.name === entry.port && declared.protocol === protocol && declared.port === port) return true;
  }
  return false;
}

/**
 * True when the connection matches a rule's `ports`. Undefined or empty `ports` match everything,
 * ICMP included (a rule that names no port does not restrict the protocol); ports never match ICMP,
 * which NetworkPolicy cannot express.
 */
export function portsMatch(
  ports: readonly CompiledPort[] | undefined,
  protocol: Protocol,
  port: number | undefined,
  destinationPorts: readonly ContainerPortInfo[] | undefined,
): boolean {
  if (ports === undefined || ports.length === 0) return true;
  for (const entry of ports) if (portEntryMatches(entry, protocol, port, destinationPorts)) return true;
  return false;
}

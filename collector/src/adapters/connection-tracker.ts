import type { Protocol } from '../flow/flow.js';

/**
 * A bounded table of the connections already emitted and of the listening ports learned from
 * them. It lets an adapter turn one connection, reported at several observation points and as
 * request and reply, into one Flow, and orient records that carry no direction of their own.
 * Time is the flows' own time (not the wall clock), so replays behave like live input.
 */

/** Which way a record travels relative to its connection. */
export type Direction = 'request' | 'reply';

/** How a record's direction was decided, strongest first. */
export type OrientationEvidence =
  | 'reply-flag'
  | 'l7-type'
  | 'icmp-type'
  | 'tcp-flags'
  | 'known-connection'
  | 'listener-port'
  | 'port-heuristic';

/** A record's addresses as observed (not yet oriented). Ports are absent for ICMP. */
export interface ConnectionTuple {
  readonly protocol: Protocol;
  readonly sourceIp: string;
  readonly sourcePort?: number;
  readonly destinationIp: string;
  readonly destinationPort?: number;
}

/** What {@link ConnectionTracker.observe} found. */
export type ObservationResult =
  /** First record of this connection (or the first after it was idle): emit a flow. */
  | 'new'
  /** Another record of a connection already emitted. */
  | 'repeat'
  /** Another record of a connection already emitted as not denied, and this one was denied. */
  | 'newly-denied';

/** Options of {@link ConnectionTracker}. */
export interface ConnectionTrackerOptions {
  /**
   * A connection with no record for this long (flow time) is forgotten; a later record with the
   * same 5-tuple is a new connection. Two minutes is twice Linux's TIME_WAIT, after which a
   * 5-tuple may be reused.
   * @default 120000
   */
  readonly idleTimeoutMs?: number;
  /**
   * The most connections remembered; the least recently seen are forgotten first.
   * @default 200000
   */
  readonly maxConnections?: number;
  /**
   * The most listening ports remembered.
   * @default 100000
   */
  readonly maxListeners?: number;
}

interface ConnectionEntry {
  lastSeen: number;
  denied: boolean;
}

/**
 * The first port at which Linux hands out ephemeral (client) ports by default
 * (`net.ipv4.ip_local_port_range` = 32768–60999). A port at or above it is taken for a client's,
 * one below it for a server's, but only when the other side is on the opposite side of the line.
 */
export const EPHEMERAL_PORT_START = 32768;

/** The key of an oriented connection: initiator address and port → listener address and port. */
export function connectionKey(tuple: ConnectionTuple): string {
  return `${tuple.protocol} ${tuple.sourceIp} ${tuple.sourcePort ?? ''} ${tuple.destinationIp} ${tuple.destinationPort ?? ''}`;
}

/** The same connection seen from the other end. */
export function reverseTuple(tuple: ConnectionTuple): ConnectionTuple {
  return {
    protocol: tuple.protocol,
    sourceIp: tuple.destinationIp,
    ...(tuple.destinationPort !== undefined ? { sourcePort: tuple.destinationPort } : {}),
    destinationIp: tuple.sourceIp,
    ...(tuple.sourcePort !== undefined ? { destinationPort: tuple.sourcePort } : {}),
  };
}

/**
 * The last-resort orientation by port numbers: a port below the ephemeral range talking to one
 * inside it is the listener. Anything else (both low, both high, equal) stays undecided.
 */
export function orientByPorts(sourcePort: number | undefined, destinationPort: number | undefined): Direction | undefined {
  if (sourcePort === undefined || destinationPort === undefined) return undefined;
  const sourceEphemeral = sourcePort >= EPHEMERAL_PORT_START;
  const destinationEphemeral = destinationPort >= EPHEMERAL_PORT_START;
  if (sourceEphemeral && !destinationEphemeral) return 'request';
  if (!sourceEphemeral && destinationEphemeral) return 'reply';
  return undefined;
}

/** Connections already emitted and listening ports learned, bounded in time and size. */
export class ConnectionTracker {
  private readonly idleTimeoutMs: number;
  private readonly maxConnections: number;
  private readonly maxListeners: number;
  private readonly connections = new Map<string, ConnectionEntry>();
  private readonly listeners = new Set<string>();
  /** The latest flow time seen, for sweeping idle connections. */
  private latest = Number.NEGATIVE_INFINITY;

  constructor(options: ConnectionTrackerOptions = {}) {
    this.idleTimeoutMs = options.idleTimeoutMs ?? 120_000;
    this.maxConnections = options.maxConnections ?? 200_000;
    this.maxListeners = options.maxListeners ?? 100_000;
  }

  /** How many connections are remembered now. */
  get size(): number {
    return this.connections.size;
  }

  /** Whether the oriented connection `key` has been emitted and is not idle at `time`. */
  isKnown(key: string, time: number): boolean {
    const entry = this.connections.get(key);
    return entry !== undefined && Math.abs(time - entry.lastSeen) <= this.idleTimeoutMs;
  }

  /** Whether `ip` was seen listening on `port`. */
  isListener(ip: string, protocol: Protocol, port: number | undefined): boolean {
    return port !== undefined && this.listeners.has(`${protocol} ${ip} ${port}`);
  }

  /** Remembers that `ip` listens on `port` (from a connection whose direction was certain). */
  learnListener(ip: string, protocol: Protocol, port: number | undefined): void {
    if (port === undefined) return;
    const key = `${protocol} ${ip} ${port}`;
    if (this.listeners.has(key)) return;
    if (this.listeners.size >= this.maxListeners) {
      const oldest = this.listeners.values().next();
      if (!oldest.done) this.listeners.delete(oldest.value);
    }
    this.listeners.add(key);
  }

  /**
   * Orients a record that carries no direction, from what earlier records taught: the reversed
   * 5-tuple of a known connection makes it a reply, the same 5-tuple a request; then a known
   * listening port on exactly one side. Undefined when history does not tell.
   */
  orientByHistory(tuple: ConnectionTuple, time: number): { direction: Direction; evidence: OrientationEvidence } | undefined {
    if (this.isKnown(connectionKey(tuple), time)) return { direction: 'request', evidence: 'known-connection' };
    if (this.isKnown(connectionKey(reverseTuple(tuple)), time)) return { direction: 'reply', evidence: 'known-connection' };
    const destinationListens = this.isListener(tuple.destinationIp, tuple.protocol, tuple.destinationPort);
    const sourceListens = this.isListener(tuple.sourceIp, tuple.protocol, tuple.sourcePort);
    if (destinationListens && !sourceListens) return { direction: 'request', evidence: 'listener-port' };
    if (sourceListens && !destinationListens) return { direction: 'reply', evidence: 'listener-port' };
    return undefined;
  }

  /**
   * Another observation of the oriented connection `key`, if it is known and not idle at `time`
   * (then its last-seen time is refreshed); `unknown` otherwise, and nothing is recorded.
   */
  touch(key: string, time: number, denied: boolean): ObservationResult | 'unknown' {
    const entry = this.connections.get(key);
    if (entry === undefined || Math.abs(time - entry.lastSeen) > this.idleTimeoutMs) return 'unknown';
    if (time > entry.lastSeen) entry.lastSeen = time;
    if (time > this.latest) this.latest = time;
    if (denied && !entry.denied) {
      entry.denied = true;
      return 'newly-denied';
    }
    return 'repeat';
  }

  /** Records one observation of the oriented connection `key` at `time`. */
  observe(key: string, time: number, denied: boolean): ObservationResult {
    const seen = this.touch(key, time, denied);
    if (seen !== 'unknown') return seen;
    // A stale entry is removed so the new one goes to the end of the Map's insertion order.
    this.connections.delete(key);
    if (this.connections.size >= this.maxConnections) this.evict();
    this.connections.set(key, { lastSeen: time, denied });
    if (time > this.latest) this.latest = time;
    return 'new';
  }

  /**
   * Makes room: first forgets every connection idle at the latest time seen, and if that is not
   * enough, the oldest tenth by first sighting. Amortised, so a hit never reorders the table.
   */
  private evict(): void {
    for (const [key, entry] of this.connections) if (this.latest - entry.lastSeen > this.idleTimeoutMs) this.connections.delete(key);
    if (this.connections.size < this.maxConnections) return;
    let excess = Math.max(1, Math.floor(this.maxConnections / 10));
    for (const key of this.connections.keys()) {
      if (excess-- <= 0) break;
      this.connections.delete(key);
    }
  }
}

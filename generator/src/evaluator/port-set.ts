import type { ContainerPortInfo, PortProtocol } from '@palisade/collector';
import type { CompiledPort } from './port-match.js';

/**
 * Sets of (protocol, port) as sorted, disjoint, inclusive port ranges per protocol: what a rule, a
 * side or a connection allows, compared as sets without enumerating 65,535 ports. NetworkPolicy
 * ports are TCP, UDP and SCTP; a rule without `ports` allows every port of each (and ICMP, which a
 * port set does not model: it changes only together with "every port").
 */

/** An inclusive range of ports. */
export interface PortRange {
  readonly from: number;
  readonly to: number;
}

/** Allowed ports per protocol, each list sorted and disjoint. */
export type PortSet = Readonly<Record<PortProtocol, readonly PortRange[]>>;

export const PORT_PROTOCOLS: readonly PortProtocol[] = ['TCP', 'UDP', 'SCTP'];
const FULL: readonly PortRange[] = Object.freeze([Object.freeze({ from: 1, to: 65535 })]);

/** Every port of every protocol. */
export const ALL_PORTS: PortSet = Object.freeze({ TCP: FULL, UDP: FULL, SCTP: FULL });
/** No port at all. */
export const NO_PORTS: PortSet = Object.freeze({ TCP: [], UDP: [], SCTP: [] });

function normalize(ranges: PortRange[]): PortRange[] {
  ranges.sort((a, b) => a.from - b.from);
  const merged: PortRange[] = [];
  for (const range of ranges) {
    const last = merged[merged.length - 1];
    if (last !== undefined && range.from <= last.to + 1) merged[merged.length - 1] = { from: last.from, to: Math.max(last.to, range.to) };
    else merged.push(range);
  }
  return merged;
}

function intersectRanges(a: readonly PortRange[], b: readonly PortRange[]): PortRange[] {
  const out: PortRange[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as PortRange;
    const y = b[j] as PortRange;
    const from = Math.max(x.from, y.from);
    const to = Math.min(x.to, y.to);
    if (from <= to) out.push({ from, to });
    if (x.to < y.to) i++;
    else j++;
  }
  return out;
}

function subtractRanges(a: readonly PortRange[], b: readonly PortRange[]): PortRange[] {
  const out: PortRange[] = [];
  let j = 0;
  for (const range of a) {
    let from = range.from;
    while (j < b.length && (b[j] as PortRange).to < from) j++;
    let k = j;
    while (k < b.length && (b[k] as PortRange).from <= range.to) {
      const cut = b[k] as PortRange;
      if (cut.from > from) out.push({ from, to: cut.from - 1 });
      from = Math.max(from, cut.to + 1);
      k++;
    }
    if (from <= range.to) out.push({ from, to: range.to });
  }
  return out;
}

/** a ∪ b. */
export function unionPorts(a: PortSet, b: PortSet): PortSet {
  if (a === ALL_PORTS || b === ALL_PORTS) return ALL_PORTS;
  if (isEmptyPortSet(a)) return b;
  if (isEmptyPortSet(b)) return a;
  return { TCP: normalize([...a.TCP, ...b.TCP]), UDP: normalize([...a.UDP, ...b.UDP]), SCTP: normalize([...a.SCTP, ...b.SCTP]) };
}

/** a ∩ b. */
export function intersectPorts(a: PortSet, b: PortSet): PortSet {
  if (a === ALL_PORTS) return b;
  if (b === ALL_PORTS) return a;
  return { TCP: intersectRanges(a.TCP, b.TCP), UDP: intersectRanges(a.UDP, b.UDP), SCTP: intersectRanges(a.SCTP, b.SCTP) };
}

/** a − b. */
export function subtractPorts(a: PortSet, b: PortSet): PortSet {
  if (b === ALL_PORTS || isEmptyPortSet(a)) return NO_PORTS;
  return { TCP: subtractRanges(a.TCP, b.TCP), UDP: subtractRanges(a.UDP, b.UDP), SCTP: subtractRanges(a.SCTP, b.SCTP) };
}

/** True when the set holds no port. */
export function isEmptyPortSet(set: PortSet): boolean {
  return set.TCP.length === 0 && set.UDP.length === 0 && set.SCTP.length === 0;
}

/** A stable text of a set, to group equal sets. */
export function portSetKey(set: PortSet): string {
  return PORT_PROTOCOLS.map((protocol) => `${protocol}:${set[protocol].map((range) => `${range.from}-${range.to}`).join(',')}`).join(';');
}

/**
 * The ports a rule's `ports` allow towards a destination with these declared container ports:
 * undefined (absent or empty) is every port; a named port is the destination's container ports of
 * that name and protocol (none for a destination that is not a pod).
 */
export function rulePortSet(ports: readonly CompiledPort[] | undefined, destinationPorts: readonly ContainerPortInfo[] | undefined): PortSet {
  if (ports === undefined || ports.length === 0) return ALL_PORTS;
  const ranges: Record<PortProtocol, PortRange[]> = { TCP: [], UDP: [], SCTP: [] };
  for (const entry of ports) {
    const list = ranges[entry.protocol];
    if (entry.port === undefined) list.push({ from: 1, to: 65535 });
    else if (typeof entry.port === 'number') list.push({ from: entry.port, to: entry.endPort ?? entry.port });
    else for (const declared of destinationPorts ?? []) if (declared.name === entry.port && declared.protocol === entry.protocol) list.push({ from: declared.port, to: declared.port });
  }
  return { TCP: normalize(ranges.TCP), UDP: normalize(ranges.UDP), SCTP: normalize(ranges.SCTP) };
}

/** True when the port of that protocol is in the set. */
export function portSetHas(set: PortSet, protocol: PortProtocol, port: number): boolean {
  return set[protocol].some((range) => port >= range.from && port <= range.to);
}

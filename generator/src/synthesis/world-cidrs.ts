import ipaddr from 'ipaddr.js';
import type { CidrRange, ParsedIp } from '../evaluator/ip-block.js';
import { InvalidAddressError, parseCidr, parseIp } from '../evaluator/ip-block.js';

/**
 * The CIDRs of the outside world (rule 13). Every address is parsed once, into the evaluator's
 * integer form (`parseIp`, so synthesis and the verifier read an address the same way), and all
 * folding works on those integers: sort, then one sweep over runs that share a prefix, with the
 * protected ranges merged into sorted intervals and found by binary search. A workload that talks
 * to 100,000 external addresses costs O(n log n), not a CIDR-against-every-edge scan.
 */

/** How external addresses are folded into CIDRs (rule 13). */
export interface WorldFoldOptions {
  /** Fold when at least this many addresses share one prefix. */
  readonly minAddresses: number;
  readonly prefixV4: number;
  readonly prefixV6: number;
  /** Ranges a folded CIDR must never cover: pods, Services, nodes, and in-cluster addresses seen. */
  readonly protectedRanges: readonly string[];
}

/** One CIDR of the folded world, with the input addresses it stands for. */
export interface WorldCidr {
  /** `a.b.c.d/32`, `x::y/128`, or a folded prefix. */
  readonly cidr: string;
  /** The input addresses (as given) inside `cidr`, in input order. */
  readonly addresses: readonly string[];
}

/**
 * Integer arithmetic of one address family: IPv4 in a `number` (exact, and much faster than a
 * bigint in the sort and the sweep, where nearly every address is IPv4), IPv6 in a `bigint`.
 */
interface Family<V extends number | bigint> {
  readonly family: 4 | 6;
  readonly width: number;
  compare(a: V, b: V): number;
  /** The first address of the prefix that holds `value`. */
  network(value: V, prefix: number): V;
  /** The last address of the prefix that starts at `network`. */
  last(network: V, prefix: number): V;
  /** True when `b` starts right after `a` ends, or before. */
  touches(aEnd: V, bStart: V): boolean;
  format(value: V): string;
}

const IPV4: Family<number> = {
  family: 4,
  width: 32,
  compare: (a, b) => a - b,
  network: (value, prefix) => (prefix === 0 ? 0 : (value & (0xffffffff << (32 - prefix))) >>> 0),
  last: (network, prefix) => network + 2 ** (32 - prefix) - 1,
  touches: (aEnd, bStart) => bStart <= aEnd + 1,
  format: (value) => `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`,
};

const IPV6: Family<bigint> = {
  family: 6,
  width: 128,
  compare: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
  network: (value, prefix) => {
    const hostBits = BigInt(128 - prefix);
    return (value >> hostBits) << hostBits;
  },
  last: (network, prefix) => network | ((1n << BigInt(128 - prefix)) - 1n),
  touches: (aEnd, bStart) => bStart <= aEnd + 1n,
  format: (value) => {
    const parts: number[] = [];
    for (let shift = 112n; shift >= 0n; shift -= 16n) parts.push(Number((value >> shift) & 0xffffn));
    return new ipaddr.IPv6(parts).toRFC5952String();
  },
};

/** Parses an address once; throws {@link InvalidAddressError} naming the text. */
function parseAddress(text: string): ParsedIp {
  const ip = parseIp(text);
  if (ip === undefined) throw new InvalidAddressError(`invalid IP address ${JSON.stringify(text)}`);
  return ip;
}

function formatAddress(ip: ParsedIp): string {
  return ip.family === 4 ? IPV4.format(ip.value) : IPV6.format(ip.value);
}

/** `a.b.c.d/32` or `x::y/128`. */
export function hostCidr(ip: string): string {
  const parsed = parseAddress(ip);
  return `${formatAddress(parsed)}/${parsed.family === 4 ? 32 : 128}`;
}

/** True when the address is IPv4 (else IPv6); an IPv4-mapped IPv6 address is IPv4, as the evaluator reads it. */
export function isIpv4(ip: string): boolean {
  return parseAddress(ip).family === 4;
}

/** A closed interval of addresses in one family. */
interface Interval<V> {
  readonly start: V;
  readonly end: V;
}

/**
 * One family's protected ranges as sorted, disjoint intervals: a folded prefix overlaps a
 * protected range exactly when it meets one of these intervals, which a binary search finds.
 */
class ProtectedIntervals<V extends number | bigint> {
  private readonly intervals: Interval<V>[] = [];

  constructor(
    private readonly arithmetic: Family<V>,
    raw: Interval<V>[],
  ) {
    for (const interval of raw.sort((a, b) => arithmetic.compare(a.start, b.start))) {
      const last = this.intervals.at(-1);
      if (last === undefined || !arithmetic.touches(last.end, interval.start)) this.intervals.push(interval);
      else if (arithmetic.compare(interval.end, last.end) > 0) this.intervals[this.intervals.length - 1] = { start: last.start, end: interval.end };
    }
  }

  /** True when some protected address lies in [start, end]. */
  overlaps(start: V, end: V): boolean {
    // The first interval that ends at or after `start`; it overlaps when it also begins by `end`.
    let low = 0;
    let high = this.intervals.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.arithmetic.compare((this.intervals[middle] as Interval<V>).end, start) < 0) low = middle + 1;
      else high = middle;
    }
    const candidate = this.intervals[low];
    return candidate !== undefined && this.arithmetic.compare(candidate.start, end) <= 0;
  }
}

/** The protected ranges of both families, parsed once per fold that needs them. */
function protectedIntervals(ranges: readonly string[]): { readonly 4: ProtectedIntervals<number>; readonly 6: ProtectedIntervals<bigint> } {
  const v4: Interval<number>[] = [];
  const v6: Interval<bigint>[] = [];
  for (const text of new Set(ranges)) {
    const range = text.includes('/') ? parseCidr(text) : hostRange(parseAddress(text));
    if (range.family === 4) v4.push({ start: range.network, end: IPV4.last(range.network, range.prefix) });
    else v6.push({ start: range.network, end: IPV6.last(range.network, range.prefix) });
  }
  return { 4: new ProtectedIntervals(IPV4, v4), 6: new ProtectedIntervals(IPV6, v6) };
}

function hostRange(ip: ParsedIp): CidrRange {
  return ip.family === 4 ? { family: 4, network: ip.value, prefix: 32 } : { family: 6, network: ip.value, prefix: 128 };
}

/** One distinct address of the input, with every spelling of it in input order. */
interface Member<V> {
  readonly value: V;
  readonly spellings: { readonly text: string; readonly index: number }[];
}

/** The input texts of a group of members, in input order. */
function textsOf<V>(group: readonly Member<V>[]): string[] {
  const only = group.length === 1 ? group[0] : undefined;
  if (only !== undefined && only.spellings.length === 1) return [(only.spellings[0] as { text: string }).text];
  return group
    .flatMap((member) => member.spellings)
    .sort((a, b) => a.index - b.index)
    .map((spelling) => spelling.text);
}

/**
 * Folds addresses into as few CIDRs as the policy allows: a group of at least `minAddresses`
 * distinct addresses in one prefix becomes that prefix, unless the prefix overlaps a protected
 * range; every other address stays a single-address CIDR. Output sorted by family, address and
 * prefix length; each CIDR lists the input addresses it covers, so callers need no range checks.
 */
export function foldWorldAddresses(ips: readonly string[], options: WorldFoldOptions): WorldCidr[] {
  const v4 = new Map<number, Member<number>>();
  const v6 = new Map<bigint, Member<bigint>>();
  const seenTexts = new Set<string>();
  ips.forEach((text, index) => {
    if (seenTexts.has(text)) return;
    seenTexts.add(text);
    const ip = parseAddress(text);
    // Two spellings of one address (`fd00::1`, `fd00:0::1`) are one member of the fold.
    if (ip.family === 4) addMember(v4, ip.value, text, index);
    else addMember(v6, ip.value, text, index);
  });
  // Parsed only when some prefix has enough members to fold: most calls have none.
  let guarded: ReturnType<typeof protectedIntervals> | undefined;
  const isProtected = <V extends number | bigint>(arithmetic: Family<V>, network: V, prefix: number): boolean => {
    guarded ??= protectedIntervals(options.protectedRanges);
    const intervals = guarded[arithmetic.family] as unknown as ProtectedIntervals<V>;
    return intervals.overlaps(network, arithmetic.last(network, prefix));
  };
  return [
    ...sweep(IPV4, [...v4.values()], options.prefixV4, options.minAddresses, isProtected),
    ...sweep(IPV6, [...v6.values()], options.prefixV6, options.minAddresses, isProtected),
  ];
}

function addMember<V>(members: Map<V, Member<V>>, value: V, text: string, index: number): void {
  const member = members.get(value);
  if (member === undefined) members.set(value, { value, spellings: [{ text, index }] });
  else member.spellings.push({ text, index });
}

/** Sorts one family's addresses and folds each run that shares a prefix, in address order. */
function sweep<V extends number | bigint>(
  arithmetic: Family<V>,
  members: Member<V>[],
  prefix: number,
  minAddresses: number,
  isProtected: (arithmetic: Family<V>, network: V, prefix: number) => boolean,
): WorldCidr[] {
  const cidrs: WorldCidr[] = [];
  members.sort((a, b) => arithmetic.compare(a.value, b.value));
  for (let start = 0; start < members.length; ) {
    const network = arithmetic.network((members[start] as Member<V>).value, prefix);
    let end = start + 1;
    while (end < members.length && arithmetic.network((members[end] as Member<V>).value, prefix) === network) end++;
    const run = members.slice(start, end);
    start = end;
    if (run.length >= minAddresses && !isProtected(arithmetic, network, prefix)) {
      cidrs.push({ cidr: `${arithmetic.format(network)}/${prefix}`, addresses: textsOf(run) });
      continue;
    }
    for (const member of run) cidrs.push({ cidr: `${arithmetic.format(member.value)}/${arithmetic.width}`, addresses: textsOf([member]) });
  }
  return cidrs;
}

/** Sorts CIDRs (or bare addresses) by family, address and prefix length, dropping repeats. */
export function sortCidrs(cidrs: readonly string[]): string[] {
  const keyed = [...new Set(cidrs)].map((text) => {
    const slash = text.indexOf('/');
    const ip = parseAddress(slash < 0 ? text : text.slice(0, slash));
    const width = ip.family === 4 ? 32 : 128;
    const prefix = slash < 0 ? width : Number(text.slice(slash + 1));
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > width) throw new InvalidAddressError(`invalid CIDR ${JSON.stringify(text)}`);
    return { text, ip, prefix };
  });
  keyed.sort((a, b) => compareAddresses(a.ip, b.ip) || a.prefix - b.prefix);
  return keyed.map((entry) => entry.text);
}

function compareAddresses(a: ParsedIp, b: ParsedIp): number {
  if (a.family === 4 && b.family === 4) return IPV4.compare(a.value, b.value);
  if (a.family === 6 && b.family === 6) return IPV6.compare(a.value, b.value);
  return a.family - b.family;
}

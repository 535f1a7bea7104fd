import ipaddr from 'ipaddr.js';

/** How external addresses are folded into CIDRs (rule 13). */
export interface WorldFoldOptions {
  /** Fold when at least this many addresses share one prefix. */
  readonly minAddresses: number;
  readonly prefixV4: number;
  readonly prefixV6: number;
  /** Ranges a folded CIDR must never cover: pods, Services, nodes, and in-cluster addresses seen. */
  readonly protectedRanges: readonly string[];
}

/** `a.b.c.d/32` or `x::y/128`. */
export function hostCidr(ip: string): string {
  const address = ipaddr.parse(ip);
  return `${address.toString()}/${address.kind() === 'ipv4' ? 32 : 128}`;
}

/**
 * Folds addresses into as few CIDRs as the policy allows: a group of at least `minAddresses` in
 * one prefix becomes that prefix, unless the prefix overlaps a protected range; everything else
 * stays a single-address CIDR. Output sorted by family and address.
 */
export function foldWorldAddresses(ips: readonly string[], options: WorldFoldOptions): string[] {
  // Parsed only when some prefix has enough members to fold: most calls have none.
  let protectedRanges: Range[] | undefined;
  const overlapsProtected = (network: string) => {
    protectedRanges ??= [...new Set(options.protectedRanges)].map(parseRange);
    const range = parseRange(network);
    return protectedRanges.some((candidate) => rangesOverlap(range, candidate));
  };
  const groups = new Map<string, string[]>();
  for (const ip of new Set(ips)) {
    const address = ipaddr.parse(ip);
    const bits = address.kind() === 'ipv4' ? options.prefixV4 : options.prefixV6;
    const network = `${networkAddress(address, bits).toString()}/${bits}`;
    const members = groups.get(network) ?? [];
    members.push(ip);
    groups.set(network, members);
  }
  const cidrs: string[] = [];
  for (const [network, members] of groups) {
    const foldable = members.length >= options.minAddresses && !overlapsProtected(network);
    if (foldable) cidrs.push(network);
    else cidrs.push(...members.map(hostCidr));
  }
  return sortCidrs(cidrs);
}

/** Sorts CIDRs by family, address and prefix length. */
export function sortCidrs(cidrs: readonly string[]): string[] {
  return [...new Set(cidrs)].sort((a, b) => compareRanges(parseRange(a), parseRange(b)));
}

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

function parseRange(cidrOrIp: string): Range {
  if (cidrOrIp.includes('/')) return ipaddr.parseCIDR(cidrOrIp);
  const address = ipaddr.parse(cidrOrIp);
  return [address, address.kind() === 'ipv4' ? 32 : 128];
}

function networkAddress(address: ipaddr.IPv4 | ipaddr.IPv6, bits: number): ipaddr.IPv4 | ipaddr.IPv6 {
  const bytes = address.toByteArray();
  for (let bit = bits; bit < bytes.length * 8; bit++) {
    const index = Math.floor(bit / 8);
    bytes[index] = (bytes[index] as number) & ~(0x80 >> bit % 8);
  }
  return ipaddr.fromByteArray(bytes);
}

/** True when either range contains the other's network address at the shorter prefix. */
export function rangesOverlap(a: Range, b: Range): boolean {
  if (a[0].kind() !== b[0].kind()) return false;
  const bits = Math.min(a[1], b[1]);
  return networkAddress(a[0], bits).toString() === networkAddress(b[0], bits).toString();
}

function compareRanges(a: Range, b: Range): number {
  const family = (range: Range) => (range[0].kind() === 'ipv4' ? 0 : 1);
  if (family(a) !== family(b)) return family(a) - family(b);
  const bytesA = a[0].toByteArray();
  const bytesB = b[0].toByteArray();
  for (let index = 0; index < bytesA.length; index++) {
    const diff = (bytesA[index] as number) - (bytesB[index] as number);
    if (diff !== 0) return diff;
  }
  return a[1] - b[1];
}

/** True when the address is IPv4 (else IPv6). */
export function isIpv4(ip: string): boolean {
  return ipaddr.parse(ip).kind() === 'ipv4';
}

/** True when the address lies in the range. */
export function rangeContains(cidr: string, ip: string): boolean {
  const address = ipaddr.parse(ip);
  const range = ipaddr.parseCIDR(cidr);
  return address.kind() === range[0].kind() && address.match(range);
}

import ipaddr from 'ipaddr.js';
import { canonicalIp } from '@palisade/collector';
import { InputError } from '../errors.js';

/**
 * `ipBlock` matching (https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource):
 * an address matches when it lies inside `cidr` and inside none of the `except` ranges. IPv4 and
 * IPv6 are separate families: an IPv4 block never matches an IPv6 address, except that an
 * IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) is read as the IPv4 address it carries, as the
 * kernel does.
 *
 * Addresses are turned into integers once (a `number` for IPv4, a `bigint` for IPv6) so matching a
 * flow costs a shift and a compare, not a parse.
 */

/** An IP address parsed for fast range checks. */
export type ParsedIp = { readonly family: 4; readonly value: number } | { readonly family: 6; readonly value: bigint };

/** One CIDR range, with the host bits cleared (the API server accepts `10.0.0.5/24` and means `10.0.0.0/24`). */
export type CidrRange =
  | { readonly family: 4; readonly network: number; readonly prefix: number }
  | { readonly family: 6; readonly network: bigint; readonly prefix: number };

/** A compiled `ipBlock`: its range and the ranges its `except` removes. */
export interface IpBlockMatcher {
  readonly cidr: string;
  readonly range: CidrRange;
  readonly except: readonly CidrRange[];
}

/** Raised for an address or CIDR that is not valid; the message names the bad text. */
export class InvalidAddressError extends InputError {}

function v4Value(octets: readonly number[]): number {
  return (((octets[0] ?? 0) << 24) | ((octets[1] ?? 0) << 16) | ((octets[2] ?? 0) << 8) | (octets[3] ?? 0)) >>> 0;
}

function v6Value(parts: readonly number[]): bigint {
  let value = 0n;
  for (const part of parts) value = (value << 16n) | BigInt(part);
  return value;
}

/** Strict dotted-decimal IPv4 without allocation; undefined for anything else (then ipaddr.js decides). */
function parseDottedQuad(text: string): number | undefined {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 46) {
      if (digits === 0 || ++dots > 3) return undefined;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
    } else if (code >= 48 && code <= 57 && digits < 3) {
      octet = octet * 10 + (code - 48);
      digits += 1;
      if (octet > 255) return undefined;
    } else {
      return undefined;
    }
  }
  if (dots !== 3 || digits === 0) return undefined;
  return value * 256 + octet;
}

/** Parses an IPv4 or IPv6 address; undefined when the text is not one. */
export function parseIp(text: string): ParsedIp | undefined {
  const fast = parseDottedQuad(text);
  if (fast !== undefined) return { family: 4, value: fast };
  // The collector's one canonical spelling decides, as it did for the Flow and for synthesis:
  // `::ffff:10.0.0.1` is 10.0.0.1, so it matches `10.0.0.0/8` and the /32 synthesis wrote for it.
  const canonical = canonicalIp(text);
  const mapped = parseDottedQuad(canonical);
  if (mapped !== undefined) return { family: 4, value: mapped };
  if (!ipaddr.IPv6.isValid(canonical)) return undefined;
  return { family: 6, value: v6Value(ipaddr.IPv6.parse(canonical).parts) };
}

/** Parses `address/prefix`; throws {@link InvalidAddressError} with a hint when the mask is missing. */
export function parseCidr(text: string): CidrRange {
  if (!ipaddr.isValidCIDR(text)) {
    const hint = ipaddr.isValid(text) ? ` (the mask is missing: did you mean ${text}/${text.includes(':') ? 128 : 32}?)` : '';
    throw new InvalidAddressError(`invalid CIDR ${JSON.stringify(text)}${hint}`);
  }
  const [address, prefix] = ipaddr.parseCIDR(text);
  if (address.kind() === 'ipv4') {
    const value = v4Value((address as ipaddr.IPv4).octets);
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    return { family: 4, network: (value & mask) >>> 0, prefix };
  }
  const value = v6Value((address as ipaddr.IPv6).parts);
  const shift = BigInt(128 - prefix);
  return { family: 6, network: (value >> shift) << shift, prefix };
}

/** True when the address lies inside the range (same family only). */
export function cidrContains(range: CidrRange, ip: ParsedIp): boolean {
  if (range.family === 4) {
    if (ip.family !== 4) return false;
    if (range.prefix === 0) return true;
    const shift = 32 - range.prefix;
    return ip.value >>> shift === range.network >>> shift;
  }
  if (ip.family !== 6) return false;
  const shift = BigInt(128 - range.prefix);
  return ip.value >> shift === range.network >> shift;
}

/** True when `inner` lies entirely inside `outer` (used to validate `except`). */
export function cidrWithin(inner: CidrRange, outer: CidrRange): boolean {
  if (inner.family !== outer.family || inner.prefix < outer.prefix) return false;
  return cidrContains(outer, inner.family === 4 ? { family: 4, value: inner.network } : { family: 6, value: inner.network });
}

/** Compiles an `ipBlock`; throws {@link InvalidAddressError} for a bad CIDR. */
export function compileIpBlock(block: { readonly cidr: string; readonly except?: readonly string[] }): IpBlockMatcher {
  return { cidr: block.cidr, range: parseCidr(block.cidr), except: (block.except ?? []).map(parseCidr) };
}

/** True when the address is in the block's CIDR and in none of its `except` ranges. */
export function ipBlockMatches(block: IpBlockMatcher, ip: ParsedIp): boolean {
  if (!cidrContains(block.range, ip)) return false;
  for (const excluded of block.except) if (cidrContains(excluded, ip)) return false;
  return true;
}

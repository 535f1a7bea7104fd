import ipaddr from 'ipaddr.js';

/**
 * The one spelling of an IP address that Palisade keeps, so that the collector's lookups, the
 * generator's synthesis (which writes the address into an ipBlock) and its verifier (which matches
 * the address against that ipBlock) can never disagree about which address a flow used.
 *
 * - An IPv4-mapped IPv6 address (`::ffff:203.0.113.5`, as a dual-stack socket or a CNI that logs
 *   every address as IPv6 reports an IPv4 peer) is the IPv4 address: the packet on the wire is IPv4,
 *   and that is what a CNI matches against `ipBlock`s. Left as IPv6, synthesis wrote
 *   `::ffff:cb00:7105/128`, which no IPv4 connection ever matches.
 * - Other IPv6 addresses take their RFC 5952 form (lower case, longest zero run compressed), so
 *   `FD00:0:0::0001` and `fd00::1` are one peer.
 * - Dotted-quad IPv4 is already canonical (the Flow contract refuses leading zeros).
 */

/** The canonical text of an IP address; text that is no IP address is returned unchanged. */
export function canonicalIp(text: string): string {
  // Dotted-quad IPv4, the common case, needs no parse.
  if (!text.includes(':')) return text;
  if (!ipaddr.IPv6.isValid(text)) return text;
  const address = ipaddr.IPv6.parse(text);
  return address.isIPv4MappedAddress() ? address.toIPv4Address().toString() : address.toRFC5952String();
}

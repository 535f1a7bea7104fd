import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import type { Edge } from '@palisade/baseliner';
import { BaselineAccumulator } from '@palisade/baseliner';
import { seededRandom } from '../../../test/fixtures/seeded-random.js';
import type { SeededRandom } from '../../../test/fixtures/seeded-random.js';
import { cidrContains, parseCidr, parseIp } from '../evaluator/ip-block.js';
import { synthesisOptions } from './synthesis-options.js';
import { synthesizePolicies } from './policy-synthesis.js';
import type { WorldCidr, WorldFoldOptions } from './world-cidrs.js';
import { foldWorldAddresses, sortCidrs } from './world-cidrs.js';

/**
 * Rule 13's fold, checked two ways. A differential test holds the sort-and-sweep fold to the rule
 * written the simplest way (every address against every other, every prefix against every protected
 * range, with ipaddr.js doing the math) on seeded random inputs small enough for that. A scale test
 * runs 20,000 distinct addresses of one workload through synthesis: the fold that compared every CIDR
 * with every edge needed hours for that (issue 11, item 15: 2,000 addresses took 90 s), so it
 * failed by the test's timeout; now it takes well under a second.
 */

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** IPv4-mapped IPv6 is the IPv4 address, as the evaluator reads it (`parseIp`). */
const read = (text: string): Address => ipaddr.process(text);
const widthOf = (address: Address) => (address.kind() === 'ipv4' ? 32 : 128);
const networkOf = (address: Address, prefix: number): Address =>
  address.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(`${address.toString()}/${prefix}`) : ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/${prefix}`);
const inRange = (address: Address, range: [Address, number]) => address.kind() === range[0].kind() && address.match(range);
const rangeOf = (text: string): [Address, number] => {
  if (text.includes('/')) {
    const [address, prefix] = ipaddr.parseCIDR(text);
    return [networkOf(address, prefix), prefix];
  }
  const address = read(text);
  return [address, widthOf(address)];
};
const compareAddresses = (a: Address, b: Address) => {
  if (a.kind() !== b.kind()) return a.kind() === 'ipv4' ? -1 : 1;
  const x = a.toByteArray();
  const y = b.toByteArray();
  for (let index = 0; index < x.length; index++) if (x[index] !== y[index]) return (x[index] as number) - (y[index] as number);
  return 0;
};

/** Rule 13 the quadratic way: what the fold must produce. */
function referenceFold(ips: readonly string[], options: WorldFoldOptions): WorldCidr[] {
  const texts = [...new Set(ips)];
  const parsed = texts.map((text) => ({ text, address: read(text) }));
  const protectedRanges = options.protectedRanges.map(rangeOf);
  const chosen = new Map<string, [Address, number]>();
  for (const { address } of parsed) {
    const prefix = address.kind() === 'ipv4' ? options.prefixV4 : options.prefixV6;
    const network: [Address, number] = [networkOf(address, prefix), prefix];
    const distinct = new Set(parsed.filter((other) => inRange(other.address, network)).map((other) => other.address.toString()));
    const overlapsProtected = protectedRanges.some((range) => inRange(network[0], range) || inRange(range[0], network));
    const range: [Address, number] = distinct.size >= options.minAddresses && !overlapsProtected ? network : [address, widthOf(address)];
    chosen.set(`${range[0].toString()}/${range[1]}`, range);
  }
  return [...chosen.entries()]
    .sort(([, a], [, b]) => compareAddresses(a[0], b[0]) || a[1] - b[1])
    .map(([cidr, range]) => ({ cidr, addresses: parsed.filter((entry) => inRange(entry.address, range)).map((entry) => entry.text) }));
}

function randomAddresses(random: SeededRandom, count: number): string[] {
  const v4Prefixes = Array.from({ length: random.int(1, 5) }, () => `${random.int(1, 223)}.${random.int(0, 255)}.${random.int(0, 255)}`);
  const v6Prefixes = Array.from({ length: random.int(1, 3) }, () => `2001:db8:${random.int(0, 0xffff).toString(16)}:${random.int(0, 3)}`);
  return Array.from({ length: count }, () => {
    const roll = random.next();
    if (roll < 0.6) return `${random.pick(v4Prefixes)}.${random.int(0, 63)}`;
    if (roll < 0.7) return `${random.int(1, 223)}.${random.int(0, 255)}.${random.int(0, 255)}.${random.int(0, 255)}`;
    if (roll < 0.75) return `::ffff:${random.pick(v4Prefixes)}.${random.int(0, 63)}`;
    return `${random.pick(v6Prefixes)}::${random.int(1, 0x3f).toString(16)}`;
  });
}

function randomProtectedRanges(random: SeededRandom, addresses: readonly string[]): string[] {
  return Array.from({ length: random.int(0, 6) }, () => {
    const address = read(random.pick(addresses));
    if (random.chance(0.3)) return address.toString();
    const prefix = address.kind() === 'ipv4' ? random.pick([8, 16, 20, 24, 26, 30, 32]) : random.pick([48, 64, 100, 120, 128]);
    return `${networkOf(address, prefix).toString()}/${prefix}`;
  });
}

describe('foldWorldAddresses (rule 13)', () => {
  it.each(Array.from({ length: 40 }, (_, index) => index + 1))('equals the quadratic rule on seeded random input %i', (seed) => {
    const random = seededRandom(seed);
    const ips = randomAddresses(random, random.int(1, 200));
    const options: WorldFoldOptions = {
      minAddresses: random.int(1, 10),
      prefixV4: random.pick([16, 24, 26, 28, 32]),
      prefixV6: random.pick([56, 64, 120, 124, 128]),
      protectedRanges: randomProtectedRanges(random, ips),
    };
    expect(foldWorldAddresses(ips, options)).toEqual(referenceFold(ips, options));
  });

  it('treats two spellings of one address as one member and lists both', () => {
    const options: WorldFoldOptions = { minAddresses: 2, prefixV4: 24, prefixV6: 64, protectedRanges: [] };
    expect(foldWorldAddresses(['fd00::1', 'fd00:0::1', '203.0.113.9'], options)).toEqual([
      { cidr: '203.0.113.9/32', addresses: ['203.0.113.9'] },
      { cidr: 'fd00::1/128', addresses: ['fd00::1', 'fd00:0::1'] },
    ]);
  });

  it('never folds over a protected range that starts or ends inside the prefix', () => {
    const ips = Array.from({ length: 10 }, (_, index) => `198.51.100.${index + 1}`);
    const fold = (protectedRanges: string[]) => foldWorldAddresses(ips, { minAddresses: 8, prefixV4: 24, prefixV6: 64, protectedRanges }).map((entry) => entry.cidr);
    expect(fold([])).toEqual(['198.51.100.0/24']);
    for (const range of ['198.51.100.200', '198.51.100.128/25', '198.51.0.0/16', '0.0.0.0/0']) expect(fold(['192.0.2.0/24', range])).toHaveLength(10);
    expect(fold(['198.51.101.0/24', '198.51.99.255', 'fd00::/8'])).toEqual(['198.51.100.0/24']);
  });
});

describe('sortCidrs', () => {
  it('orders by family, address and prefix length, once each', () => {
    expect(sortCidrs(['fd00::1/128', '10.0.0.0/8', '9.255.0.0/16', '10.0.0.0/8', '10.0.0.0/16', '::/0'])).toEqual([
      '9.255.0.0/16',
      '10.0.0.0/8',
      '10.0.0.0/16',
      '::/0',
      'fd00::1/128',
    ]);
  });
});

describe('world egress at scale (issue 11, item 15)', () => {
  it('synthesises 20,000 distinct external addresses of one workload, each in exactly one ipBlock', () => {
    const T0 = Date.UTC(2026, 0, 1);
    const crawler = { kind: 'workload' as const, namespace: 'shop', workload: { kind: 'Deployment' as const, name: 'crawler' } };
    const accumulator = new BaselineAccumulator();
    accumulator.addObservation({ namespace: 'shop', workload: crawler.workload, labels: { app: 'crawler' }, firstSeen: T0, lastSeen: T0 + 48 * 3_600_000, flows: 1 });
    const addresses: string[] = [];
    // 64 dense /24s of 100 addresses each (one of them inside the Service range), then 13,600 scattered ones.
    for (let block = 0; block < 64; block++) for (let host = 1; host <= 100; host++) addresses.push(block === 7 ? `10.96.7.${host}` : `100.${64 + block}.0.${host}`);
    for (let index = 0; index < 13_600; index++) addresses.push(`${130 + (index % 60)}.${Math.floor(index / 60)}.${index % 251}.${1 + (index % 200)}`);
    for (const ip of addresses) {
      const edge: Edge = { source: crawler, destination: { kind: 'world', ip }, protocol: 'TCP', port: 443, firstSeen: T0, lastSeen: T0 + 48 * 3_600_000, flows: 2, deniedFlows: 0, lastVerdict: 'allowed' };
      accumulator.addEdge(edge);
    }
    const result = synthesizePolicies({ baseline: accumulator.toBaseline(), options: synthesisOptions({ serviceCidrs: ['10.96.0.0/12'] }) });
    const plan = result.policies.find((candidate) => candidate.name === 'palisade-crawler');
    const cidrs = (plan?.policy.spec?.egress ?? []).flatMap((rule) => rule.to ?? []).flatMap((peer) => (peer.ipBlock ? [peer.ipBlock.cidr] : []));
    expect(cidrs.filter((cidr) => cidr.endsWith('/24'))).toHaveLength(63);
    expect(cidrs.filter((cidr) => cidr.startsWith('10.96.'))).toHaveLength(100);
    expect(cidrs).toHaveLength(63 + 100 + 13_600);
    // Each address in exactly one ipBlock: the blocks are disjoint and one holds it (the evaluator's own range math).
    const ranges = cidrs.map(parseCidr).sort((a, b) => Number(a.network) - Number(b.network));
    const overlapping = ranges.filter((range, index) => {
      const next = ranges[index + 1];
      return next !== undefined && cidrContains(range, { family: 4, value: Number(next.network) });
    });
    expect(overlapping).toEqual([]);
    const uncovered: string[] = [];
    for (const ip of addresses) {
      const parsed = parseIp(ip);
      if (parsed === undefined) throw new Error(`bad fixture address ${ip}`);
      let low = 0;
      let high = ranges.length;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (Number(ranges[middle]?.network) <= parsed.value) low = middle + 1;
        else high = middle;
      }
      const holder = ranges[low - 1];
      if (holder === undefined || !cidrContains(holder, parsed)) uncovered.push(ip);
    }
    expect(uncovered).toEqual([]);
    const evidence = plan?.rules.filter((rule) => rule.direction === 'egress').flatMap((rule) => rule.edges) ?? [];
    expect(evidence.filter((edge) => edge.destination.startsWith('world')).length).toBe(addresses.length);
    // The runner's timeout is no timing assertion: it only turns the old minutes-long fold into a failure on a loaded machine.
  }, 120_000);
});

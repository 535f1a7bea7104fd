/**
 * R10 (BENCHMARKS.md): external addresses of one workload folded into ipBlocks (rule 13), for
 * 1k / 10k / 100k distinct addresses through policy synthesis. The workload is a crawler-like
 * client: a third of its addresses sit in dense /24s of CDNs (which fold), the rest are scattered
 * over the internet (each its own /32), one in ten is IPv6, and one dense /24 lies inside the Service
 * range (never folded). Prints a Markdown table and writes generator/bench/results/r10.json.
 * Target: 100k addresses < 2 s, growing as n log n.
 *
 *   npx tsx generator/bench/r10-world-fold.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Baseline, Edge } from '@palisade/baseliner';
import { BaselineAccumulator } from '@palisade/baseliner';
import { synthesisOptions } from '../src/synthesis/synthesis-options.js';
import { synthesizePolicies } from '../src/synthesis/policy-synthesis.js';
import { seededRandom } from '../../test/fixtures/seeded-random.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);
const SERVICE_CIDR = '10.96.0.0/12';

/** `count` distinct addresses, deterministic for a count. */
function externalAddresses(count: number): string[] {
  const random = seededRandom(count);
  const addresses = new Set<string>();
  const denseBlocks = Math.max(1, Math.floor(count / 3 / 50));
  while (addresses.size < count) {
    const roll = random.next();
    if (roll < 1 / 3) {
      const block = random.int(0, denseBlocks - 1);
      // Block 0 is inside the Service range: those addresses must stay /32s.
      addresses.add(block === 0 ? `10.96.0.${random.int(1, 254)}` : `${151 + (block >>> 16)}.${(block >>> 8) & 255}.${block & 255}.${random.int(1, 254)}`);
    } else if (roll < 0.9) {
      addresses.add(`${random.int(11, 223)}.${random.int(0, 255)}.${random.int(0, 255)}.${random.int(1, 254)}`);
    } else {
      addresses.add(`2001:db8:${random.int(0, 0xffff).toString(16)}:${random.int(0, 0xffff).toString(16)}::${random.int(1, 0xffff).toString(16)}`);
    }
  }
  return [...addresses];
}

function crawlerBaseline(addresses: readonly string[]): Baseline {
  const crawler = { kind: 'workload' as const, namespace: 'shop', workload: { kind: 'Deployment' as const, name: 'crawler' } };
  const accumulator = new BaselineAccumulator();
  accumulator.addObservation({ namespace: 'shop', workload: crawler.workload, labels: { app: 'crawler' }, firstSeen: T0, lastSeen: T0 + 30 * HOUR, flows: 1 });
  addresses.forEach((ip, index) => {
    const edge: Edge = {
      source: crawler,
      destination: { kind: 'world', ip },
      protocol: 'TCP',
      port: index % 5 === 0 ? 80 : 443,
      firstSeen: T0,
      lastSeen: T0 + 30 * HOUR,
      flows: 3,
      deniedFlows: 0,
      lastVerdict: 'allowed',
    };
    accumulator.addEdge(edge);
  });
  return accumulator.toBaseline();
}

interface Row {
  addresses: number;
  ipBlocks: number;
  folded: number;
  synthesisMs: number;
  usPerAddress: number;
}

const rows: Row[] = [];
const options = synthesisOptions({ serviceCidrs: [SERVICE_CIDR] });
for (const count of [1_000, 10_000, 100_000]) {
  const baseline = crawlerBaseline(externalAddresses(count));
  synthesizePolicies({ baseline, options }); // warm-up: JIT
  let best = Number.POSITIVE_INFINITY;
  let cidrs: string[] = [];
  for (let run = 0; run < 3; run++) {
    const start = performance.now();
    const result = synthesizePolicies({ baseline, options });
    best = Math.min(best, performance.now() - start);
    cidrs = (result.policies[0]?.policy.spec?.egress ?? []).flatMap((rule) => rule.to ?? []).flatMap((peer) => (peer.ipBlock ? [peer.ipBlock.cidr] : []));
  }
  const folded = cidrs.filter((cidr) => !cidr.endsWith('/32') && !cidr.endsWith('/128')).length;
  rows.push({ addresses: count, ipBlocks: cidrs.length, folded, synthesisMs: Math.round(best), usPerAddress: Number(((best * 1000) / count).toFixed(1)) });
}

console.log('| distinct addresses | ipBlocks | folded prefixes | synthesis (ms, best of 3) | µs per address |');
console.log('|---:|---:|---:|---:|---:|');
for (const row of rows) console.log(`| ${row.addresses} | ${row.ipBlocks} | ${row.folded} | ${row.synthesisMs} | ${row.usPerAddress} |`);
const first = rows[0] as Row;
const last = rows.at(-1) as Row;
const nLogN = (n: number) => n * Math.log2(n);
console.log(
  `\nGrowth 1k → 100k: ${(last.synthesisMs / Math.max(1, first.synthesisMs)).toFixed(1)}× time for 100× addresses (n log n: ${(nLogN(last.addresses) / nLogN(first.addresses)).toFixed(0)}×); target: 100k < 2000 ms. Load average ${loadavg()[0]?.toFixed(1)}.`,
);
const results = fileURLToPath(new URL('results/', import.meta.url));
mkdirSync(results, { recursive: true });
writeFileSync(`${results}r10.json`, `${JSON.stringify({ benchmark: 'R10', node: process.version, loadAverage: loadavg()[0], rows }, null, 2)}\n`);

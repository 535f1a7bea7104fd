/**
 * R7 (BENCHMARKS.md): policy synthesis for 100 / 1k / 5k workloads, up to 50k edges. Prints a
 * Markdown table and writes generator/bench/results/r7.json. Synthesis is pure, so the baseline is built in
 * memory: ten outbound edges per workload to Zipf-chosen destinations (popular services get most
 * callers, as in real clusters), DNS from every workload, some external egress and probes.
 *
 *   npx tsx generator/bench/r7-synthesis.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Baseline, Edge, WorkloadObservation } from '@palisade/baseliner';
import { BaselineAccumulator } from '@palisade/baseliner';
import { synthesisOptions } from '../src/synthesis/synthesis-options.js';
import { synthesizePolicies } from '../src/synthesis/policy-synthesis.js';
import { policyToYaml } from '../src/render/policy-yaml.js';
import { seededRandom, zipfSampler } from '../../test/fixtures/seeded-random.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);

function syntheticBaseline(workloads: number, edgesPerWorkload: number): Baseline {
  const random = seededRandom(workloads);
  const next = random.next;
  const pick = zipfSampler(workloads, 1.1, random);
  const namespaces = Math.max(1, Math.round(workloads / 100));
  const accumulator = new BaselineAccumulator();
  const peer = (index: number) => ({ kind: 'workload' as const, namespace: `ns-${index % namespaces}`, workload: { kind: 'Deployment' as const, name: `svc-${index}` } });
  const dns = { kind: 'workload' as const, namespace: 'kube-system', workload: { kind: 'Deployment' as const, name: 'coredns' } };
  const edge = (source: Edge['source'], destination: Edge['destination'], protocol: Edge['protocol'], port: number, flows: number): Edge => ({
    source, destination, protocol, port, firstSeen: T0, lastSeen: T0 + 30 * HOUR, flows, deniedFlows: 0, lastVerdict: 'allowed',
  });
  const observation = (namespace: string, name: string, labels: Record<string, string>): WorkloadObservation => ({
    namespace, workload: { kind: 'Deployment', name }, labels, firstSeen: T0, lastSeen: T0 + 30 * HOUR, flows: 1,
  });
  accumulator.addObservation(observation('kube-system', 'coredns', { 'k8s-app': 'kube-dns' }));
  for (let index = 0; index < workloads; index++) {
    const source = peer(index);
    accumulator.addObservation(observation(source.namespace, source.workload.name, { app: source.workload.name, tier: index % 3 === 0 ? 'web' : 'backend' }));
    for (let e = 0; e < edgesPerWorkload; e++) {
      const target = pick();
      if (target === index) continue;
      accumulator.addEdge(edge(source, peer(target), 'TCP', 8000 + (target % 50), 20 + Math.floor(next() * 100)));
    }
    accumulator.addEdge(edge(source, dns, 'UDP', 53, 100));
    if (index % 10 === 0) accumulator.addEdge(edge(source, { kind: 'world', ip: `203.0.${index % 200}.${1 + (index % 250)}` }, 'TCP', 443, 10));
    if (index % 20 === 0) accumulator.addEdge(edge({ kind: 'world', ip: `198.51.100.${index % 250}` }, source, 'TCP', 8443, 10));
    accumulator.addEdge(edge({ kind: 'host', ip: '10.0.0.1' }, source, 'TCP', 8081, 50));
  }
  return accumulator.toBaseline();
}

interface Row {
  workloads: number;
  edges: number;
  policies: number;
  synthesisMs: number;
  renderMs: number;
  msPerWorkload: number;
}

const rows: Row[] = [];
const options = synthesisOptions();
for (const workloads of [100, 1_000, 5_000]) {
  const baseline = syntheticBaseline(workloads, 10);
  synthesizePolicies({ baseline, options }); // warm-up: JIT and caches
  const runs = workloads >= 5_000 ? 3 : 5;
  let best = Number.POSITIVE_INFINITY;
  let bestRender = Number.POSITIVE_INFINITY;
  let policies = 0;
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    const result = synthesizePolicies({ baseline, options });
    const synthesized = performance.now();
    for (const plan of result.policies) policyToYaml(plan.policy);
    const rendered = performance.now();
    best = Math.min(best, synthesized - start);
    bestRender = Math.min(bestRender, rendered - synthesized);
    policies = result.policies.length;
  }
  rows.push({ workloads, edges: baseline.edges.length, policies, synthesisMs: Math.round(best), renderMs: Math.round(bestRender), msPerWorkload: Number((best / workloads).toFixed(3)) });
}

console.log('| workloads | edges | policies | synthesis (ms, best) | YAML render (ms) | ms per workload |');
console.log('|---:|---:|---:|---:|---:|---:|');
for (const row of rows) console.log(`| ${row.workloads} | ${row.edges} | ${row.policies} | ${row.synthesisMs} | ${row.renderMs} | ${row.msPerWorkload} |`);
const first = rows[0] as Row;
const last = rows.at(-1) as Row;
console.log(`\nGrowth 100 → 5k workloads: ${(last.synthesisMs / Math.max(1, first.synthesisMs)).toFixed(1)}× time for 50× workloads; target: 5k < 2000 ms, linear.`);
const results = fileURLToPath(new URL('results/', import.meta.url));
mkdirSync(results, { recursive: true });
writeFileSync(`${results}r7.json`, `${JSON.stringify({ benchmark: 'R7', node: process.version, rows }, null, 2)}\n`);

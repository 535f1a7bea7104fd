/**
 * R1 (BENCHMARKS.md): collector parse + orient + validate, no Kafka, against a bare `JSON.parse`
 * loop over the same lines in the same run. Target: ≥ 0.7× the bare loop.
 *
 * Fixture: realistic Hubble JSON lines (~1.1 KB, and a field-masked variant of ~0.45 KB that keeps
 * only the fields the adapter reads and one label per endpoint; the table prints the sizes
 * measured) over ~1,000 workloads and ~10,000 edges picked with a Zipf mix; each connection
 * appears as the records Hubble really writes for it (request and reply, at two observation
 * points), so the adapter's de-duplication does its normal share of the work.
 *
 * Run: `npx tsx collector/bench/r1-parse.ts [lines]`; prints a Markdown table, writes
 * `collector/bench/results/r1.json`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ingestLines, type SourceLine } from '../src/index.js';
import { seededRandom } from '../../test/fixtures/seeded-random.js';

const LINES = Number(process.argv[2] ?? 200_000);
const WORKLOADS = 1_000;
const EDGES = 10_000;
const NAMESPACES = 20;
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

// Seeded, so every run measures the same lines.
const rand = seededRandom(42).next;
const pick = (length: number): number => Math.floor(rand() * length);
const suffix = (length: number): string => Array.from({ length }, () => ALPHABET[pick(ALPHABET.length)]).join('');

interface Workload {
  namespace: string;
  name: string;
  pod: string;
  ip: string;
  identity: number;
  port: number;
  labels: string[];
}

const workloads: Workload[] = Array.from({ length: WORKLOADS }, (_, index) => {
  const namespace = `team-${index % NAMESPACES}`;
  const name = `service-${index}`;
  return {
    namespace,
    name,
    pod: `${name}-${suffix(9)}-${suffix(5)}`,
    ip: `10.${100 + (index >> 16)}.${(index >> 8) & 255}.${index & 255}`,
    identity: 10_000 + index,
    port: [8080, 9080, 5432, 6379, 443, 3000][index % 6] as number,
    labels: [
      `k8s:app=${name}`,
      'k8s:io.cilium.k8s.policy.cluster=default',
      `k8s:io.kubernetes.pod.namespace=${namespace}`,
      `k8s:version=v${1 + (index % 3)}`,
    ],
  };
});

// Edges with a Zipf(1) popularity: a few edges carry most connections, as in real clusters.
const edges = Array.from({ length: EDGES }, () => {
  const source = pick(WORKLOADS);
  let destination = pick(WORKLOADS);
  if (destination === source) destination = (destination + 1) % WORKLOADS;
  return [source, destination] as const;
});
const weights = edges.map((_, rank) => 1 / (rank + 1));
const cumulative: number[] = [];
weights.reduce((sum, weight, index) => (cumulative[index] = sum + weight), 0);
const total = cumulative[cumulative.length - 1] as number;
function zipfEdge(): readonly [number, number] {
  const target = rand() * total;
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((cumulative[middle] as number) < target) low = middle + 1;
    else high = middle;
  }
  return edges[low] as readonly [number, number];
}

function endpoint(workload: Workload, full: boolean): object {
  return full
    ? { ID: workload.identity % 4000, identity: workload.identity, namespace: workload.namespace, labels: workload.labels, pod_name: workload.pod }
    : // Masked: a pod is told by its namespace, name and own labels (here only `app`); the
      // identity number matters only for endpoints without a pod name, which this fixture has not.
      { namespace: workload.namespace, labels: workload.labels.slice(0, 1), pod_name: workload.pod };
}

function line(time: number, client: Workload, clientPort: number, server: Workload, reply: boolean, flags: Record<string, boolean>, point: string, full: boolean): string {
  const [src, dst] = reply ? [server, client] : [client, server];
  const [sport, dport] = reply ? [server.port, clientPort] : [clientPort, server.port];
  const iso = new Date(time).toISOString().replace('Z', '123456Z');
  const flow = full
    ? {
        time: iso,
        verdict: 'FORWARDED',
        ethernet: { source: '3a:1f:8e:02:4c:9b', destination: 'de:ad:be:ef:10:22' },
        IP: { source: src.ip, destination: dst.ip, ipVersion: 'IPv4' },
        l4: { TCP: { source_port: sport, destination_port: dport, flags } },
        source: endpoint(src, true),
        destination: endpoint(dst, true),
        Type: 'L3_L4',
        node_name: 'prod/ip-10-0-12-34.internal',
        event_type: { type: 4, sub_type: point === 'TO_STACK' ? 3 : 0 },
        traffic_direction: reply ? 'INGRESS' : 'EGRESS',
        trace_observation_point: point,
        is_reply: reply,
        Summary: `TCP Flags: ${Object.keys(flags).join(', ')}`,
      }
    : {
        time: iso,
        verdict: 'FORWARDED',
        IP: { source: src.ip, destination: dst.ip },
        // Direction comes from is_reply, so the mask leaves out the TCP flags.
        l4: { TCP: { source_port: sport, destination_port: dport } },
        source: endpoint(src, false),
        destination: endpoint(dst, false),
        event_type: { type: 4 },
        is_reply: reply,
      };
  return JSON.stringify(full ? { flow, node_name: flow.node_name, time: iso } : { flow });
}

function fixture(full: boolean): string[] {
  const lines: string[] = [];
  let time = Date.UTC(2025, 0, 1);
  let port = 32768;
  while (lines.length < LINES) {
    const [a, b] = zipfEdge();
    const client = workloads[a] as Workload;
    const server = workloads[b] as Workload;
    port = port >= 60999 ? 32768 : port + 1;
    time += 3;
    // What Hubble writes for one short TCP connection between pods on two nodes: each packet is
    // traced where it leaves one node and where it reaches the other endpoint.
    lines.push(
      line(time, client, port, server, false, { SYN: true }, 'TO_OVERLAY', full),
      line(time, client, port, server, false, { SYN: true }, 'TO_ENDPOINT', full),
      line(time + 1, client, port, server, true, { SYN: true, ACK: true }, 'TO_OVERLAY', full),
      line(time + 1, client, port, server, true, { SYN: true, ACK: true }, 'TO_ENDPOINT', full),
      line(time + 1, client, port, server, false, { ACK: true, PSH: true }, 'TO_OVERLAY', full),
      line(time + 1, client, port, server, false, { ACK: true, PSH: true }, 'TO_ENDPOINT', full),
      line(time + 2, client, port, server, true, { ACK: true, PSH: true }, 'TO_ENDPOINT', full),
      line(time + 2, client, port, server, true, { ACK: true, FIN: true }, 'TO_ENDPOINT', full),
    );
  }
  return lines.slice(0, LINES);
}

interface Measurement {
  variant: string;
  lines: number;
  megabytes: number;
  bareSeconds: number;
  ingestSeconds: number;
  bareLinesPerSecond: number;
  ingestLinesPerSecond: number;
  ratio: number;
  flows: number;
}

function measure(variant: string, lines: string[]): Measurement {
  const megabytes = lines.reduce((sum, text) => sum + Buffer.byteLength(text) + 1, 0) / 1e6;
  const records: SourceLine[] = lines.map((record, index) => ({ record, origin: { source: 'bench', line: index + 1 } }));
  const bare = (): number => {
    let sink = 0;
    const start = process.hrtime.bigint();
    for (const record of lines) sink += (JSON.parse(record) as { flow?: unknown }).flow === undefined ? 0 : 1;
    if (sink < 0) throw new Error('unreachable');
    return Number(process.hrtime.bigint() - start) / 1e9;
  };
  let flows = 0;
  const pipeline = (): number => {
    const start = process.hrtime.bigint();
    const result = ingestLines(records, { format: 'hubble' });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    flows = result.flows.length;
    return seconds;
  };
  // Warm up both paths, then alternate runs and keep each one's best (the machine is shared).
  bare();
  pipeline();
  let bareSeconds = Infinity;
  let ingestSeconds = Infinity;
  for (let run = 0; run < 3; run++) {
    bareSeconds = Math.min(bareSeconds, bare());
    ingestSeconds = Math.min(ingestSeconds, pipeline());
  }
  return {
    variant,
    lines: lines.length,
    megabytes: Math.round(megabytes * 10) / 10,
    bareSeconds: round(bareSeconds),
    ingestSeconds: round(ingestSeconds),
    bareLinesPerSecond: Math.round(lines.length / bareSeconds),
    ingestLinesPerSecond: Math.round(lines.length / ingestSeconds),
    ratio: round(bareSeconds / ingestSeconds),
    flows,
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** The variant's name with the mean line size actually measured, so the table says what was run. */
function labelled(variant: string, lines: readonly string[]): [string, string[]] {
  const bytes = lines.reduce((sum, text) => sum + Buffer.byteLength(text), 0) / lines.length;
  return [`${variant} (${(bytes / 1000).toFixed(2)} KB/line)`, [...lines]];
}

const results = [measure(...labelled('full', fixture(true))), measure(...labelled('field-masked', fixture(false)))];
console.log('| variant | lines | MB | bare JSON.parse s | ingestLines s | bare lines/s | ingest lines/s | ratio (target ≥ 0.7) | flows |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of results)
  console.log(`| ${r.variant} | ${r.lines} | ${r.megabytes} | ${r.bareSeconds} | ${r.ingestSeconds} | ${r.bareLinesPerSecond} | ${r.ingestLinesPerSecond} | ${r.ratio} | ${r.flows} |`);
const out = resolve(dirname(fileURLToPath(import.meta.url)), 'results/r1.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify({ benchmark: 'R1', target: 0.7, node: process.version, workloads: WORKLOADS, edges: EDGES, results }, null, 2)}\n`);
console.log(`\nwritten ${out}`);

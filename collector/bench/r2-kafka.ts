/**
 * R2 (BENCHMARKS.md): the collector into Kafka, against `kcat -P` producing the same lines to the
 * same broker and a topic of the same partitions, in the same run. Target: ≥ 0.6× kcat.
 *
 * Both read the same file of realistic Hubble lines (~1,000 workloads, ~10,000 Zipf-mixed edges).
 * kcat sends every line as a message; the collector parses, orients, de-duplicates and resolves
 * each line, and sends the Flows that result (fewer than the lines: replies and repeated
 * observation points are skipped), keyed by destination workload, idempotent, acks from all
 * replicas. The ratio compares input lines per second, the work both do on the same input;
 * flows per second are reported next to it.
 *
 * Run (services up): `npx tsx collector/bench/r2-kafka.ts [lines]`; prints a Markdown table and
 * writes `collector/bench/results/r2.json`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchKafka, BROKERS, hubbleFixtureFile, markdownTable, PARTITIONS, runCollector, runKcat, type CollectorRun } from './kafka-bench.js';

const LINES = Number(process.argv[2] ?? 200_000);
const RUNS = 3;

const fixture = hubbleFixtureFile(LINES);
const kafka = benchKafka();
// Warm-up of both (JIT, broker page cache), then alternate and keep each one's best: the machine is shared.
await runKcat(kafka, fixture.path, fixture.lines);
await runCollector(kafka, fixture.path, { batchSize: 2000, lingerMs: 20, maxBufferedMessages: 20_000 });
let best: CollectorRun | undefined;
let kcatSeconds = Infinity;
for (let run = 0; run < RUNS; run++) {
  kcatSeconds = Math.min(kcatSeconds, (await runKcat(kafka, fixture.path, fixture.lines)).seconds);
  const collector = await runCollector(kafka, fixture.path, { batchSize: 2000, lingerMs: 20, maxBufferedMessages: 20_000 });
  if (best === undefined || collector.seconds < best.seconds) best = collector;
}
if (best === undefined) throw new Error('no run');

const kcatLinesPerSecond = fixture.lines / kcatSeconds;
const collectorLinesPerSecond = fixture.lines / best.seconds;
const result = {
  id: 'R2',
  target: '≥ 0.6× kcat',
  brokers: BROKERS,
  partitions: PARTITIONS,
  lines: fixture.lines,
  megabytes: Number(fixture.megabytes.toFixed(1)),
  flows: best.summary.flowsProduced,
  kcatSeconds: Number(kcatSeconds.toFixed(3)),
  collectorSeconds: Number(best.seconds.toFixed(3)),
  kcatLinesPerSecond: Math.round(kcatLinesPerSecond),
  collectorLinesPerSecond: Math.round(collectorLinesPerSecond),
  collectorFlowsPerSecond: Math.round(best.summary.flowsProduced / best.seconds),
  collectorCpuMicrosPerFlow: Number(best.cpuMicrosPerFlow.toFixed(1)),
  ratio: Number((collectorLinesPerSecond / kcatLinesPerSecond).toFixed(2)),
  runs: RUNS,
  node: process.version,
  date: new Date().toISOString(),
};

console.log(
  markdownTable(
    ['R2', 'lines', 'MB', 'kcat lines/s', 'collector lines/s', 'collector flows/s', 'collector CPU-µs/flow', 'ratio (target ≥ 0.6)'],
    [[`${PARTITIONS} partitions`, result.lines, result.megabytes, result.kcatLinesPerSecond, result.collectorLinesPerSecond, result.collectorFlowsPerSecond, result.collectorCpuMicrosPerFlow, result.ratio]],
  ),
);
const out = resolve(dirname(fileURLToPath(import.meta.url)), 'results/r2.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);

/**
 * R3 (BENCHMARKS.md): the batched collector against the same collector awaiting each send(), in
 * the same run, to the same broker. Target: ≥ 25×.
 *
 * Both are the real `palisade collect` service over the same file of realistic Hubble lines; only
 * the sink settings differ. Batched: the defaults (batches of up to 2,000 messages after 20 ms,
 * 20,000 buffered). Per send: batches of exactly one message and a buffer of one, so every flow waits for
 * its own acknowledgement before the next line is read, which is what a collector calling
 * `await producer.send()` per flow does. The per-send run reads fewer lines (it is slow); the
 * ratio compares flows per second. A second pair of rows runs the Kafka sink alone on flows
 * already parsed, batched and per send, to show what batching buys apart from the parsing both
 * collector runs share.
 *
 * Run (services up): `npx tsx collector/bench/r3-batching.ts [lines] [per-send lines]`; prints a
 * Markdown table and writes `collector/bench/results/r3.json`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ingestLines } from '../src/index.js';
import { benchKafka, BROKERS, hubbleFixtureFile, markdownTable, PARTITIONS, runCollector, runSinkOnly, type CollectorRun } from './kafka-bench.js';

const LINES = Number(process.argv[2] ?? 100_000);
const PER_SEND_LINES = Number(process.argv[3] ?? 8_000);
const RUNS = 2;
const BATCHED = { batchSize: 2000, lingerMs: 20, maxBufferedMessages: 20_000 };
const PER_SEND = { batchSize: 1, lingerMs: 0, maxBufferedMessages: 1, maxBatchMessages: 1 };

const batchedFixture = hubbleFixtureFile(LINES);
const perSendFixture = hubbleFixtureFile(PER_SEND_LINES);
const kafka = benchKafka();
await runCollector(kafka, perSendFixture.path, BATCHED);
let batched: CollectorRun | undefined;
let perSend: CollectorRun | undefined;
const faster = (a: CollectorRun | undefined, b: CollectorRun) => (a === undefined || b.summary.flowsProduced / b.seconds > a.summary.flowsProduced / a.seconds ? b : a);
for (let run = 0; run < RUNS; run++) {
  perSend = faster(perSend, await runCollector(kafka, perSendFixture.path, PER_SEND));
  batched = faster(batched, await runCollector(kafka, batchedFixture.path, BATCHED));
}
if (batched === undefined || perSend === undefined) throw new Error('no run');

const parsedFlows = ingestLines(
  readFileSync(batchedFixture.path, 'utf8')
    .trimEnd()
    .split('\n')
    .map((record, index) => ({ record, origin: { source: 'bench', line: index + 1 } })),
  { format: 'hubble' },
).flows;
const sinkFlows = parsedFlows.slice(0, 20_000);
const perSendFlows = parsedFlows.slice(0, perSend.summary.flowsProduced);
const sinkBatched = await runSinkOnly(kafka, sinkFlows, BATCHED);
const sinkPerSend = await runSinkOnly(kafka, perSendFlows, PER_SEND);

const rate = (run: CollectorRun) => run.summary.flowsProduced / run.seconds;
const result = {
  id: 'R3',
  target: '≥ 25×',
  brokers: BROKERS,
  partitions: PARTITIONS,
  batched: { lines: batchedFixture.lines, flows: batched.summary.flowsProduced, seconds: Number(batched.seconds.toFixed(3)), flowsPerSecond: Math.round(rate(batched)), cpuMicrosPerFlow: Number(batched.cpuMicrosPerFlow.toFixed(1)), sink: BATCHED },
  perSend: { lines: perSendFixture.lines, flows: perSend.summary.flowsProduced, seconds: Number(perSend.seconds.toFixed(3)), flowsPerSecond: Math.round(rate(perSend)), cpuMicrosPerFlow: Number(perSend.cpuMicrosPerFlow.toFixed(1)), sink: PER_SEND },
  ratio: Number((rate(batched) / rate(perSend)).toFixed(1)),
  sinkOnly: {
    batched: { flows: sinkFlows.length, flowsPerSecond: Math.round(sinkFlows.length / sinkBatched.seconds), cpuMicrosPerFlow: Number(sinkBatched.cpuMicrosPerFlow.toFixed(1)) },
    perSend: { flows: perSendFlows.length, flowsPerSecond: Math.round(perSendFlows.length / sinkPerSend.seconds), cpuMicrosPerFlow: Number(sinkPerSend.cpuMicrosPerFlow.toFixed(1)) },
    ratio: Number((sinkFlows.length / sinkBatched.seconds / (perSendFlows.length / sinkPerSend.seconds)).toFixed(1)),
  },
  runs: RUNS,
  node: process.version,
  date: new Date().toISOString(),
};

console.log(
  markdownTable(
    ['R3', 'lines', 'flows', 'seconds', 'flows/s', 'CPU-µs/flow'],
    [
      ['batched', result.batched.lines, result.batched.flows, result.batched.seconds, result.batched.flowsPerSecond, result.batched.cpuMicrosPerFlow],
      ['awaiting each send()', result.perSend.lines, result.perSend.flows, result.perSend.seconds, result.perSend.flowsPerSecond, result.perSend.cpuMicrosPerFlow],
      ['ratio (target ≥ 25)', '', '', '', result.ratio, ''],
      ['sink only, batched', '', result.sinkOnly.batched.flows, '', result.sinkOnly.batched.flowsPerSecond, result.sinkOnly.batched.cpuMicrosPerFlow],
      ['sink only, awaiting each send()', '', result.sinkOnly.perSend.flows, '', result.sinkOnly.perSend.flowsPerSecond, result.sinkOnly.perSend.cpuMicrosPerFlow],
      ['sink-only ratio', '', '', '', result.sinkOnly.ratio, ''],
    ],
  ),
);
const out = resolve(dirname(fileURLToPath(import.meta.url)), 'results/r3.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);

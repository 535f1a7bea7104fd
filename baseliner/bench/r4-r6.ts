/**
 * R4, R5 and R6 (BENCHMARKS.md) of the baseliner, side by side in one run:
 *
 * - R4: Kafka → Redis flows/s of the baseliner against a naive consumer doing one awaited Redis
 *   write per flow (validated the same way), on the same topic. Target ≥ 50×.
 * - R5: Redis commands per flow at ~50 flows per edge, from the client's own command counter and
 *   from `INFO commandstats` (which also counts the commands the Lua scripts run). Target ≤ 0.02.
 * - R6: end-to-end sustained rate with the service as its own process, a producer at a fixed
 *   rate, lag sampled every second; CPU-µs per flow summed over the baseliner, Redis and the
 *   Kafka broker (from /proc), and peak RSS. Target ≥ 30k flows/s at ≤ 60 CPU-µs per flow.
 *
 * Redis is a private server on a free port (no other client pollutes its counters); Kafka is the
 * shared test broker (`test/env/services.sh up kafka`), so its CPU share includes other users.
 *
 * Run: `npm run bench -w @palisade/baseliner` or `npx tsx baseliner/bench/r4-r6.ts [flows] [r6-rate] [r6-seconds]`.
 * Prints a Markdown table, writes `baseliner/bench/results/r4-r6.json`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { Redis } from 'ioredis';
import { decodeFlow, encodeFlow, flowKey } from '@palisade/collector';
import { openRedisBaselineStore } from '../src/redis.js';
import { createBaseliner, createKafkaFlowConsumer, createKafkaRecordSink, parseBaselinerSettings, SILENT_LOGGER } from '../src/service.js';
import { flowStream } from './flow-fixture.js';

const FLOWS = Number(process.argv[2] ?? 500_000);
const R6_RATE = Number(process.argv[3] ?? 30_000);
const R6_SECONDS = Number(process.argv[4] ?? 30);
const NAIVE_FLOWS = Math.min(FLOWS, 20_000);
const PARTITIONS = 4;
const HERE = dirname(fileURLToPath(import.meta.url));
const CACHE = process.env['PALISADE_CACHE_DIR'] ?? join(homedir(), '.cache/palisade');
const BROKERS = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:19092').split(',');
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/** CPU seconds (user + system) and RSS of a process, from /proc. */
function procStat(pid: number): { cpuSeconds: number; rssBytes: number; peakRssBytes: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
  return { cpuSeconds: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS, rssBytes: kb('VmRSS'), peakRssBytes: kb('VmHWM') };
}

function pidOf(service: string): number | undefined {
  try {
    return Number(readFileSync(join(CACHE, 'run', service, 'pid'), 'utf8').trim());
  } catch {
    return undefined;
  }
}

async function commandstats(redis: Redis): Promise<{ total: number; byCommand: Record<string, number> }> {
  const info = await redis.info('commandstats');
  const byCommand: Record<string, number> = {};
  let total = 0;
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    byCommand[match[1] as string] = Number(match[2]);
    total += Number(match[2]);
  }
  return { total, byCommand };
}

async function produce(kafka: Kafka, topic: string, count: number, stream: Generator<ReturnType<typeof flowStream> extends Generator<infer F> ? F : never>): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const inFlight: Promise<unknown>[] = [];
  for (let sent = 0; sent < count; ) {
    const size = Math.min(1_000, count - sent);
    const messages = Array.from({ length: size }, () => {
      const flow = stream.next().value;
      return { key: flowKey(flow), value: encodeFlow(flow) };
    });
    inFlight.push(producer.send({ topic, acks: 1, messages }));
    if (inFlight.length >= 8) await inFlight.shift();
    sent += size;
  }
  await Promise.all(inFlight);
  await producer.disconnect();
}

async function main(): Promise<void> {
  const kafka = new Kafka({ clientId: 'palisade-bench', brokers: BROKERS, logLevel: logLevel.ERROR });
  const admin = kafka.admin();
  await admin.connect();
  const port = await freePort();
  const redisDir = mkdtempSync(join(tmpdir(), 'palisade-bench-redis-'));
  const started = spawnSync('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', redisDir, '--daemonize', 'yes', '--pidfile', join(redisDir, 'pid'), '--logfile', join(redisDir, 'log')]);
  if (started.status !== 0) throw new Error(`redis-server: ${started.stderr}`);
  await sleep(300);
  const redisPid = Number(readFileSync(join(redisDir, 'pid'), 'utf8').trim());
  const redisUrl = `redis://127.0.0.1:${port}`;
  const redis = new Redis(redisUrl);
  const topics: string[] = [];
  const topicFor = async (name: string) => {
    const topic = `palisade-bench-${name}-${randomUUID()}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }], waitForLeaders: true });
    topics.push(topic);
    return topic;
  };
  const settingsFor = (topic: string, prefix: string) =>
    parseBaselinerSettings({}, { kafkaBrokers: BROKERS.join(','), redisUrl, redisPrefix: prefix, topic, group: `${topic}-baseliner`, deadLetterTopic: topic, anomaliesTopic: topic });
  try {
    // ---- R4 and R5: a backlog of FLOWS, consumed by the baseliner, then by the naive consumer ----
    const topic = await topicFor('backlog');
    process.stderr.write(`producing ${FLOWS} flows to ${topic}…\n`);
    await produce(kafka, topic, FLOWS, flowStream());
    const prefix = `bench:${randomUUID()}:`;
    const opened = await openRedisBaselineStore({ url: redisUrl, prefix, tls: false });
    const statsBefore = await commandstats(redis);
    // The service's own wiring (createBaseliner), so the clock can start at the first batch (the
    // group join is not the baseliner's cost, nor the naive consumer's) and stop when the last
    // flow is consumed and flushed, not when the idle flush timer would fire.
    let consumed = 0;
    let firstBatchAt: number | undefined;
    let allConsumed!: () => void;
    const consumedAll = new Promise<void>((done) => (allConsumed = done));
    const settings = settingsFor(topic, prefix);
    const baseliner = createBaseliner({
      store: opened.store,
      consumer: createKafkaFlowConsumer(kafka, { groupId: settings.group, topic }),
      producer: createKafkaRecordSink(kafka),
      topics: { flows: topic, deadLetters: topic, anomalies: topic },
      clock: Date.now,
      logger: SILENT_LOGGER,
      flush: { maxFlows: settings.flushFlows, maxAgeMs: settings.flushIntervalMs },
      commandsSent: () => opened.redis.commandsSent,
      metrics: {
        batch: (_topic, _partition, messages) => {
          firstBatchAt ??= performance.now();
          if ((consumed += messages) >= FLOWS) allConsumed();
        },
        deadLetters: () => undefined,
        retry: () => undefined,
        flush: () => undefined,
        anomalies: () => undefined,
      },
    });
    const commands0 = opened.redis.commandsSent;
    const redisCpu0 = procStat(redisPid).cpuSeconds;
    const cpuStart = process.cpuUsage();
    const t0 = performance.now();
    await baseliner.start();
    await consumedAll;
    await baseliner.flush();
    const oursSeconds = (performance.now() - (firstBatchAt ?? t0)) / 1_000;
    const oursFlows = FLOWS;
    const oursCpu = process.cpuUsage(cpuStart);
    const oursRedisCpu = (procStat(redisPid).cpuSeconds - redisCpu0) * 1e6;
    const clientCommands = opened.redis.commandsSent - commands0;
    const statsAfter = await commandstats(redis);
    await baseliner.stop();
    const baseline = await opened.store.read();
    const serverCalls = statsAfter.total - statsBefore.total - 1; // -1: the INFO itself
    const evalsha = (statsAfter.byCommand['evalsha'] ?? 0) + (statsAfter.byCommand['eval'] ?? 0) - (statsBefore.byCommand['evalsha'] ?? 0) - (statsBefore.byCommand['eval'] ?? 0);
    await opened.close();

    process.stderr.write(`naive consumer over ${NAIVE_FLOWS} flows…\n`);
    const naiveRedis = new Redis(redisUrl);
    const naive = kafka.consumer({ groupId: `${topic}-naive` });
    await naive.connect();
    await naive.subscribe({ topics: [topic], fromBeginning: true });
    let naiveCount = 0;
    let naiveDone!: () => void;
    const naiveFinished = new Promise<void>((done) => (naiveDone = done));
    let n0 = 0;
    let naiveCpu0 = process.cpuUsage();
    let naiveRedisCpu0 = 0;
    await naive.run({
      eachMessage: async ({ message }) => {
        if (naiveCount >= NAIVE_FLOWS) return;
        if (naiveCount === 0) [n0, naiveCpu0, naiveRedisCpu0] = [performance.now(), process.cpuUsage(), procStat(redisPid).cpuSeconds];
        const decoded = decodeFlow(message.value);
        if (decoded.ok) {
          const flow = decoded.flow;
          await naiveRedis.hincrby(`naive:${flowKey(flow)}`, `${flow.source.namespace}/${flow.source.workload?.name}|${flow.protocol}|${flow.port}`, flow.count);
        }
        if (++naiveCount === NAIVE_FLOWS) naiveDone();
      },
    });
    await naiveFinished;
    const naiveSeconds = (performance.now() - n0) / 1_000;
    const naiveCpu = process.cpuUsage(naiveCpu0);
    const naiveRedisCpu = (procStat(redisPid).cpuSeconds - naiveRedisCpu0) * 1e6;
    await naive.disconnect();
    await naiveRedis.quit();

    // ---- R6: the service as a child process, a producer at a fixed rate ----
    const r6Topic = await topicFor('sustained');
    const r6Prefix = `bench:${randomUUID()}:`;
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(HERE, '../../test/integration/baseliner/fixtures/run-baseliner.ts')], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        PALISADE_KAFKA_BROKERS: BROKERS.join(','),
        PALISADE_REDIS_URL: redisUrl,
        PALISADE_REDIS_PREFIX: r6Prefix,
        PALISADE_FLOWS_TOPIC: r6Topic,
        PALISADE_BASELINER_GROUP: `${r6Topic}-baseliner`,
        PALISADE_DEAD_LETTER_TOPIC: r6Topic,
        PALISADE_ANOMALIES_TOPIC: r6Topic,
        PALISADE_LOG_LEVEL: 'warn',
      },
    });
    const r6Store = await openRedisBaselineStore({ url: redisUrl, prefix: r6Prefix, tls: false });
    const storedNow = async () => [...(await r6Store.store.partitionOffsets(r6Topic)).values()].reduce((sum, offset) => sum + offset, 0);
    // The clock starts once the service has joined its group.
    for (;;) {
      const { groups } = await admin.describeGroups([`${r6Topic}-baseliner`]);
      if (groups[0]?.state === 'Stable' && groups[0].members.length === 1) break;
      await sleep(200);
    }
    const kafkaPid = pidOf('kafka');
    const before = { child: procStat(child.pid as number), redis: procStat(redisPid), kafka: kafkaPid ? procStat(kafkaPid) : undefined, producer: process.cpuUsage() };
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const stream = flowStream(undefined, 7);
    const r6Start = performance.now();
    const lagSamples: number[] = [];
    let produced = 0;
    let nextSample = 1_000;
    while (performance.now() - r6Start < R6_SECONDS * 1_000) {
      const due = Math.floor(((performance.now() - r6Start) / 1_000) * R6_RATE);
      if (due > produced) {
        const size = Math.min(due - produced, 1_000);
        const messages = Array.from({ length: size }, () => {
          const flow = stream.next().value;
          return { key: flowKey(flow), value: encodeFlow(flow) };
        });
        await producer.send({ topic: r6Topic, acks: 1, messages });
        produced += size;
      } else await sleep(5);
      if (performance.now() - r6Start >= nextSample) {
        nextSample += 1_000;
        lagSamples.push(produced - (await storedNow()));
      }
    }
    const r6Seconds = (performance.now() - r6Start) / 1_000;
    const storedAtEnd = await storedNow();
    const after = { child: procStat(child.pid as number), redis: procStat(redisPid), kafka: kafkaPid ? procStat(kafkaPid) : undefined, producer: process.cpuUsage(before.producer) };
    await producer.disconnect();
    let drained = storedAtEnd;
    for (let wait = 0; drained < produced && wait < 100; wait++) {
      await sleep(100);
      drained = await storedNow();
    }
    child.kill('SIGTERM');
    await new Promise((done) => child.once('exit', done));
    await r6Store.close();

    const cpuUs = (a: number, b: number) => (b - a) * 1e6;
    const baselinerCpu = cpuUs(before.child.cpuSeconds, after.child.cpuSeconds);
    const redisCpu = cpuUs(before.redis.cpuSeconds, after.redis.cpuSeconds);
    const kafkaCpu = before.kafka && after.kafka ? cpuUs(before.kafka.cpuSeconds, after.kafka.cpuSeconds) : Number.NaN;
    const producerCpu = after.producer.user + after.producer.system;
    const consumedRate = storedAtEnd / r6Seconds;

    const results = {
      date: new Date().toISOString(),
      machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
      fixture: { flows: FLOWS, workloads: 1_000, edges: 10_000, distinctEdges: baseline.edges.length, flowsPerEdge: FLOWS / baseline.edges.length, partitions: PARTITIONS },
      r4: {
        baselinerFlowsPerSecond: oursFlows / oursSeconds,
        naiveFlowsPerSecond: NAIVE_FLOWS / naiveSeconds,
        ratio: oursFlows / oursSeconds / (NAIVE_FLOWS / naiveSeconds),
        baselinerCpuUsPerFlow: (oursCpu.user + oursCpu.system) / FLOWS,
        baselinerRedisCpuUsPerFlow: oursRedisCpu / FLOWS,
        naiveCpuUsPerFlow: (naiveCpu.user + naiveCpu.system) / NAIVE_FLOWS,
        naiveRedisCpuUsPerFlow: naiveRedisCpu / NAIVE_FLOWS,
        cpuRatio: ((naiveCpu.user + naiveCpu.system + naiveRedisCpu) / NAIVE_FLOWS) / ((oursCpu.user + oursCpu.system + oursRedisCpu) / FLOWS),
        target: '≥ 50×',
      },
      r5: {
        clientCommandsPerFlow: clientCommands / FLOWS,
        serverCallsPerFlow: serverCalls / FLOWS,
        scriptsPerFlow: evalsha / FLOWS,
        target: '≤ 0.02',
      },
      r6: {
        offeredFlowsPerSecond: produced / r6Seconds,
        storedFlowsPerSecond: consumedRate,
        seconds: r6Seconds,
        lagSamples,
        lagAtEnd: produced - storedAtEnd,
        drainedAfterStop: drained >= produced,
        cpuUsPerFlow: { baseliner: baselinerCpu / storedAtEnd, redis: redisCpu / storedAtEnd, kafka: kafkaCpu / storedAtEnd, total: (baselinerCpu + redisCpu + kafkaCpu) / storedAtEnd, producer: producerCpu / produced },
        peakRssMiB: { baseliner: after.child.peakRssBytes / 2 ** 20, redis: after.redis.peakRssBytes / 2 ** 20, kafka: after.kafka ? after.kafka.peakRssBytes / 2 ** 20 : Number.NaN },
        target: '≥ 30k flows/s at ≤ 60 CPU-µs per flow; RSS < 1 GiB per process',
      },
    };
    const f = (value: number, digits = 0) => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
    const table = [
      '| id | measured | reference / detail | target |',
      '|---|---|---|---|',
      `| R4 | ${f(results.r4.baselinerFlowsPerSecond)} flows/s; CPU-µs/flow ${f(results.r4.baselinerCpuUsPerFlow, 1)} + Redis ${f(results.r4.baselinerRedisCpuUsPerFlow, 1)} | naive awaited write per flow: ${f(results.r4.naiveFlowsPerSecond)} flows/s, CPU-µs/flow ${f(results.r4.naiveCpuUsPerFlow, 1)} + Redis ${f(results.r4.naiveRedisCpuUsPerFlow, 1)} → **${f(results.r4.ratio, 1)}×** flows/s, ${f(results.r4.cpuRatio, 1)}× less CPU per flow | ≥ 50× |`,
      `| R5 | **${f(results.r5.clientCommandsPerFlow, 4)}** commands/flow sent by the client | ${f(results.fixture.flowsPerEdge, 1)} flows/edge; server-side incl. in-script calls ${f(results.r5.serverCallsPerFlow, 4)}/flow | ≤ 0.02 |`,
      `| R6 | **${f(consumedRate)}** flows/s stored of ${f(results.r6.offeredFlowsPerSecond)} offered over ${f(r6Seconds)} s; lag samples ${lagSamples.map((lag) => f(lag)).join(', ')} | CPU-µs/flow: baseliner ${f(results.r6.cpuUsPerFlow.baseliner, 1)} + Redis ${f(results.r6.cpuUsPerFlow.redis, 1)} + Kafka ${f(results.r6.cpuUsPerFlow.kafka, 1)} = **${f(results.r6.cpuUsPerFlow.total, 1)}** (producer ${f(results.r6.cpuUsPerFlow.producer, 1)}); peak RSS MiB: baseliner ${f(results.r6.peakRssMiB.baseliner)}, Redis ${f(results.r6.peakRssMiB.redis)}, Kafka ${f(results.r6.peakRssMiB.kafka)} | ≥ 30k flows/s, ≤ 60 µs, < 1 GiB |`,
    ].join('\n');
    process.stdout.write(`${table}\n`);
    mkdirSync(resolve(HERE, 'results'), { recursive: true });
    writeFileSync(resolve(HERE, 'results/r4-r6.json'), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(resolve(HERE, 'results/r4-r6.md'), `${table}\n`);
  } finally {
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
    await redis.quit().catch(() => undefined);
    spawnSync('redis-cli', ['-p', String(port), 'shutdown', 'nosave']);
    rmSync(redisDir, { recursive: true, force: true });
  }
}

await main();
process.exit(0);

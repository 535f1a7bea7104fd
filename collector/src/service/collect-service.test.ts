import { PassThrough } from 'node:stream';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parseCollectConfig } from './collect-config.js';
import { createCollectMetrics } from './collect-metrics.js';
import { CollectService, type CollectLogger } from './collect-service.js';
import { CollectConfigError } from '../errors.js';
import { FlowStream } from '../pipeline/flow-stream.js';
import { ingestLines } from './embedded-ingest.js';
import { createMetricsServer, listen } from './metrics-server.js';
import { MemoryFlowSink } from '../sinks/memory-sink.js';
import { StreamSource } from '../sources/stream-source.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const SAMPLE = path.resolve(process.cwd(), '../shared/flows/hubble/hubble-otel__basic-sample-400-tcp-flows.json');
const quiet: CollectLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('CollectService with the embedded (memory) sink', () => {
  it('delivers the flows and dead letters of the in-memory pipeline, counts them per format, serves /metrics and /healthz', async () => {
    const records = [...readFileSync(SAMPLE, 'utf8').trimEnd().split('\n'), 'not a flow'];
    const stdin = new PassThrough();
    const registry = new Registry();
    const sink = new MemoryFlowSink();
    const service = new CollectService({
      source: new StreamSource('stdin', '-', stdin),
      sink,
      stream: new FlowStream(),
      metrics: createCollectMetrics(registry),
      logger: quiet,
    });
    const server = createMetricsServer({ registry, healthy: () => service.healthy });
    const port = await listen(server, 0, '127.0.0.1');
    try {
      const done = service.run();
      stdin.write(`${records.slice(0, 10).join('\n')}\n`);
      await new Promise((resolve) => setImmediate(resolve));
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      stdin.end(`${records.slice(10).join('\n')}\n`);
      const summary = await done;
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(503);

      const expected = ingestLines(records.map((record, index) => ({ record, origin: { source: '-', line: index + 1 } })));
      expect(sink.flows).toEqual(expected.flows);
      expect(sink.deadLetters).toEqual([{ source: '-', line: records.length, reason: 'unknown format: no adapter recognises this line', record: 'not a flow' }]);
      expect(summary).toEqual({
        recordsRead: records.length,
        flowsProduced: expected.flows.length,
        deadLettered: 1,
        quarantined: expected.report.quarantined.count,
        skipped: expected.report.skipped.count,
      });

      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toContain(`palisade_collector_records_read_total{format="hubble"} ${records.length - 1}`);
      expect(metrics).toContain('palisade_collector_records_read_total{format="unknown"} 1');
      expect(metrics).toContain(`palisade_collector_flows_produced_total{format="hubble"} ${expected.flows.length}`);
      expect(metrics).toContain('palisade_collector_dead_lettered_total{format="unknown"} 1');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('stops on request while the source waits for input, and flushes what was read', async () => {
    const stdin = new PassThrough();
    const sink = new MemoryFlowSink();
    const service = new CollectService({ source: new StreamSource('stdin', '-', stdin), sink, stream: new FlowStream(), metrics: createCollectMetrics(new Registry()), logger: quiet });
    const done = service.run();
    stdin.write(`${readFileSync(SAMPLE, 'utf8').split('\n')[0]}\n`);
    await new Promise((resolve) => setTimeout(resolve, 10));
    service.stop();
    expect((await done).recordsRead).toBe(1);
  });
});

describe('parseCollectConfig', () => {
  it.each([
    [{ source: 'follow:/var/run/cilium/hubble/events.log' }, { source: { kind: 'follow', path: '/var/run/cilium/hubble/events.log' }, partitions: 6, topic: 'palisade.flows.v1' }],
    [{ source: 'kafka:netobserv-flows', partitions: '12' }, { source: { kind: 'kafka', topic: 'netobserv-flows' }, partitions: 12 }],
    [{ source: '-' }, { source: { kind: 'stdin' } }],
  ])('%o', (flags, expected) => {
    expect(parseCollectConfig({ kafka: { brokers: 'kafka:9092' }, ...flags }, {})).toMatchObject(expected);
  });

  it('reads PALISADE_* variables, flags first, into a frozen configuration', () => {
    const config = parseCollectConfig({ source: 'stdin', metricsPort: '9000' }, { PALISADE_KAFKA_BROKERS: 'a:1,b:2', PALISADE_METRICS_PORT: '1', PALISADE_PARTITIONS: '3' });
    expect(config).toMatchObject({ kafka: { brokers: ['a:1', 'b:2'] }, metricsPort: 9000, partitions: 3 });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it.each([
    [{ source: 'tcp:1234', kafka: { brokers: 'k:9092' } }, '--source: "tcp:1234" is not file:PATH, follow:PATH, stdin or kafka:TOPIC'],
    [{ source: 'stdin' }, '--kafka-brokers'],
    [{ source: 'stdin', kafka: { brokers: 'k:9092' }, partitions: '0' }, '--partitions'],
    [{ source: 'stdin', kafka: { brokers: 'k:9092' }, kubeconfig: 'a', cluster: 'b' }, '--kubeconfig and --cluster exclude each other'],
  ])('names the flag at fault: %o', (flags, message) => {
    expect(() => parseCollectConfig(flags, {})).toThrow(CollectConfigError);
    expect(() => parseCollectConfig(flags, {})).toThrow(message);
  });
});

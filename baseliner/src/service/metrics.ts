import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What the baseliner reports; {@link createPromMetrics} turns it into Prometheus metrics. */
export interface BaselinerMetrics {
  batch(topic: string, partition: number, messages: number, lag: number): void;
  deadLetters(count: number): void;
  flush(flows: number, owners: number, redisCommands: number): void;
  anomalies(count: number): void;
  /** One retried failure of a store or Kafka call (`what` names the call). */
  retry(what: string): void;
}

/** Metrics that go nowhere. */
export const NO_METRICS: BaselinerMetrics = Object.freeze({ batch: () => undefined, deadLetters: () => undefined, flush: () => undefined, anomalies: () => undefined, retry: () => undefined });

/** prom-client metrics in their own registry (no global state). */
export function createPromMetrics(): { metrics: BaselinerMetrics; registry: Registry } {
  const registry = new Registry();
  const batches = new Counter({ name: 'palisade_baseliner_batches_total', help: 'Kafka batches consumed', registers: [registry] });
  const messages = new Counter({ name: 'palisade_baseliner_messages_total', help: 'Kafka messages consumed', registers: [registry] });
  const lag = new Gauge({ name: 'palisade_baseliner_consumer_lag', help: 'Messages behind the high watermark, per partition', labelNames: ['topic', 'partition'], registers: [registry] });
  const deadLetters = new Counter({ name: 'palisade_baseliner_dead_letters_total', help: 'Messages sent to the dead-letter topic', registers: [registry] });
  const flushes = new Counter({ name: 'palisade_baseliner_flushes_total', help: 'Pre-aggregated flushes to Redis', registers: [registry] });
  const flows = new Counter({ name: 'palisade_baseliner_flows_total', help: 'Flows folded into the baseline', registers: [registry] });
  const commands = new Histogram({ name: 'palisade_baseliner_redis_commands_per_flush', help: 'Redis commands sent per flush', buckets: [1, 10, 100, 1_000, 10_000], registers: [registry] });
  const anomalies = new Counter({ name: 'palisade_baseliner_anomalies_total', help: 'Edges first seen under a lock', registers: [registry] });
  const retries = new Counter({ name: 'palisade_baseliner_retries_total', help: 'Retried failures of Redis and Kafka calls, by call', labelNames: ['call'], registers: [registry] });
  return {
    registry,
    metrics: {
      batch(topic, partition, count, behind) {
        batches.inc();
        messages.inc(count);
        lag.set({ topic, partition: String(partition) }, behind);
      },
      deadLetters: (count) => deadLetters.inc(count),
      flush(flowCount, _owners, redisCommands) {
        flushes.inc();
        flows.inc(flowCount);
        commands.observe(redisCommands);
      },
      anomalies: (count) => anomalies.inc(count),
      retry: (what) => retries.inc({ call: what }),
    },
  };
}

/** `/metrics` (Prometheus) and `/healthz` (200 while `healthy()`); all interfaces by default, as a pod is scraped on its IP. */
export async function serveMetrics(registry: Registry, healthy: () => boolean, port: number, host = '0.0.0.0'): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.url === '/metrics') {
      registry.metrics().then(
        (body) => response.writeHead(200, { 'content-type': registry.contentType }).end(body),
        (error: Error) => response.writeHead(500).end(error.message),
      );
    } else if (request.url === '/healthz' || request.url === '/readyz') {
      const ok = healthy();
      response.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(ok ? 'ok\n' : 'not ready\n');
    } else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return server;
}

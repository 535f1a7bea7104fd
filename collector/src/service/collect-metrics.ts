import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * The `collect` service's Prometheus metrics, registered on the registry passed in (never the
 * global one, so tests and several services in one process do not collide). Labels stay bounded:
 * the format (five values plus `unknown`) and, for quarantines and skips, the adapters' fixed
 * reason strings.
 */
export interface CollectMetrics {
  readonly recordsRead: Counter<'format'>;
  readonly flowsProduced: Counter<'format'>;
  readonly deadLettered: Counter<'format'>;
  readonly quarantined: Counter<'format' | 'reason'>;
  readonly skipped: Counter<'format' | 'reason'>;
  readonly sinkBatches: Counter;
  readonly sinkRetries: Counter;
  readonly sinkBuffered: Gauge;
}

/** Registers the metrics on `registry`; `buffered` reports the sink's buffer at scrape time. */
export function createCollectMetrics(registry: Registry, buffered: () => number = () => 0): CollectMetrics {
  const registers = [registry];
  return {
    recordsRead: new Counter({ name: 'palisade_collector_records_read_total', help: 'Non-blank input records read, per format', labelNames: ['format'], registers }),
    flowsProduced: new Counter({ name: 'palisade_collector_flows_produced_total', help: 'Oriented flows handed to the sink, per format', labelNames: ['format'], registers }),
    deadLettered: new Counter({ name: 'palisade_collector_dead_lettered_total', help: 'Records sent to the dead-letter topic, per format', labelNames: ['format'], registers }),
    quarantined: new Counter({
      name: 'palisade_collector_quarantined_total',
      help: 'Valid records that could not be tied to a workload without guessing, per format and reason',
      labelNames: ['format', 'reason'],
      registers,
    }),
    skipped: new Counter({
      name: 'palisade_collector_skipped_total',
      help: 'Valid records carrying no new connection (replies, repeats), per format and reason',
      labelNames: ['format', 'reason'],
      registers,
    }),
    sinkBatches: new Counter({ name: 'palisade_collector_sink_batches_total', help: 'Batches acknowledged by Kafka', registers }),
    sinkRetries: new Counter({ name: 'palisade_collector_sink_retries_total', help: 'Batch attempts that failed and were retried', registers }),
    sinkBuffered: new Gauge({
      name: 'palisade_collector_sink_buffered_messages',
      help: 'Messages accepted by the sink and not yet acknowledged',
      registers,
      collect() {
        this.set(buffered());
      },
    }),
  };
}

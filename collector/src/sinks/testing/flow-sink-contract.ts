import { describe, expect, it } from 'vitest';
import { FlowSchema, type Flow, type FlowInput } from '../../flow/flow.js';
import type { DeadLetter } from '../../pipeline/records.js';
import { flowKey } from '../kafka/flow-topics.js';
import type { FlowSink } from '../sink.js';

/** What the sink has written, as the far side of its transport reads it back. */
export interface DeliveredRecords {
  readonly flows: readonly Flow[];
  readonly deadLetters: readonly DeadLetter[];
}

/** A fresh sink, and a way to read back what it has durably written so far. */
export interface FlowSinkUnderTest {
  readonly sink: FlowSink;
  delivered(): Promise<DeliveredRecords>;
}

const workload = (name: string) => ({ kind: 'Deployment' as const, name });
const pod = (namespace: string, name: string, ip: string) =>
  ({ kind: 'pod', ip, namespace, pod: `${name}-7d4b9c8f6d-x2x9z`, labels: { app: name }, workload: workload(name) }) as const;

/**
 * The contract's flows: three destination workloads and an external destination (four keys),
 * several flows per key so order within a key shows, a denied flow, an ICMP flow without a port,
 * and a flow through a Service.
 */
export const CONTRACT_FLOWS: readonly Flow[] = Array.from({ length: 24 }, (_, index): FlowInput => {
  const base = { time: 1_700_000_000_000 + index, source: pod('shop', 'web', '10.244.0.5'), verdict: 'allowed', format: 'hubble' } as const;
  switch (index % 4) {
    case 0:
      return { ...base, destination: pod('shop', 'api', '10.244.0.6'), protocol: 'TCP', port: 8080 + index, serviceName: 'shop/api' };
    case 1:
      return { ...base, destination: pod('shop', 'db', '10.244.0.7'), protocol: 'TCP', port: 5432, verdict: index === 5 ? 'denied' : 'allowed', count: index };
    case 2:
      return { ...base, destination: pod('ops', 'probe', '10.244.1.2'), protocol: 'ICMPv4' };
    default:
      return { ...base, destination: { kind: 'world', ip: '203.0.113.9' }, protocol: 'UDP', port: 53 };
  }
}).map((input) => FlowSchema.parse(input));

/** The contract's dead letters: two sources, with and without the raw record and the format. */
export const CONTRACT_DEAD_LETTERS: readonly DeadLetter[] = [
  { source: 'events.log', line: 3, reason: 'not valid JSON: Unexpected token', record: '{"flow": broken', format: 'hubble' },
  { source: 'stdin', line: 1, reason: 'unknown format: no adapter recognises this line', record: 'src=1.2.3.4 dst=5.6.7.8' },
  { source: 'events.log', line: 9, reason: 'direction unknown, held back, then unreadable', format: 'hubble' },
  { source: 'events.log', line: 12, reason: 'field flow.source.labels.0: invalid label key', record: '{"flow":{}}', format: 'hubble' },
];

/** Values grouped by key, each group in the order given, groups sorted by key (so any interleaving of keys compares equal). */
function inKeyOrder<T>(values: readonly T[], key: (value: T) => string): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const value of values) {
    const group = groups.get(key(value));
    if (group) group.push(value);
    else groups.set(key(value), [value]);
  }
  return [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

const flowsByKey = (flows: readonly Flow[]) => inKeyOrder(flows, flowKey);
const lettersBySource = (letters: readonly DeadLetter[]) => inKeyOrder(letters, (letter) => letter.source);

/**
 * The promises of the {@link FlowSink} interface, as one suite that runs against each
 * implementation (the memory sink next to it, the Kafka sink against a real broker in `test/`):
 * after a flush every flow and dead letter handed over is there exactly once, unchanged, the flows
 * of one destination (the Kafka key) in the order they were sent and the dead letters of one source
 * likewise; close delivers what is pending, and sends after it reject.
 */
export function describeFlowSinkContract(name: string, open: () => Promise<FlowSinkUnderTest>): void {
  describe(`FlowSink contract: ${name}`, () => {
    it('holds nothing when new, and a flush with nothing sent resolves', async () => {
      const { sink, delivered } = await open();
      await sink.flush();
      expect(await delivered()).toEqual({ flows: [], deadLetters: [] });
    });

    it('delivers every flow once, unchanged, and the flows of one destination in the order they were sent', async () => {
      const { sink, delivered } = await open();
      // Uneven batches, an empty one among them: batching is the sink's business, not the caller's.
      for (const [from, to] of [[0, 5], [5, 5], [5, 6], [6, 24]] as const) await sink.sendFlows(CONTRACT_FLOWS.slice(from, to));
      await sink.flush();
      const { flows } = await delivered();
      expect(flows).toHaveLength(CONTRACT_FLOWS.length);
      expect(flowsByKey(flows)).toEqual(flowsByKey(CONTRACT_FLOWS));
    });

    it('delivers dead letters with their reason, origin, raw record and format, those of one source in order', async () => {
      const { sink, delivered } = await open();
      await sink.sendDeadLetters(CONTRACT_DEAD_LETTERS.slice(0, 1));
      await sink.sendDeadLetters(CONTRACT_DEAD_LETTERS.slice(1));
      await sink.flush();
      const { flows, deadLetters } = await delivered();
      expect(flows).toEqual([]);
      expect(deadLetters).toHaveLength(CONTRACT_DEAD_LETTERS.length);
      expect(lettersBySource(deadLetters)).toEqual(lettersBySource(CONTRACT_DEAD_LETTERS));
    });

    it('delivers flows and dead letters handed over together, as the pipeline hands over a chunk', async () => {
      const { sink, delivered } = await open();
      await Promise.all([sink.sendFlows(CONTRACT_FLOWS.slice(0, 8)), sink.sendDeadLetters(CONTRACT_DEAD_LETTERS)]);
      await Promise.all([sink.sendFlows(CONTRACT_FLOWS.slice(8)), sink.sendDeadLetters([])]);
      await sink.flush();
      const { flows, deadLetters } = await delivered();
      expect(flowsByKey(flows)).toEqual(flowsByKey(CONTRACT_FLOWS));
      expect(lettersBySource(deadLetters)).toEqual(lettersBySource(CONTRACT_DEAD_LETTERS));
    });

    it('flush covers everything handed over before it, however often it is called', async () => {
      const { sink, delivered } = await open();
      await sink.sendFlows(CONTRACT_FLOWS.slice(0, 12));
      await sink.flush();
      expect(flowsByKey((await delivered()).flows)).toEqual(flowsByKey(CONTRACT_FLOWS.slice(0, 12)));
      await sink.sendFlows(CONTRACT_FLOWS.slice(12));
      await Promise.all([sink.flush(), sink.flush()]);
      await sink.flush();
      const { flows } = await delivered();
      expect(flows).toHaveLength(CONTRACT_FLOWS.length);
      expect(flowsByKey(flows)).toEqual(flowsByKey(CONTRACT_FLOWS));
    });

    it('close delivers what is still pending; sends after it reject; closing again is harmless', async () => {
      const { sink, delivered } = await open();
      await sink.sendFlows(CONTRACT_FLOWS);
      await sink.sendDeadLetters(CONTRACT_DEAD_LETTERS);
      await sink.close();
      const { flows, deadLetters } = await delivered();
      expect(flowsByKey(flows)).toEqual(flowsByKey(CONTRACT_FLOWS));
      expect(lettersBySource(deadLetters)).toEqual(lettersBySource(CONTRACT_DEAD_LETTERS));
      await expect(sink.sendFlows(CONTRACT_FLOWS.slice(0, 1))).rejects.toThrow();
      await expect(sink.sendDeadLetters(CONTRACT_DEAD_LETTERS.slice(0, 1))).rejects.toThrow();
      await sink.close();
      expect((await delivered()).flows).toHaveLength(CONTRACT_FLOWS.length);
    });
  });
}

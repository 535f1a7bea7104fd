import { describe, expect, it } from 'vitest';
import type { Flow } from '@palisade/collector';
import type { BaselineStore, OwnerUpdate } from '../baseline-store.js';
import { BatchAggregator } from '../batch-aggregator.js';
import type { Edge } from '../../model/edge.js';
import { edgeKey } from '../../model/edge.js';
import { foldFlows } from '../../model/edge-fold.js';
import type { LockTable } from '../../model/lock.js';
import { NO_LOCKS } from '../../model/lock.js';

const pod = (namespace: string, name: string, labels: Record<string, string>) =>
  ({ kind: 'pod', namespace, pod: `${name}-7d4b9c8f6d-x2x9z`, labels, workload: { kind: 'Deployment', name } }) as const;

/** The contract's flows: two workloads, an external peer, a denied flow, labels that differ by pod. */
export const CONTRACT_FLOWS: readonly Flow[] = [
  { time: 1_000, source: pod('shop', 'web', { app: 'web', v: '1' }), destination: pod('shop', 'api', { app: 'api' }), protocol: 'TCP', port: 8080, verdict: 'allowed', format: 'hubble', count: 1 },
  { time: 3_000, source: pod('shop', 'web', { app: 'web', v: '2' }), destination: pod('shop', 'api', { app: 'api' }), protocol: 'TCP', port: 8080, verdict: 'allowed', format: 'hubble', count: 2 },
  { time: 2_000, source: pod('shop', 'web', { app: 'web' }), destination: pod('shop', 'api', { app: 'api' }), protocol: 'TCP', port: 9090, verdict: 'denied', format: 'hubble', count: 1 },
  { time: 500, source: pod('shop', 'api', { app: 'api' }), destination: { kind: 'world', ip: '203.0.113.9' }, protocol: 'TCP', port: 443, verdict: 'allowed', format: 'hubble', count: 1 },
];

/** Pre-aggregated updates of `flows`, as the consumer makes them, taking offsets from `firstOffset`. */
function updatesOf(flows: readonly Flow[], firstOffset: number, locks: LockTable = NO_LOCKS, partition = 0): OwnerUpdate[] {
  const aggregator = new BatchAggregator();
  flows.forEach((flow, index) => aggregator.add(flow, { topic: 'flows', partition, offset: firstOffset + index }));
  return aggregator.updates(locks).map((pending) => pending.update);
}

const keys = (edges: readonly Edge[]) => edges.map((edge) => edgeKey(edge));

/**
 * The contract every BaselineStore keeps, as one suite that runs against each implementation
 * (memory here, Redis in `test/`): merging folded batches in any split and order gives exactly the
 * baseline the pure fold computes from all flows at once; offsets make redelivery harmless; locks,
 * anomalies and refresh decide the same way.
 */
export function describeBaselineStoreContract(name: string, createStore: () => Promise<BaselineStore>): void {
  describe(`BaselineStore contract: ${name}`, () => {
    const flows = CONTRACT_FLOWS;
    const expected = foldFlows(flows).baseline;

    it('holds nothing when new', async () => {
      const store = await createStore();
      expect(await store.read()).toEqual({ edges: [], workloads: [] });
      expect(await store.anomalies()).toEqual([]);
      expect(await store.owners()).toEqual([]);
    });

    it.each([
      ['all at once', [[0, 1, 2, 3]]],
      ['one flow per batch', [[0], [1], [2], [3]]],
      ['reversed batches', [[3, 2], [1, 0]]],
    ])('merging %s gives the pure fold', async (_label, batches) => {
      const store = await createStore();
      for (const batch of batches) await store.merge(foldFlows(batch.map((index) => flows[index] as Flow)).baseline);
      expect(await store.read()).toEqual(expected);
    });

    it.each([
      ['once', [[0, 4]]],
      ['twice (redelivery)', [[0, 4], [0, 4]]],
      ['in two batches, then all again', [[0, 2], [2, 4], [0, 4]]],
      ['overlapping batches', [[0, 3], [1, 4]]],
    ])('applying offset-stamped updates %s gives the pure fold', async (_label, ranges) => {
      const store = await createStore();
      for (const [from, to] of ranges as [number, number][]) {
        const aggregator = new BatchAggregator();
        for (let offset = from; offset < to; offset++) aggregator.add(flows[offset] as Flow, { topic: 'flows', partition: 0, offset });
        for (let pending = aggregator.updates(NO_LOCKS); pending.length > 0; ) {
          const outcomes = await store.apply(pending.map((entry) => entry.update));
          pending = pending.flatMap((entry, index) => {
            const outcome = outcomes[index];
            const rest = outcome?.status === 'partial' ? entry.after(outcome.appliedThrough) : undefined;
            return rest ? [rest] : [];
          });
        }
      }
      expect(await store.read()).toEqual(expected);
    });

    it.each([
      ['older than stored', 0, 1, 'skipped'],
      ['straddling the stored offset', 4, 6, 'partial'],
      ['newer than stored', 6, 7, 'applied'],
    ] as const)('reports an update %s as %s', async (_label, firstOffset, lastOffset, status) => {
      const store = await createStore();
      const [update] = updatesOf([flows[0] as Flow], 5);
      await store.apply([update as OwnerUpdate]);
      const outcomes = await store.apply([{ ...(update as OwnerUpdate), source: { topic: 'flows', partition: 0, firstOffset, lastOffset } }]);
      expect(outcomes[0]?.status).toBe(status);
      if (outcomes[0]?.status === 'partial') expect(outcomes[0].appliedThrough).toBe(5);
      // offsets are per partition: the same range from another partition is new
      expect((await store.apply(updatesOf([flows[0] as Flow], 5, NO_LOCKS, 1)))[0]?.status).toBe('applied');
    });

    it('keeps partition offsets, never moving them backwards', async () => {
      const store = await createStore();
      await store.recordPartitionOffsets('flows', new Map([[0, 10], [1, 3]]));
      await store.recordPartitionOffsets('flows', new Map([[0, 7], [2, 1]]));
      expect(await store.partitionOffsets('flows')).toEqual(new Map([[0, 10], [1, 3], [2, 1]]));
      expect(await store.partitionOffsets('other')).toEqual(new Map());
    });

    it('puts an edge first seen under a lock into anomalies until approved', async () => {
      const store = await createStore();
      await store.apply(updatesOf([flows[0] as Flow], 0));
      await store.lock({ kind: 'workload', workload: 'shop/Deployment/api' }, 42);
      await store.lock({ kind: 'workload', workload: 'shop/Deployment/api' }, 99);
      const locks = await store.locks();
      expect(locks.workloads).toEqual(new Map([['shop/Deployment/api', 42]]));

      // flow 1 repeats a known edge (merged); flow 2 is a new edge into api (anomaly)
      const outcomes = await store.apply(updatesOf([flows[1] as Flow, flows[2] as Flow], 1, locks));
      expect(outcomes.flatMap((outcome) => (outcome.status === 'applied' ? keys(outcome.anomalies) : []))).toEqual(['shop/Deployment/web|shop/Deployment/api|TCP|9090']);
      expect(keys((await store.read()).edges)).toEqual(['shop/Deployment/web|shop/Deployment/api|TCP|8080']);
      expect((await store.read()).edges[0]?.flows).toBe(3);
      // seen again while pending: merged into the anomaly, not reported again
      const again = await store.apply(updatesOf([flows[2] as Flow], 3, locks));
      expect(again.flatMap((outcome) => (outcome.status === 'applied' ? outcome.anomalies : []))).toEqual([]);
      expect((await store.anomalies()).map((anomaly) => [anomaly.owner, edgeKey(anomaly.edge), anomaly.edge.flows])).toEqual([
        ['shop/Deployment/api', 'shop/Deployment/web|shop/Deployment/api|TCP|9090', 2],
      ]);
      expect(await store.owners()).toEqual([{ owner: 'shop/Deployment/api', windowStart: 1_000, edges: 1, anomalies: 1 }]);

      expect((await store.approve(['shop/Deployment/other'])).length).toBe(0);
      expect((await store.approve()).map((anomaly) => anomaly.owner)).toEqual(['shop/Deployment/api']);
      expect(await store.anomalies()).toEqual([]);
      expect(keys((await store.read()).edges)).toEqual(['shop/Deployment/web|shop/Deployment/api|TCP|8080', 'shop/Deployment/web|shop/Deployment/api|TCP|9090']);

      expect(await store.unlock({ kind: 'workload', workload: 'shop/Deployment/api' })).toBe(true);
      expect(await store.unlock({ kind: 'workload', workload: 'shop/Deployment/api' })).toBe(false);
    });

    it('locks a whole namespace, either end of an edge', async () => {
      const store = await createStore();
      await store.lock({ kind: 'namespace', namespace: 'shop' }, 1);
      const locks = await store.locks();
      expect(locks.namespaces).toEqual(new Map([['shop', 1]]));
      // api → world: the locked side is the source
      await store.apply(updatesOf([flows[3] as Flow], 0, locks));
      expect((await store.read()).edges).toEqual([]);
      expect((await store.anomalies()).map((anomaly) => anomaly.owner)).toEqual(['shop/Deployment/api']);
    });

    it('expires edges last seen before the cutoff and reports changes since the last refresh', async () => {
      const store = await createStore();
      await store.apply(updatesOf([flows[0] as Flow, flows[3] as Flow], 0));
      const first = await store.refresh(800, 10_000);
      expect(first.previousAt).toBeUndefined();
      expect(keys(first.expired)).toEqual(['shop/Deployment/api|world:203.0.113.9|TCP|443']);
      expect(keys(first.added)).toEqual(['shop/Deployment/web|shop/Deployment/api|TCP|8080']);

      await store.apply(updatesOf([flows[1] as Flow, flows[2] as Flow], 2));
      const second = await store.refresh(2_500, 20_000);
      expect(second.previousAt).toBe(10_000);
      // 8080 was last seen at 3000 (kept, not new); 9090 at 2000 is both new and already stale
      expect(keys(second.added)).toEqual([]);
      expect(keys(second.expired)).toEqual(['shop/Deployment/web|shop/Deployment/api|TCP|9090']);
      expect(keys((await store.read()).edges)).toEqual(['shop/Deployment/web|shop/Deployment/api|TCP|8080']);
      expect((await store.read()).edges[0]).toMatchObject({ firstSeen: 1_000, lastSeen: 3_000, flows: 3 });
    });

    it('clear empties the store', async () => {
      const store = await createStore();
      await store.merge(expected);
      await store.lock({ kind: 'namespace', namespace: 'shop' }, 1);
      await store.recordPartitionOffsets('flows', new Map([[0, 1]]));
      await store.clear();
      expect(await store.read()).toEqual({ edges: [], workloads: [] });
      expect(await store.owners()).toEqual([]);
      expect((await store.locks()).namespaces.size).toBe(0);
      expect(await store.partitionOffsets('flows')).toEqual(new Map());
    });
  });
}

import { describe, expect, it } from 'vitest';
import type { Flow } from '@palisade/collector';
import type { BaselineStore } from '../baseline-store.js';
import { foldFlows } from '../edge-fold.js';

/**
 * The contract every BaselineStore keeps, as one suite that runs against each implementation
 * (memory here, Redis in `test/`): merging folded batches in any split and order gives exactly the
 * baseline the pure fold computes from all flows at once.
 */
export function describeBaselineStoreContract(name: string, createStore: () => Promise<BaselineStore>): void {
  describe(`BaselineStore contract: ${name}`, () => {
    const pod = (namespace: string, name: string, labels: Record<string, string>) =>
      ({ kind: 'pod', namespace, pod: `${name}-7d4b9c8f6d-x2x9z`, labels, workload: { kind: 'Deployment', name } }) as const;
    const flows: Flow[] = [
      { time: 1_000, source: pod('shop', 'web', { app: 'web', v: '1' }), destination: pod('shop', 'api', { app: 'api' }), protocol: 'TCP', port: 8080, verdict: 'allowed', format: 'hubble', count: 1 },
      { time: 3_000, source: pod('shop', 'web', { app: 'web', v: '2' }), destination: pod('shop', 'api', { app: 'api' }), protocol: 'TCP', port: 8080, verdict: 'allowed', format: 'hubble', count: 2 },
      { time: 2_000, source: pod('shop', 'web', { app: 'web' }), destination: pod('shop', 'api', { app: 'api' }), protocol: 'TCP', port: 9090, verdict: 'denied', format: 'hubble', count: 1 },
      { time: 500, source: pod('shop', 'api', { app: 'api' }), destination: { kind: 'world', ip: '203.0.113.9' }, protocol: 'TCP', port: 443, verdict: 'allowed', format: 'hubble', count: 1 },
    ];
    const expected = foldFlows(flows).baseline;

    it('holds nothing when new', async () => {
      const store = await createStore();
      expect(await store.read()).toEqual({ edges: [], workloads: [] });
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

    it('clear empties the store', async () => {
      const store = await createStore();
      await store.merge(expected);
      await store.clear();
      expect(await store.read()).toEqual({ edges: [], workloads: [] });
    });
  });
}

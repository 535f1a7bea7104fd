import { describe, expect, it } from 'vitest';
import type { Flow } from '@palisade/collector';
import { BatchAggregator } from './batch-aggregator.js';
import { foldFlows } from '../model/edge-fold.js';
import { NO_LOCKS } from '../model/lock.js';
import { CONTRACT_FLOWS } from './testing/baseline-store-contract.js';
import { mergeBaselines } from '../model/baseline.js';

const at = (offset: number, partition = 0) => ({ topic: 't', partition, offset });

describe('BatchAggregator', () => {
  it('makes one update per (partition, owner) whose union is the pure fold', () => {
    const aggregator = new BatchAggregator();
    CONTRACT_FLOWS.forEach((flow, index) => aggregator.add(flow, at(index, index % 2)));
    const updates = aggregator.updates(NO_LOCKS).map((pending) => pending.update);
    expect(updates.map((update) => [update.owner, update.source?.partition, update.source?.firstOffset, update.source?.lastOffset])).toEqual([
      ['shop/Deployment/api', 0, 0, 2],
      ['shop/Deployment/api', 1, 1, 3],
    ]);
    const merged = mergeBaselines(...updates.map((update) => ({ edges: update.edges.map((entry) => entry.edge), workloads: update.observations })));
    expect(merged).toEqual(foldFlows(CONTRACT_FLOWS).baseline);
  });

  it.each([
    ['a duplicate offset', [0, 1, 1, 2], 3],
    ['a re-delivered range after a seek back', [0, 1, 2, 0, 1, 2], 3],
  ])('ignores %s', (_label, offsets, folded) => {
    const aggregator = new BatchAggregator();
    for (const offset of offsets) aggregator.add(CONTRACT_FLOWS[0] as Flow, at(offset));
    expect(aggregator.flowCount).toBe(folded);
    expect(aggregator.updates(NO_LOCKS)[0]?.update.edges[0]?.edge.flows).toBe(folded);
  });

  it.each([
    ['decoded flows', false],
    ['encoded messages', true],
  ])('re-makes an update without the offsets another writer applied, keeping %s', (_label, encoded) => {
    const aggregator = new BatchAggregator();
    [0, 1, 2].forEach((index) => aggregator.add(CONTRACT_FLOWS[index] as Flow, at(10 + index), encoded ? Buffer.from(JSON.stringify(CONTRACT_FLOWS[index])) : undefined));
    const [pending] = aggregator.updates(NO_LOCKS);
    const rest = pending?.after(10);
    expect(rest?.update.source).toEqual({ topic: 't', partition: 0, firstOffset: 11, lastOffset: 12 });
    expect(rest?.update.edges.map((entry) => entry.edge)).toEqual(foldFlows([CONTRACT_FLOWS[1] as Flow, CONTRACT_FLOWS[2] as Flow]).baseline.edges);
    expect(pending?.after(12)).toBeUndefined();
  });

  it('counts skipped and unattributed messages as consumed, and forgets everything on drain', () => {
    const aggregator = new BatchAggregator();
    expect(aggregator.skip(at(4))).toBe(true);
    expect(aggregator.skip(at(4))).toBe(false);
    expect(aggregator.add({ ...(CONTRACT_FLOWS[0] as Flow), source: { kind: 'unknown' } }, at(5))).toBe(false);
    expect(aggregator.nextOffsets()).toEqual(new Map([['t', new Map([[0, 6]])]]));
    expect(aggregator.updates(NO_LOCKS)).toEqual([]);
    aggregator.drain();
    expect(aggregator.isEmpty).toBe(true);
  });

  it('marks edges under a lock', () => {
    const aggregator = new BatchAggregator();
    CONTRACT_FLOWS.forEach((flow, index) => aggregator.add(flow, at(index)));
    const locks = { namespaces: new Map<string, number>(), workloads: new Map([['shop/Deployment/web', 1]]) };
    const marks = aggregator.updates(locks).flatMap((pending) => pending.update.edges.map((entry) => [entry.edge.port, entry.underLock]));
    expect(marks).toEqual([[8080, true], [9090, true], [443, false]]);
  });
});

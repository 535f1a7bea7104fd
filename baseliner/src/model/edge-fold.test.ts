import { describe, expect, it } from 'vitest';
import type { Flow } from '@palisade/collector';
import { foldFlows } from './edge-fold.js';
import { parsePeerId, peerId } from './peer.js';

const web = { kind: 'pod', namespace: 'shop', pod: 'web-7d4b9c8f6d-x2x9z', labels: { app: 'web', tier: 'front' }, workload: { kind: 'Deployment', name: 'web' } } as const;
const web2 = { ...web, pod: 'web-7d4b9c8f6d-q8q7w', labels: { app: 'web', tier: 'edge' } } as const;
const db = { kind: 'pod', namespace: 'data', pod: 'db-0', labels: { app: 'db' }, workload: { kind: 'StatefulSet', name: 'db' } } as const;
const flow = (time: number, verdict: Flow['verdict'], count = 1, source: Flow['source'] = web): Flow => ({
  time, source, destination: db, protocol: 'TCP', port: 5432, verdict, format: 'hubble', count,
});

describe('foldFlows', () => {
  it('keeps first/last seen, sums counts and denied counts', () => {
    const { baseline } = foldFlows([flow(20, 'allowed', 3), flow(10, 'denied'), flow(30, 'allowed', 2, web2)]);
    expect(baseline.edges).toEqual([
      {
        source: { kind: 'workload', namespace: 'shop', workload: { kind: 'Deployment', name: 'web' } },
        destination: { kind: 'workload', namespace: 'data', workload: { kind: 'StatefulSet', name: 'db' } },
        protocol: 'TCP', port: 5432, firstSeen: 10, lastSeen: 30, flows: 6, deniedFlows: 1, lastVerdict: 'allowed',
      },
    ]);
  });

  it('keeps only the labels every pod of a workload shares', () => {
    const { baseline } = foldFlows([flow(1, 'allowed'), flow(2, 'allowed', 1, web2)]);
    expect(baseline.workloads.find((w) => w.workload.name === 'web')?.labels).toEqual({ app: 'web' });
  });

  it('gives the same baseline for every order of the same flows', () => {
    const flows = [flow(20, 'allowed', 3), flow(10, 'denied'), flow(30, 'allowed', 2, web2), flow(30, 'denied')];
    const expected = foldFlows(flows).baseline;
    for (const order of [[3, 2, 1, 0], [1, 3, 0, 2], [2, 0, 3, 1]]) {
      expect(foldFlows(order.map((i) => flows[i] as Flow)).baseline).toEqual(expected);
    }
    // Two flows at the same latest time: the more severe verdict wins whatever the order.
    expect(expected.edges[0]?.lastVerdict).toBe('denied');
  });

  it('counts flows with an unknown endpoint instead of learning from them', () => {
    const result = foldFlows([{ ...flow(1, 'allowed', 4), destination: { kind: 'unknown', ip: '10.1.2.3' } }]);
    expect(result).toEqual({ baseline: { edges: [], workloads: [] }, unattributedFlows: 4 });
  });
});

describe('peer ids', () => {
  it.each([
    [{ kind: 'workload', namespace: 'shop', workload: { kind: 'CronJob', name: 'nightly' } }, 'shop/CronJob/nightly'],
    [{ kind: 'world', ip: '2001:db8::1' }, 'world:2001:db8::1'],
    [{ kind: 'node', ip: '10.0.0.5' }, 'node:10.0.0.5'],
    [{ kind: 'host' }, 'host'],
  ] as const)('round-trips %j', (peer, id) => {
    expect(peerId(peer)).toBe(id);
    expect(parsePeerId(id)).toEqual(peer);
  });
});

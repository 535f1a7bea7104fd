import { describe, expect, it } from 'vitest';
import { ClusterError } from '../errors.js';
import type { ClusterReader, ListPage, ReadKind } from './cluster-api.js';
import { ApiRefusedError } from './cluster-api.js';
import { readLiveCluster } from './cluster-read.js';

/** A reader over fixed pages, recording its calls; `fail` makes one kind refuse. */
function fakeReader(pages: Partial<Record<ReadKind, ListPage[]>>, fail?: { kind: ReadKind; error: Error }): ClusterReader & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async list(kind, namespace, continueToken) {
      calls.push(`${kind} ${namespace ?? '*'} ${continueToken ?? '-'}`);
      if (fail?.kind === kind) throw fail.error;
      const list = pages[kind] ?? [{ items: [] }];
      const index = continueToken === undefined ? 0 : Number(continueToken);
      return list[index] ?? { items: [] };
    },
  };
}

const pod = (name: string, ip: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'shop', labels: { app: 'web' }, ownerReferences: [{ kind: 'ReplicaSet', name: 'web-abc', controller: true }] },
  status: { podIP: ip },
});

describe('readLiveCluster', () => {
  it('reads every page of every kind before building the state', async () => {
    const reader = fakeReader({
      Pod: [{ items: [pod('web-abc-1', '10.0.0.1')], continueToken: '1' }, { items: [pod('web-abc-2', '10.0.0.2')] }],
      ReplicaSet: [{ items: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-abc', namespace: 'shop', ownerReferences: [{ kind: 'Deployment', name: 'web', controller: true }] } }] }],
      NetworkPolicy: [{ items: [{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'shop' }, spec: { podSelector: {} } }] }],
    });
    const live = await readLiveCluster(reader);
    expect(live.state.pods.map((entry) => `${entry.name} ${entry.ips.join()} ${entry.workload.kind}/${entry.workload.name}`)).toEqual([
      'web-abc-1 10.0.0.1 Deployment/web',
      'web-abc-2 10.0.0.2 Deployment/web',
    ]);
    expect(live.policies.map((policy) => policy.metadata?.name)).toEqual(['p']);
    expect(live.counts.Pod).toBe(2);
    expect(reader.calls.filter((call) => call.startsWith('Pod'))).toEqual(['Pod * -', 'Pod * 1']);
  });

  it('reads each namespace of the scope, and Namespaces once', async () => {
    const reader = fakeReader({});
    const live = await readLiveCluster(reader, { namespaces: ['b', 'a'] });
    expect(live.namespaces).toEqual(['a', 'b']);
    expect(reader.calls.filter((call) => call.startsWith('Namespace') || call.startsWith('Pod'))).toEqual(['Namespace * -', 'Pod a -', 'Pod b -']);
  });

  it.each([
    ['a refusal', new ApiRefusedError(403, 'Forbidden', 'list Pods: pods is forbidden'), /cannot read Pods: list Pods: pods is forbidden: Palisade needs get and list/, false],
    ['a server error', new ApiRefusedError(503, 'ServiceUnavailable', 'list Pods: unavailable'), /cannot read Pods/, true],
    ['an unreachable server', new Error('connect ECONNREFUSED'), /cannot read Pods: connect ECONNREFUSED/, true],
  ])('turns %s into an error, never an empty result', async (_name, error, message, retriable) => {
    const read = readLiveCluster(fakeReader({ Pod: [{ items: [pod('web-abc-1', '10.0.0.1')] }] }, { kind: 'Pod', error }));
    await expect(read).rejects.toThrow(ClusterError);
    await expect(read).rejects.toThrow(message);
    await expect(read).rejects.toMatchObject({ retriable });
  });
});

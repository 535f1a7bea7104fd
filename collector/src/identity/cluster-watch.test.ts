import { describe, expect, it } from 'vitest';
import { ClusterWatch, type ObjectInformer, type WatchedKind, type WatchedObject } from './cluster-watch.js';

/** An informer the test drives: it "lists" its initial objects on start and emits what the test says. */
class FakeInformer implements ObjectInformer {
  private readonly handlers = new Map<string, ((value: never) => void)[]>();
  started = 0;
  constructor(private readonly initial: WatchedObject[] = []) {}
  on(verb: 'add' | 'update' | 'delete', callback: (object: WatchedObject) => void): void;
  on(verb: 'error', callback: (error?: unknown) => void): void;
  on(verb: string, callback: (value: never) => void): void {
    this.handlers.set(verb, [...(this.handlers.get(verb) ?? []), callback]);
  }
  start(): Promise<void> {
    this.started++;
    for (const object of this.initial) this.emit('add', object);
    return Promise.resolve();
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
  emit(verb: 'add' | 'update' | 'delete' | 'error', value: unknown): void {
    for (const handler of this.handlers.get(verb) ?? []) (handler as (value: unknown) => void)(value);
  }
}

const created = '2024-06-01T10:00:00Z';
const T0 = Date.parse(created);

function pod(name: string, ip: string, owner: { kind: string; name: string }, creationTimestamp = created): WatchedObject {
  // As client-node delivers list items: no `kind`, Date timestamps.
  return {
    metadata: { name, namespace: 'shop', uid: `uid-${name}`, creationTimestamp: new Date(creationTimestamp), ownerReferences: [{ ...owner, controller: true }] },
    spec: { nodeName: 'node-1', containers: [{ ports: [{ containerPort: 8080 }] }] },
    status: { podIP: ip },
  } as WatchedObject;
}

function setup(initial: Partial<Record<WatchedKind, WatchedObject[]>> = {}) {
  let now = T0 + 60_000;
  const informers = new Map<WatchedKind, FakeInformer>();
  const errors: unknown[] = [];
  const watch = new ClusterWatch({
    informers: (kind) => {
      const informer = new FakeInformer(initial[kind]);
      informers.set(kind, informer);
      return informer;
    },
    clock: () => now,
    minRebuildIntervalMs: 0,
    restartDelayMs: 1,
    onError: (error) => errors.push(error),
  });
  return { watch, informers, errors, advance: (ms: number) => (now += ms), now: () => now };
}

describe('ClusterWatch', () => {
  it('resolves pods listed at start to their root workload through ReplicaSets and Jobs', async () => {
    const { watch } = setup({
      Pod: [pod('web-7d9f-abcde', '10.0.0.5', { kind: 'ReplicaSet', name: 'web-7d9f' }), pod('report-123-xyz', '10.0.0.6', { kind: 'Job', name: 'report-123' })],
      ReplicaSet: [{ metadata: { name: 'web-7d9f', namespace: 'shop', uid: 'rs', ownerReferences: [{ kind: 'Deployment', name: 'web', controller: true }] } } as WatchedObject],
      Job: [{ metadata: { name: 'report-123', namespace: 'shop', uid: 'job', ownerReferences: [{ kind: 'CronJob', name: 'report', controller: true }] } } as WatchedObject],
    });
    await watch.start();
    const at = T0 + 1000;
    expect(watch.resolver.resolveIp('10.0.0.5', at)).toMatchObject({ kind: 'pod', pod: { name: 'web-7d9f-abcde', workload: { kind: 'Deployment', name: 'web' } } });
    expect(watch.resolver.resolveIp('10.0.0.6', at)).toMatchObject({ kind: 'pod', pod: { workload: { kind: 'CronJob', name: 'report' } } });
    expect(watch.counts).toMatchObject({ Pod: 2, ReplicaSet: 1, Job: 1, deletedPods: 0 });
  });

  it('keeps a deleted pod for flows from before its deletion, and resolves its reused IP by time', async () => {
    const { watch, informers, advance, now } = setup();
    await watch.start();
    const pods = informers.get('Pod') as FakeInformer;
    const old = pod('old', '10.0.0.9', { kind: 'Pod', name: 'old' });
    pods.emit('add', old);
    const beforeDeletion = now() - 1;
    pods.emit('delete', old);
    const deletedAt = now();
    advance(5000);
    pods.emit('add', pod('new', '10.0.0.9', { kind: 'Pod', name: 'new' }, new Date(now()).toISOString()));
    expect(watch.resolver.resolveIp('10.0.0.9', beforeDeletion)).toMatchObject({ kind: 'pod', pod: { name: 'old' } });
    expect(watch.resolver.resolveIp('10.0.0.9', deletedAt + 2000)).toMatchObject({ kind: 'unknown' });
    expect(watch.resolver.resolveIp('10.0.0.9', now())).toMatchObject({ kind: 'pod', pod: { name: 'new' } });
    expect(watch.counts.deletedPods).toBe(1);
  });

  it('translates a Service ClusterIP through its EndpointSlice, and follows updates', async () => {
    const { watch, informers } = setup({ Pod: [pod('db-0', '10.0.1.1', { kind: 'StatefulSet', name: 'db' })] });
    await watch.start();
    (informers.get('Service') as FakeInformer).emit('add', {
      metadata: { name: 'db', namespace: 'shop' },
      spec: { clusterIP: '10.96.0.10', ports: [{ name: 'sql', port: 80, targetPort: 5432, protocol: 'TCP' }] },
    } as WatchedObject);
    const slice = {
      metadata: { name: 'db-abc', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'db' } },
      ports: [{ name: 'sql', port: 5432, protocol: 'TCP' }],
      endpoints: [{ addresses: ['10.0.1.1'], targetRef: { kind: 'Pod', name: 'db-0' } }],
    } as WatchedObject;
    (informers.get('EndpointSlice') as FakeInformer).emit('add', slice);
    expect(watch.resolver.translateService('10.96.0.10', 80, 'TCP', T0 + 1000)).toMatchObject({ targetPort: 5432, backend: { workload: { kind: 'StatefulSet', name: 'db' } } });
    (informers.get('EndpointSlice') as FakeInformer).emit('delete', slice);
    expect(watch.resolver.translateService('10.96.0.10', 80, 'TCP', T0 + 1000)).toMatchObject({ reason: 'the Service has no known backends' });
  });

  it('leaves out an object it cannot read, reports it, and keeps the rest', async () => {
    const { watch, informers, errors } = setup({ Pod: [pod('ok', '10.0.2.1', { kind: 'Pod', name: 'ok' })] });
    await watch.start();
    (informers.get('Service') as FakeInformer).emit('add', { metadata: { name: 'broken', namespace: 'shop' }, spec: { ports: [{ port: 'eighty' }] } } as WatchedObject);
    expect(watch.resolver.resolveIp('10.0.2.1', T0 + 1000)).toMatchObject({ kind: 'pod' });
    expect(errors).toHaveLength(1);
  });

  it('restarts an informer after a watch error', async () => {
    const { watch, informers, errors } = setup();
    await watch.start();
    const services = informers.get('Service') as FakeInformer;
    services.emit('error', new Error('watch closed'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(services.started).toBe(2);
    expect(errors).toHaveLength(1);
    await watch.stop();
  });
});

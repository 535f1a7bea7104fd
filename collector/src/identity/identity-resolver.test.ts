import { describe, expect, it } from 'vitest';
import { clusterStateFromObjects } from './cluster-state.js';
import { createIdentityResolver } from './identity-resolver.js';

const pod = (name: string, ip: string, created: string, extra: { deleted?: string; labels?: Record<string, string>; hostNetwork?: boolean; owner?: string; node?: string } = {}) => ({
  kind: 'Pod',
  metadata: {
    name,
    namespace: 'shop',
    creationTimestamp: created,
    ...(extra.deleted ? { deletionTimestamp: extra.deleted } : {}),
    labels: extra.labels ?? { app: name.split('-')[0] as string },
    ...(extra.owner ? { ownerReferences: [{ kind: 'ReplicaSet', name: extra.owner, controller: true }] } : {}),
  },
  spec: { nodeName: extra.node ?? 'node-a', hostNetwork: extra.hostNetwork ?? false, containers: [{ ports: [{ name: 'http', containerPort: 8080 }] }] },
  status: { podIP: ip },
});
const replicaSet = (name: string, deployment: string) => ({
  kind: 'ReplicaSet',
  metadata: { name, namespace: 'shop', ownerReferences: [{ kind: 'Deployment', name: deployment, controller: true }] },
});

const state = clusterStateFromObjects([
  replicaSet('cart-7d4b9c8f6d', 'cart'),
  replicaSet('web-5f6d7c8b9d', 'web'),
  replicaSet('api-5f6d7c8b9d', 'api'),
  // 10.1.0.5 is reused: first an old cart pod, deleted at 10:00, then a web pod created at 10:05.
  pod('cart-7d4b9c8f6d-aaaaa', '10.1.0.5', '2025-01-01T08:00:00Z', { deleted: '2025-01-01T10:00:00Z', owner: 'cart-7d4b9c8f6d' }),
  pod('web-5f6d7c8b9d-bbbbb', '10.1.0.5', '2025-01-01T10:05:00Z', { owner: 'web-5f6d7c8b9d' }),
  // 10.1.0.9 is claimed by two live pods: ambiguous.
  pod('api-5f6d7c8b9d-ccccc', '10.1.0.9', '2025-01-01T08:00:00Z', { owner: 'api-5f6d7c8b9d' }),
  pod('api-5f6d7c8b9d-ddddd', '10.1.0.9', '2025-01-01T08:00:00Z', { owner: 'api-5f6d7c8b9d', labels: { app: 'api', variant: 'x' } }),
  pod('node-exporter-zzzzz', '172.18.0.2', '2025-01-01T08:00:00Z', { hostNetwork: true, node: 'node-b' }),
  {
    kind: 'Service',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { clusterIP: '10.96.0.10', ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  },
  {
    kind: 'EndpointSlice',
    metadata: { name: 'web-abc', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'web' } },
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    endpoints: [{ addresses: ['10.1.0.5'], targetRef: { kind: 'Pod', name: 'web-5f6d7c8b9d-bbbbb' } }],
  },
  {
    kind: 'Service',
    metadata: { name: 'mixed', namespace: 'shop' },
    spec: { clusterIP: '10.96.0.11', ports: [{ port: 80, targetPort: 8080 }] },
  },
  {
    kind: 'EndpointSlice',
    metadata: { name: 'mixed-abc', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'mixed' } },
    ports: [{ port: 8080, protocol: 'TCP' }],
    endpoints: [
      { addresses: ['10.1.0.5'], targetRef: { kind: 'Pod', name: 'web-5f6d7c8b9d-bbbbb' } },
      { addresses: ['10.1.0.9'], targetRef: { kind: 'Pod', name: 'api-5f6d7c8b9d-ccccc' } },
    ],
  },
  {
    kind: 'Service',
    metadata: { name: 'named', namespace: 'shop' },
    spec: { clusterIP: '10.96.0.12', ports: [{ name: 'web', port: 8443, targetPort: 'http' }] },
  },
  {
    kind: 'EndpointSlice',
    metadata: { name: 'named-abc', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'named' } },
    endpoints: [{ addresses: ['10.1.0.5'], targetRef: { kind: 'Pod', name: 'web-5f6d7c8b9d-bbbbb' } }],
  },
]);
const resolver = createIdentityResolver(state);
const at = (iso: string) => Date.parse(iso);

describe('IdentityResolver.resolveIp', () => {
  it.each([
    ['2025-01-01T09:00:00Z', 'cart'],
    ['2025-01-01T11:00:00Z', 'web'],
  ])('resolves the reused IP 10.1.0.5 at %s to the pod of %s', (time, workload) => {
    const result = resolver.resolveIp('10.1.0.5', at(time));
    expect(result.kind).toBe('pod');
    expect(result.kind === 'pod' && result.pod.workload).toEqual({ kind: 'Deployment', name: workload });
  });

  it.each([
    ['10.1.0.5', '2025-01-01T10:02:00Z', 'unknown'],
    ['10.1.0.5', '2025-01-01T07:00:00Z', 'unknown'],
    ['10.1.0.9', '2025-01-01T09:00:00Z', 'ambiguous'],
    ['10.9.9.9', '2025-01-01T09:00:00Z', 'unknown'],
  ])('never guesses: %s at %s is %s', (ip, time, kind) => {
    const result = resolver.resolveIp(ip, at(time));
    expect(result.kind).toBe(kind);
    expect('reason' in result && result.reason.length).toBeGreaterThan(0);
  });

  it('knows a host-network address as its node', () => {
    expect(resolver.resolveIp('172.18.0.2', at('2025-01-01T09:00:00Z'))).toEqual({ kind: 'node', node: 'node-b' });
  });

  it.each(['::ffff:10.1.0.5', '::FFFF:0a01:0005'])('reads the IPv4-mapped %s as the pod IP 10.1.0.5 (one canonical address)', (ip) => {
    const result = resolver.resolveIp(ip, at('2025-01-01T11:00:00Z'));
    expect(result.kind === 'pod' && result.pod.name).toBe('web-5f6d7c8b9d-bbbbb');
    expect(resolver.isServiceIp('::ffff:10.96.0.10')).toBe(true);
  });

  it('finds pods by namespace and name', () => {
    expect(resolver.podByName('shop', 'web-5f6d7c8b9d-bbbbb')?.ips).toEqual(['10.1.0.5']);
    expect(resolver.podByName('other', 'web-5f6d7c8b9d-bbbbb')).toBeUndefined();
  });
});

describe('IdentityResolver.translateService', () => {
  const time = at('2025-01-01T11:00:00Z');
  it('translates ClusterIP:80 to the backend port 8080 and workload (rule 8)', () => {
    const result = resolver.translateService('10.96.0.10', 80, 'TCP', time);
    expect(result?.service).toEqual({ namespace: 'shop', name: 'web' });
    expect(result?.targetPort).toBe(8080);
    expect(result?.backend?.workload).toEqual({ kind: 'Deployment', name: 'web' });
  });

  it('resolves a named target port through the backend pods when the slice has no port', () => {
    expect(resolver.translateService('10.96.0.12', 8443, 'TCP', time)?.targetPort).toBe(8080);
  });

  it('gives the port but no workload when backends belong to several workloads', () => {
    const result = resolver.translateService('10.96.0.11', 80, 'TCP', time);
    expect(result?.targetPort).toBe(8080);
    expect(result?.backend).toBeUndefined();
    expect(result?.reason).toContain('one known workload');
  });

  it.each([
    ['10.96.0.10', 81, 'TCP'],
    ['10.96.0.10', 80, 'UDP'],
    ['10.1.0.5', 8080, 'TCP'],
  ] as const)('is undefined for %s:%i/%s (not a Service port)', (ip, port, protocol) => {
    expect(resolver.translateService(ip, port, protocol, time)).toBeUndefined();
  });

  it('tells Service addresses apart', () => {
    expect(resolver.isServiceIp('10.96.0.10')).toBe(true);
    expect(resolver.isServiceIp('10.1.0.5')).toBe(false);
  });
});

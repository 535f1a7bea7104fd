import { describe, expect, it } from 'vitest';
import { cleanCiliumLabels, RESERVED_IDENTITY_NUMBERS, reservedIdentityOf } from './cilium-labels.js';

describe('cleanCiliumLabels', () => {
  it('keeps k8s labels, strips the prefix and drops CNI-internal ones', () => {
    const result = cleanCiliumLabels([
      'k8s:app=productpage',
      'k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=bookinfo',
      'k8s:io.cilium.k8s.policy.cluster=kind-kind',
      'k8s:io.cilium.k8s.policy.serviceaccount=bookinfo-productpage',
      'k8s:io.kubernetes.pod.namespace=bookinfo',
      'k8s:sidecar.opentelemetry.io/injected=bookinfo.otelcol-bookinfo',
      'k8s:version=v1',
      'container:io.kubernetes.container.name=app',
      'cilium:internal=x',
      'unprefixed=kept',
    ]);
    expect(result).toEqual({
      ok: true,
      labels: { app: 'productpage', 'sidecar.opentelemetry.io/injected': 'bookinfo.otelcol-bookinfo', version: 'v1', unprefixed: 'kept' },
      outside: false,
      namespace: 'bookinfo',
    });
  });

  it.each([
    [['reserved:host'], 'host'],
    [['reserved:world'], 'world'],
    [['reserved:world-ipv4'], 'world'],
    [['reserved:world-ipv6'], 'world'],
    [['reserved:remote-node'], 'remote-node'],
    [['reserved:kube-apiserver', 'reserved:host'], 'kube-apiserver'],
    [['reserved:remote-node', 'reserved:kube-apiserver'], 'kube-apiserver'],
    [['reserved:health'], 'health'],
    [['reserved:ingress'], 'ingress'],
    [['reserved:unmanaged'], 'unmanaged'],
    [['reserved:init'], 'init'],
  ] as const)('%j is the reserved identity %s', (labels, reserved) => {
    const result = cleanCiliumLabels(labels);
    expect(result.ok && result.reserved).toBe(reserved);
    expect(result.ok && result.labels).toEqual({});
  });

  it('marks CIDR and FQDN identities as outside the cluster', () => {
    expect(cleanCiliumLabels(['cidr:1.2.3.4/32', 'reserved:world'])).toMatchObject({ ok: true, outside: true, reserved: 'world' });
    expect(cleanCiliumLabels(['fqdn:api.example.com'])).toMatchObject({ ok: true, outside: true });
  });

  it.each([
    ['k8s:app=x\nkind: ClusterRole', 0, 'invalid value'],
    ['k8s:app=*', 0, 'invalid value'],
    ['k8s:bad key=x', 0, 'invalid label key'],
    [`k8s:app=${'a'.repeat(64)}`, 0, 'invalid value'],
    ['k8s:-app=x', 0, 'invalid label key'],
    ['k8s:Evil.Prefix/app=x', 0, 'invalid label key'],
  ])('refuses the hostile label %j', (label, index, reason) => {
    const result = cleanCiliumLabels([label]);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.index).toBe(index);
      expect(result.reason).toContain(reason);
    }
  });

  // Identities 1–10 are the table itself (cited there from Cilium's source); beyond it, none is reserved.
  it.each([...RESERVED_IDENTITY_NUMBERS, [11, undefined], [3418, undefined]] as const)('numeric identity %i is %s', (identity, reserved) => {
    expect(reservedIdentityOf(identity)).toBe(reserved);
  });
});

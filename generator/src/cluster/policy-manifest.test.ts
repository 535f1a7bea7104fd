import type { V1NetworkPolicy } from '@kubernetes/client-node';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { applyConfiguration, matchesLive } from './policy-manifest.js';

const manifest = yaml.load(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: palisade-web
  namespace: shop
  labels: {app.kubernetes.io/managed-by: palisade}
  resourceVersion: "12"
  uid: abc
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]
  ingress:
    - from: [{podSelector: {matchLabels: {app: api}}}]
      ports: [{port: 8080}]
`) as V1NetworkPolicy;

describe('applyConfiguration', () => {
  it('sends only the fields Palisade owns, with the manifest `from` as client-node `_from`', () => {
    const sent = applyConfiguration(manifest);
    expect(sent.metadata).toEqual({ name: 'palisade-web', namespace: 'shop', labels: { 'app.kubernetes.io/managed-by': 'palisade' } });
    expect(sent.spec?.ingress?.[0]).toEqual({ _from: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 8080 }] });
  });
});

/** Sets the rules as a manifest has them (`from`, not client-node's `_from`). */
const setIngress = (policy: V1NetworkPolicy, rules: readonly unknown[]) => void ((policy.spec as unknown as Record<string, unknown>)['ingress'] = rules);

describe('matchesLive', () => {
  const live = (change: (policy: V1NetworkPolicy) => void) => {
    const copy = JSON.parse(JSON.stringify(manifest)) as V1NetworkPolicy;
    change(copy);
    return copy;
  };
  it.each([
    ['the server defaulted the protocol and added its metadata', (p: V1NetworkPolicy) => {
      setIngress(p, [{ from: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 8080, protocol: 'TCP' }] }]);
      p.metadata = { ...p.metadata, managedFields: [], generation: 3 };
    }, true],
    ['someone added a label of their own', (p: V1NetworkPolicy) => void (p.metadata = { ...p.metadata, labels: { ...p.metadata?.labels, team: 'x' } }), true],
    ['a port changed', (p: V1NetworkPolicy) => setIngress(p, [{ from: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 9090 }] }]), false],
    ['Palisade\'s label is gone', (p: V1NetworkPolicy) => void (p.metadata = { ...p.metadata, labels: {} }), false],
  ])('%s → unchanged: %s', (_name, change, expected) => {
    expect(matchesLive(manifest, live(change))).toBe(expected);
  });
});

import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadNetworkPolicies, parseNetworkPolicies, PolicyLoadError } from './policy-load.js';

const DENY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress]
`;

function problemsOf(text: string, file = 'policies/x.yaml'): readonly string[] {
  try {
    parseNetworkPolicies(text, file);
  } catch (error) {
    if (error instanceof PolicyLoadError) return error.problems;
    throw error;
  }
  return [];
}

describe('parseNetworkPolicies', () => {
  it.each([
    ['one document', DENY, ['shop/deny']],
    ['two documents', `${DENY}---\n${DENY.replace('name: deny', 'name: other')}`, ['shop/deny', 'shop/other']],
    ['empty documents skipped', `---\n${DENY}---\n`, ['shop/deny']],
    ['a kind: List', `apiVersion: v1\nkind: List\nitems:\n${DENY.split('\n').map((line, i) => (line === '' ? '' : (i === 0 ? '- ' : '  ') + line)).join('\n')}`, ['shop/deny']],
    ['JSON', JSON.stringify({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'j' }, spec: { podSelector: {} } }), ['default/j']],
  ])('reads %s', (_name, text, expected) => {
    const policies = parseNetworkPolicies(text, 'p.yaml');
    expect(policies.map((entry) => `${entry.policy.metadata?.namespace}/${entry.policy.metadata?.name}`)).toEqual(expected);
  });

  it('keeps the manifest shape (from, not _from) and numbers documents from 1', () => {
    const [entry] = parseNetworkPolicies(`${DENY}---\n${DENY.replace('policyTypes: [Ingress]', 'ingress: [{from: [{podSelector: {}}]}]').replace('name: deny', 'name: b')}`, 'p.yaml').slice(1);
    expect(entry?.document).toBe(2);
    expect(entry?.policy.spec?.ingress?.[0]).toEqual({ from: [{ podSelector: {} }] });
  });

  it.each([
    ['a missing podSelector', `${DENY}---\n${DENY.replace('  podSelector: {}\n', '')}`, ['policies/x.yaml: document 2: spec.podSelector: required']],
    ['a Deployment', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {}\n', ['policies/x.yaml: document 1: kind: Deployment is not a NetworkPolicy (this file must hold only NetworkPolicies)']],
    ['a CIDR without mask', DENY.replace('policyTypes: [Ingress]', 'egress: [{to: [{ipBlock: {cidr: 10.0.0.1}}]}]'), ['policies/x.yaml: document 1: spec.egress[0].to[0].ipBlock.cidr: invalid CIDR "10.0.0.1" (the mask is missing: did you mean 10.0.0.1/32?)']],
    ['an except outside the CIDR', DENY.replace('policyTypes: [Ingress]', 'egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8, except: [192.168.0.0/16]}}]}]'), ['policies/x.yaml: document 1: spec.egress[0].to[0].ipBlock.except[0]: 192.168.0.0/16 is not inside 10.0.0.0/8']],
    ['ipBlock with a selector', DENY.replace('policyTypes: [Ingress]', 'ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8}, podSelector: {}}]}]'), ['policies/x.yaml: document 1: spec.ingress[0].from[0]: ipBlock cannot be combined with podSelector or namespaceSelector']],
    ['endPort with a named port', DENY.replace('policyTypes: [Ingress]', 'ingress: [{ports: [{port: http, endPort: 90}]}]'), ['policies/x.yaml: document 1: spec.ingress[0].ports[0].endPort: needs a numeric port']],
    ['a numeric string port', DENY.replace('policyTypes: [Ingress]', 'ingress: [{ports: [{port: "8080"}]}]'), ['policies/x.yaml: document 1: spec.ingress[0].ports[0].port: must be a port number or a port name (IANA_SVC_NAME: lowercase letters, digits and -, at least one letter)']],
    ['an unknown protocol', DENY.replace('policyTypes: [Ingress]', 'ingress: [{ports: [{protocol: ICMP}]}]'), ['policies/x.yaml: document 1: spec.ingress[0].ports[0].protocol: Invalid option: expected one of "TCP"|"UDP"|"SCTP"']],
    ['In without values', DENY.replace('podSelector: {}', 'podSelector: {matchExpressions: [{key: app, operator: In}]}'), ['policies/x.yaml: document 1: spec.podSelector.matchExpressions[0].values: In needs at least one value']],
    ['a missing name', DENY.replace('name: deny, ', ''), ['policies/x.yaml: document 1: metadata.name: required']],
    ['broken YAML', 'kind: [', ['policies/x.yaml: not valid YAML or JSON: unexpected end of the stream within a flow collection (2:1)']],
  ])('rejects %s naming file, document and field', (_name, text, expected) => {
    expect(problemsOf(text)).toEqual(expected);
  });
});

describe('loadNetworkPolicies', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'palisade-policies-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a directory recursively, only policy files, in name order', async () => {
    await mkdir(join(dir, 'shop'));
    await writeFile(join(dir, 'shop', 'b.yml'), DENY.replace('name: deny', 'name: b'));
    await writeFile(join(dir, 'a.yaml'), DENY.replace('name: deny', 'name: a'));
    await writeFile(join(dir, 'c.json'), JSON.stringify({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'c', namespace: 'shop' }, spec: { podSelector: {} } }));
    await writeFile(join(dir, 'README.md'), '# not a policy');
    const loaded = await loadNetworkPolicies(dir);
    expect(loaded.map((entry) => [entry.file.slice(dir.length + 1), entry.policy.metadata?.name])).toEqual([
      ['a.yaml', 'a'],
      ['c.json', 'c'],
      ['shop/b.yml', 'b'],
    ]);
  });

  it('reads a single file', async () => {
    await writeFile(join(dir, 'one.yaml'), DENY);
    expect((await loadNetworkPolicies(join(dir, 'one.yaml'))).map((entry) => entry.policy.metadata?.name)).toEqual(['deny']);
  });

  it('reports every bad file and duplicate names in one error', async () => {
    await writeFile(join(dir, 'a.yaml'), DENY);
    await writeFile(join(dir, 'b.yaml'), DENY);
    await writeFile(join(dir, 'c.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n');
    const error = await loadNetworkPolicies(dir).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PolicyLoadError);
    expect((error as PolicyLoadError).problems).toEqual([
      `${join(dir, 'c.yaml')}: document 1: kind: ConfigMap is not a NetworkPolicy (this file must hold only NetworkPolicies)`,
      `${join(dir, 'b.yaml')}: document 1: metadata.name: shop/deny is also defined in ${join(dir, 'a.yaml')} (document 1)`,
    ]);
  });
});

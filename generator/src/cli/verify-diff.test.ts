import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PolicyDiffReport } from '../render/diff-render.js';
import type { VerifyResult } from '../verify/verify.js';
import type { GenerateReport } from '../render/generate-report.js';
import { palisade, tempDir } from './testing/cli-harness.js';

const DEMO_FLOWS = resolve(process.cwd(), 'demo/hubble-flows.jsonl');
const DEMO_CLUSTER = resolve(process.cwd(), 'demo/cluster.yaml');

let work: { path: string; cleanup: () => Promise<void> };
let proposed: string;
let empty: string;
let denyAll: string;
let generated: GenerateReport;

beforeAll(async () => {
  work = await tempDir();
  proposed = join(work.path, 'proposed');
  empty = join(work.path, 'empty');
  denyAll = join(work.path, 'deny-all.yaml');
  await mkdir(empty);
  const run = await palisade(['generate', '--flows', DEMO_FLOWS, '--cluster', DEMO_CLUSTER, '--out', proposed, '-o', 'json']);
  expect(run.stderr).toBe('');
  generated = JSON.parse(run.stdout) as GenerateReport;
  const namespaces = ['shop', 'data', 'ops', 'kube-system'];
  await writeFile(
    denyAll,
    namespaces
      .map((namespace) => `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny-all, namespace: ${namespace}}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n`)
      .join('---\n'),
  );
});
afterAll(async () => {
  await work.cleanup();
});

describe('palisade generate on the demo cluster', () => {
  it('verifies its own output with 0 violations (rule 19)', () => {
    expect(generated.verification?.violations).toBe(0);
    expect(generated.verification?.edgesChecked).toBe(generated.verification?.edgesAllowed);
    expect(generated.verification?.edgesChecked).toBeGreaterThan(100);
  });
});

describe('palisade verify', () => {
  it('refuses a --policies directory that holds no NetworkPolicy, saying 0 were read (exit 2, issue 11 item 30)', async () => {
    // It used to report "1339 allowed" as if the flows had been judged against something.
    const run = await palisade(['verify', '--policies', empty, '--flows', DEMO_FLOWS, '--cluster', DEMO_CLUSTER, '-o', 'json']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `palisade: --policies ${empty}: 0 NetworkPolicies read (no manifest of kind NetworkPolicy there): check the path; without policies every flow is allowed, so there is nothing to verify\n`,
    );
  });

  it('reports every flow between pods denied against a deny-all (exit 3)', async () => {
    const run = await palisade(['verify', '--policies', denyAll, '--flows', DEMO_FLOWS, '--cluster', DEMO_CLUSTER, '-o', 'json']);
    expect(run.code).toBe(3);
    const result = JSON.parse(run.stdout) as VerifyResult;
    // Only probes from a pod's own node stay allowed: the API always allows them.
    const fromOwnNode = result.checked - result.denied;
    expect(result.deniedEdges.every((edge) => edge.source !== 'host')).toBe(true);
    expect(result.denied).toBeGreaterThan(1000);
    expect(fromOwnNode).toBe(result.allowed);
  });

  it('denies only the blocked attempts of the demo under its generated policies, naming the denying side', async () => {
    const run = await palisade(['verify', '--policies', proposed, '--flows', DEMO_FLOWS, '--cluster', DEMO_CLUSTER]);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('shop/Deployment/frontend → data/StatefulSet/postgres TCP/5432: 4 flows, denied by both');
    expect(run.stdout).toMatch(/^Checked 1339 flows: 1335 allowed, 4 denied\./);
  });

  it('names the file, document and field of a policy file that is not a NetworkPolicy (exit 2)', async () => {
    const bad = join(work.path, 'bad.yaml');
    await writeFile(bad, 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: ok}\nspec: {podSelector: {}}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: broken}\nspec: {ingress: []}\n');
    const run = await palisade(['verify', '--policies', bad, '--flows', DEMO_FLOWS]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^palisade: ${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: document 2: spec\\.podSelector: .*\\n$`));
  });

  it('needs --policies and --flows, in one line each', async () => {
    expect((await palisade(['verify', '--flows', DEMO_FLOWS])).stderr).toBe('palisade: --policies: needs --policies DIR|FILE\n');
    expect((await palisade(['verify', '--policies', empty])).stderr).toBe('palisade: --flows: needs at least one --flows PATH (or - for stdin)\n');
  });
});

describe('palisade diff', () => {
  it('shows every proposed policy as added against an empty set, and the flows the proposal denies', async () => {
    const run = await palisade(['diff', '--current', empty, '--proposed', proposed, '--flows', DEMO_FLOWS, '--cluster', DEMO_CLUSTER, '-o', 'json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as PolicyDiffReport;
    expect(report.objects.added.map((change) => change.key)).toEqual(generated.policies.map((policy) => `${policy.namespace}/${policy.name}`).sort());
    expect(report.semantic?.deniedByCurrent.denied).toBe(0);
    expect(report.semantic?.deniedByProposed.deniedEdges.map((edge) => `${edge.source}->${edge.destination}`)).toEqual(['shop/Deployment/frontend->data/StatefulSet/postgres']);
    expect(report.semantic?.newlyAllowed).toEqual([]);
  });

  it('finds no change between a policy set and itself', async () => {
    const run = await palisade(['diff', '--current', proposed, '--proposed', proposed, '--cluster', DEMO_CLUSTER]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Policies: 0 added, 0 removed, 0 changed, 12 unchanged/);
  });

  it('writes a Markdown pull-request body with a YAML diff of a changed policy', async () => {
    const current = join(work.path, 'current.yaml');
    await writeFile(current, 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: palisade-cart, namespace: shop}\nspec:\n  podSelector: {matchLabels: {app: cart}}\n  policyTypes: [Ingress]\n');
    const run = await palisade(['diff', '--current', current, '--proposed', proposed, '--cluster', DEMO_CLUSTER, '-o', 'markdown']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^## NetworkPolicy changes/);
    expect(run.stdout).toContain('11 added, 0 removed, 1 changed');
    expect(run.stdout).toContain('```diff');
    expect(run.stdout).toContain('+    - Egress');
  });

  it('needs --current and --proposed', async () => {
    expect((await palisade(['diff', '--proposed', proposed])).stderr).toBe('palisade: --current: needs --current DIR|FILE (the policies in force)\n');
  });
});

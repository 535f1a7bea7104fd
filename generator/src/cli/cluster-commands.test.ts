import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import type { V1NetworkPolicy } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClusterReader, ListPage, PolicyWriter, ReadKind } from '../cluster/cluster-api.js';
import { FIELD_MANAGER } from '../cluster/cluster-api.js';
import { applyConfigFromFlags } from './apply-config.js';
import { runApply } from './apply-command.js';
import { refreshConfigFromFlags } from './refresh-config.js';
import { runRefresh } from './refresh-command.js';
import type { CliIo } from '../io/cli-io.js';
import { palisade, tempDir } from './testing/cli-harness.js';

/** An API server in memory: the objects it lists, and the policies Palisade writes into it. */
class MemoryCluster implements ClusterReader, PolicyWriter {
  readonly writes: string[] = [];
  private version = 1;
  constructor(
    private readonly objects: Partial<Record<ReadKind, object[]>>,
    readonly policies = new Map<string, V1NetworkPolicy>(),
  ) {}

  async list(kind: ReadKind): Promise<ListPage> {
    if (kind === 'NetworkPolicy') return { items: [...this.policies.values()] };
    return { items: this.objects[kind] ?? [] };
  }

  async apply(policy: V1NetworkPolicy, options: { dryRun: boolean }): Promise<V1NetworkPolicy> {
    const key = `${policy.metadata?.namespace}/${policy.metadata?.name}`;
    this.writes.push(`${options.dryRun ? 'dry-run ' : ''}apply ${key}`);
    // Like server-side apply, the stored object records the applier as its field manager: that is
    // how apply proves a live policy is Palisade's own (issue 11 item 9).
    const managedFields = [{ manager: FIELD_MANAGER, operation: 'Apply', apiVersion: 'networking.k8s.io/v1', fieldsType: 'FieldsV1' }];
    const stored = { ...policy, metadata: { ...policy.metadata, resourceVersion: String(++this.version), managedFields } };
    if (!options.dryRun) this.policies.set(key, stored);
    return stored;
  }

  async delete(target: { namespace: string; name: string }, options: { dryRun: boolean }): Promise<void> {
    this.writes.push(`${options.dryRun ? 'dry-run ' : ''}delete ${target.namespace}/${target.name}`);
    if (!options.dryRun) this.policies.delete(`${target.namespace}/${target.name}`);
  }
}

function captureIo(): CliIo & { out: () => string } {
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stdout, stderr: new PassThrough(), stdin: Readable.from(['']), out: () => Buffer.concat(chunks).toString() };
}

const SHOP_OBJECTS = {
  Namespace: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }],
  Deployment: [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { matchLabels: { app: 'web' } } } }],
};

function proposedPolicy(name: string, workload?: string): string {
  return [
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    'metadata:',
    `  name: ${name}`,
    '  namespace: shop',
    '  labels: {app.kubernetes.io/managed-by: palisade}',
    ...(workload ? [`  annotations: {palisade.io/workload: ${workload}}`] : []),
    'spec:',
    `  podSelector: ${workload ? '{matchLabels: {app: web}}' : '{}'}`,
    '  policyTypes: [Ingress, Egress]',
    ...(workload ? ['  ingress:', '    - from: [{podSelector: {matchLabels: {app: api}}}]', '      ports: [{port: 8080}]'] : []),
    '',
  ].join('\n');
}

let dir: { path: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  dir = await tempDir();
  await mkdir(join(dir.path, 'shop'));
  await writeFile(join(dir.path, 'shop', 'palisade-web.yaml'), proposedPolicy('palisade-web', 'Deployment/web'));
  await writeFile(join(dir.path, 'shop', 'palisade-default-deny.yaml'), proposedPolicy('palisade-default-deny'));
  const window = { firstSeen: '2026-01-01T00:00:00.000Z', lastSeen: '2026-01-03T00:00:00.000Z', hours: 48 };
  const report = {
    reportVersion: 1,
    baseline: { edges: 1, workloads: 2 },
    policies: [
      { namespace: 'shop', name: 'palisade-web', workload: 'shop/Deployment/web', window },
      { namespace: 'shop', name: 'palisade-default-deny' },
    ],
    warnings: [],
  };
  await writeFile(join(dir.path, 'report.json'), JSON.stringify(report));
});
afterEach(() => dir.cleanup());

describe('palisade apply (in-memory cluster)', () => {
  it('dry-runs the set, applies allow policies before the default-deny, and reads windows from report.json', async () => {
    const cluster = new MemoryCluster(SHOP_OBJECTS);
    const io = captureIo();
    const outcome = await runApply(await applyConfigFromFlags({ proposed: dir.path, minWindow: '24h', output: 'text' }), { io, cluster });
    expect(cluster.writes).toEqual([
      'dry-run apply shop/palisade-web',
      'dry-run apply shop/palisade-default-deny',
      'apply shop/palisade-web',
      'apply shop/palisade-default-deny',
    ]);
    expect(outcome.plan.changes).toBe(2);
    expect(io.out()).toMatch(/create\s+shop\/palisade-web: not in the cluster\ncreate\s+shop\/palisade-default-deny[^\n]*\nApplied: 2 created/);
  });

  it('writes nothing with --dry-run', async () => {
    const cluster = new MemoryCluster(SHOP_OBJECTS);
    await runApply(await applyConfigFromFlags({ proposed: dir.path, minWindow: '24h', dryRun: true, output: 'text' }), { io: captureIo(), cluster });
    expect(cluster.policies.size).toBe(0);
  });
});

describe('palisade refresh --then apply (in-memory cluster)', () => {
  it('reports "changed" once, then "no change" when the cluster already holds the proposal', async () => {
    const cluster = new MemoryCluster(SHOP_OBJECTS);
    const config = await refreshConfigFromFlags({ then: 'apply', proposed: dir.path, minWindow: '24h', output: 'text' });
    expect(await runRefresh(config, { io: captureIo(), cluster })).toEqual({ action: 'apply', changed: true });
    const writes = cluster.writes.length;
    expect(await runRefresh(config, { io: captureIo(), cluster })).toEqual({ action: 'apply', changed: false });
    expect(cluster.writes).toHaveLength(writes);
  });
});

describe('flags of apply, pr and refresh', () => {
  it.each([
    [['apply'], 'palisade: needs one of --flows PATH, --proposed DIR or --redis URL\n'],
    [['apply', '--flows', 'a.jsonl', '--proposed', 'dir'], 'palisade: takes one of --flows, --proposed, not both\n'],
    [['apply', '--proposed', 'dir', '--max-changes', 'many'], 'palisade: --max-changes: is not a number\n'],
    [['apply', '--proposed', 'dir', '--min-window', 'soon'], 'palisade: --min-window: is not a duration (for example 24h, 7d, 90m, 0s)\n'],
    [['apply', '--redis', 'http://x'], 'palisade: --redis: is not a Redis URL: redis://HOST[:PORT][/DB] (rediss:// for TLS)\n'],
    [['pr', '--proposed', 'dir', '--git-dir', '.', '--path', 'p'], 'palisade: --base: needs --base BRANCH (the branch the pull request goes into, e.g. main)\n'],
    [['pr', '--proposed', 'dir', '--git-dir', '.', '--path', 'p', '--base', 'main', '--github', 'not a repo'], 'palisade: --github not a repo: expected OWNER/REPO, for example acme/gitops\n'],
    [['refresh', '--proposed', 'dir'], 'palisade: --then: needs --then pr, apply or diff\n'],
    [['refresh', '--proposed', 'dir', '--then', 'pr'], 'palisade: --git-dir: --then pr needs --git-dir PATH (a clone of the GitOps repository)\n'],
    [['refresh', '--proposed', 'dir', '--then', 'diff'], 'palisade: --kubeconfig: --then diff compares with the live cluster and needs --kubeconfig FILE\n'],
  ])('palisade %j', async (args, stderr) => {
    const run = await palisade(args);
    expect(run.stderr).toBe(stderr);
    expect(run.code).toBe(2);
  });

  it('needs GITHUB_TOKEN for --github and never prints it', async () => {
    const saved = process.env['GITHUB_TOKEN'];
    delete process.env['GITHUB_TOKEN'];
    try {
      const run = await palisade(['pr', '--proposed', 'dir', '--git-dir', '.', '--path', 'p', '--base', 'main', '--github', 'acme/gitops']);
      expect(run.stderr).toBe('palisade: --github: needs a token in GITHUB_TOKEN (contents and pull-requests write)\n');
      expect(run.code).toBe(2);
    } finally {
      if (saved !== undefined) process.env['GITHUB_TOKEN'] = saved;
    }
  });

  it('documents exit code 10 of refresh', async () => {
    expect((await palisade(['--help'])).stdout).toMatch(/10 refresh: the proposal changed and was acted on \(0: nothing changed\)/);
  });
});

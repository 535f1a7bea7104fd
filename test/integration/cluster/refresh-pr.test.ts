import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { palisade } from '../../../generator/src/cli/testing/cli-harness.js';
import { loadTestKubeConfig } from '../../helpers/kubernetes.js';
import { readServiceEnv } from '../../helpers/service-env.js';
import { startGitHubStandIn } from './github-stand-in.js';
import { createShop } from './scenario.js';

/** `palisade refresh --then pr` against a real bare Git repository and a local GitHub stand-in. */

const TOKEN = 'ghp_test-token-never-printed';
const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-C', cwd, ...args], { encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } }).trim();

/** A bare "remote" with one commit on main, and a clone of it for Palisade. */
async function gitopsRepository(dir: string): Promise<{ remote: string; workingCopy: string }> {
  const remote = join(dir, 'gitops.git');
  const seed = join(dir, 'seed');
  const workingCopy = join(dir, 'work');
  execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', remote]);
  execFileSync('git', ['init', '--quiet', '--initial-branch=main', seed]);
  await mkdir(join(seed, 'clusters', 'test'), { recursive: true });
  await writeFile(join(seed, 'README.md'), '# GitOps\n');
  git(seed, 'add', '.');
  git(seed, 'commit', '--quiet', '-m', 'initial');
  git(seed, 'push', '--quiet', remote, 'main');
  execFileSync('git', ['clone', '--quiet', remote, workingCopy]);
  return { remote, workingCopy };
}

let savedToken: string | undefined;
beforeEach(() => {
  savedToken = process.env['GITHUB_TOKEN'];
  process.env['GITHUB_TOKEN'] = TOKEN;
});
afterEach(() => {
  if (savedToken === undefined) delete process.env['GITHUB_TOKEN'];
  else process.env['GITHUB_TOKEN'] = savedToken;
});

describe('palisade refresh --then pr (real Git remote, GitHub stand-in, real kube-apiserver)', () => {
  it('opens one pull request, does nothing when nothing changed, and updates it on the next change', async () => {
    const shop = await createShop(loadTestKubeConfig(), onTestFinished);
    const github = await startGitHubStandIn('acme', 'gitops');
    onTestFinished(() => github.close());
    const { remote, workingCopy } = await gitopsRepository(shop.dir);
    const refresh = (flows: string) =>
      palisade([
        'refresh', '--then', 'pr', '--flows', flows,
        '--kubeconfig', readServiceEnv().kubeconfig, '--namespace', shop.namespace,
        '--git-dir', workingCopy, '--path', 'clusters/test', '--base', 'main',
        '--github', 'acme/gitops', '--github-api-url', github.url,
      ]);
    const branchHead = () => git(remote, 'rev-parse', 'refs/heads/palisade/network-policies');

    const first = await refresh(await shop.writeFlows(48));
    expect(first.stderr).toBe('');
    expect(first.code).toBe(10);
    expect(first.stdout).toMatch(/^Pushed [0-9a-f]{12} to origin\/palisade\/network-policies; pull request #1 opened/);
    expect(git(remote, 'ls-tree', '-r', '--name-only', 'palisade/network-policies', 'clusters/test').split('\n')).toEqual([
      `clusters/test/${shop.namespace}/palisade-db.yaml`,
      `clusters/test/${shop.namespace}/palisade-web.yaml`,
    ]);
    expect(git(remote, 'show', `palisade/network-policies:clusters/test/${shop.namespace}/palisade-db.yaml`)).toContain('app.kubernetes.io/managed-by: palisade');
    expect(github.pullRequests).toHaveLength(1);
    const opened = github.pullRequests[0];
    expect(opened).toMatchObject({ head: 'palisade/network-policies', base: 'main', state: 'open' });
    expect(opened?.body).toMatch(/## Summary[\s\S]*## NetworkPolicy changes[\s\S]*2 added[\s\S]*## Verification[\s\S]*Observed edges replayed[\s\S]*## Warnings/);
    expect(github.requests.every((request) => request.authorization === `token ${TOKEN}`)).toBe(true);
    const firstHead = branchHead();

    const again = await refresh(await shop.writeFlows(48, { name: 'again.jsonl' }));
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^No change: palisade\/network-policies already proposes these policies/);
    expect(branchHead()).toBe(firstHead);
    expect(github.requests.filter((request) => request.method !== 'GET')).toHaveLength(1);

    const changed = await refresh(await shop.writeFlows(48, { name: 'more.jsonl', ports: [5432, 5433] }));
    expect(changed.code).toBe(10);
    expect(changed.stdout).toMatch(/pull request #1 updated/);
    expect(branchHead()).not.toBe(firstHead);
    expect(git(remote, 'rev-list', '--count', 'main..palisade/network-policies')).toBe('1');
    expect(git(remote, 'show', `palisade/network-policies:clusters/test/${shop.namespace}/palisade-db.yaml`)).toContain('5433');
    expect(github.pullRequests).toHaveLength(1);
    expect(github.requests.map((request) => request.method).filter((method) => method !== 'GET')).toEqual(['POST', 'PATCH']);
    // The body always compares with the base, so it stays "2 added", now with the new port.
    expect(github.pullRequests[0]?.body).toMatch(/2 added[\s\S]*port: 5433/);

    for (const run of [first, again, changed]) expect(`${run.stdout}${run.stderr}`).not.toContain(TOKEN);
  });
});

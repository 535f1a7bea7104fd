import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { palisade } from '../../../generator/src/cli/testing/cli-harness.js';
import { loadTestKubeConfig } from '../../helpers/kubernetes.js';
import { startGitHubStandIn } from './github-stand-in.js';
import { createShop } from './scenario.js';

/**
 * Issue 11 item 4: a GitHub API (or a proxy in front of it) that echoes the Authorization header in
 * its error body must not make `palisade pr` print the token, whatever its shape.
 */

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-C', cwd, ...args], { encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } }).trim();

async function gitopsClone(dir: string): Promise<string> {
  const remote = join(dir, 'gitops.git');
  const seed = join(dir, 'seed');
  const workingCopy = join(dir, 'work');
  execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', remote]);
  execFileSync('git', ['init', '--quiet', '--initial-branch=main', seed]);
  await mkdir(join(seed, 'clusters'), { recursive: true });
  await writeFile(join(seed, 'README.md'), '# GitOps\n');
  git(seed, 'add', '.');
  git(seed, 'commit', '--quiet', '-m', 'initial');
  git(seed, 'push', '--quiet', remote, 'main');
  execFileSync('git', ['clone', '--quiet', remote, workingCopy]);
  return workingCopy;
}

let savedToken: string | undefined;
beforeEach(() => {
  savedToken = process.env['GITHUB_TOKEN'];
});
afterEach(() => {
  if (savedToken === undefined) delete process.env['GITHUB_TOKEN'];
  else process.env['GITHUB_TOKEN'] = savedToken;
});

describe('palisade pr against a GitHub API that echoes the Authorization header (item 4)', () => {
  it.each([
    ['a classic token (ghp_…)', 'ghp_Zx9aQ2bW7cE4dR6fT8gY0hU1jI3kO5lP7mN9'],
    ['a token of no known shape', 'enterprise-Token.Value-4f1c9e2a'],
  ])('prints the 401 in one line without %s', async (_shape, token) => {
    process.env['GITHUB_TOKEN'] = token;
    const shop = await createShop(loadTestKubeConfig(), onTestFinished);
    const github = await startGitHubStandIn('acme', 'gitops', { rejectEchoingAuthorization: true });
    onTestFinished(() => github.close());
    const workingCopy = await gitopsClone(shop.dir);

    const run = await palisade([
      'pr', '--flows', await shop.writeFlows(48), '--min-window', '0s',
      '--git-dir', workingCopy, '--path', 'clusters/test', '--base', 'main',
      '--github', 'acme/gitops', '--github-api-url', github.url,
    ]);

    // The stand-in really received the token, and really echoed it.
    expect(github.requests[0]?.authorization).toBe(`token ${token}`);
    expect(run.code).toBe(1);
    const printed = `${run.stdout}${run.stderr}`;
    expect(printed).not.toContain(token);
    expect(run.stderr).toMatch(/^palisade: GitHub: listing pull requests in acme\/gitops failed: HTTP 401: .*\(check GITHUB_TOKEN\)\n$/);
    // The body is never printed raw: nothing of it beyond GitHub's one-line message.
    expect(printed).not.toContain('documentation_url');
    expect(printed).not.toContain('echoed');
  });
});

import { stat } from 'node:fs/promises';
import { isAbsolute, join, normalize } from 'node:path';
import type { V1NetworkPolicy } from '@kubernetes/client-node';
import { InputError } from '../errors.js';
import { loadNetworkPolicies } from '../io/policy-load.js';
import type { OutputFile } from '../io/output-directory.js';
import { writeOutputDirectory } from '../io/output-directory.js';
import type { GitRunner } from './git.js';
import type { PullRequest, PullRequestApi } from './github.js';

/**
 * Publishes a proposal as one pull request: the policy files are written into a Git working copy
 * on a branch made from the base, committed only when they differ from what the branch already
 * proposes, pushed, and one pull request is opened (first time) or updated (on every later change).
 * The branch is rebuilt from the base each run with one commit, so it never drifts from the base
 * or piles up commits, and it is pushed with a lease, so a concurrent push is never overwritten blind.
 */

/** Where to publish. */
export interface PublishTarget {
  /** Directory of the policies inside the repository (`--path`), relative to its top. */
  readonly path: string;
  readonly base: string;
  readonly branch: string;
  /** @default 'origin' */
  readonly remote: string;
}

/** What to publish. */
export interface PublishInput {
  readonly git: GitRunner;
  /** Absent: push only, no pull request (no `--github`). */
  readonly pullRequests?: PullRequestApi;
  readonly target: PublishTarget;
  /** Policy files relative to `target.path`. */
  readonly files: readonly OutputFile[];
  readonly title: string;
  /** The pull-request body, from the policies the base holds today. */
  body(current: readonly V1NetworkPolicy[]): string;
}

/** What publishing did. */
export interface PublishResult {
  /** Whether the proposal differs from the branch as it was (a commit was pushed). */
  readonly changed: boolean;
  /** Why nothing was pushed, when nothing was. */
  readonly reason?: 'same-as-base' | 'same-as-branch';
  readonly commit?: string;
  readonly pullRequest?: PullRequest & { readonly action: 'opened' | 'updated' | 'unchanged' };
}

/** Publishes; see the module comment for the steps. */
export async function publishPolicies(input: PublishInput): Promise<PublishResult> {
  const { git, target } = input;
  const path = checkPath(target.path);
  const status = await git.run(['status', '--porcelain']);
  if (status.stdout.trim() !== '') throw new InputError(`--git-dir ${git.directory}: the working copy has uncommitted changes; Palisade needs a clean clone of its own`);

  await git.run(['fetch', '--quiet', target.remote, `+refs/heads/${target.base}:refs/remotes/${target.remote}/${target.base}`]).catch((error: unknown) => {
    throw new InputError(`--base ${target.base}: cannot fetch it from remote ${target.remote}: ${(error as Error).message}`, { cause: error });
  });
  const branchRef = `refs/remotes/${target.remote}/${target.branch}`;
  const remoteBranch = await git.run(['ls-remote', '--heads', target.remote, `refs/heads/${target.branch}`]);
  const branchExists = remoteBranch.stdout.trim() !== '';
  if (branchExists) await git.run(['fetch', '--quiet', target.remote, `+refs/heads/${target.branch}:${branchRef}`]);
  const previous = branchExists ? (await git.run(['rev-parse', branchRef])).stdout.trim() : undefined;

  await git.run(['checkout', '--quiet', '-B', target.branch, `refs/remotes/${target.remote}/${target.base}`]);
  const directory = join(git.directory, path);
  const current = (await exists(directory)) ? (await loadNetworkPolicies(directory)).map((loaded) => loaded.policy) : [];
  await writeOutputDirectory(directory, input.files);
  await git.run(['add', '--all', '--', path]);

  const staged = await git.run(['diff', '--cached', '--quiet'], { allowFailure: true });
  if (staged.code === 0) {
    // The base already holds exactly this proposal (merged, or nothing learned since).
    return { changed: false, reason: 'same-as-base' };
  }
  const tree = (await git.run(['write-tree', `--prefix=${path}/`])).stdout.trim();
  const branchTree = previous ? (await git.run(['rev-parse', '--verify', '--quiet', `${previous}:${path}`], { allowFailure: true })).stdout.trim() : '';
  const body = input.body(current);
  if (tree === branchTree) {
    await git.run(['checkout', '--quiet', '--force', '-B', target.branch, branchRef]);
    const open = input.pullRequests ? await input.pullRequests.findOpen(target.branch, target.base) : undefined;
    return { changed: false, reason: 'same-as-branch', ...(open ? { pullRequest: { ...open, action: 'unchanged' as const } } : {}) };
  }

  await git.run(['commit', '--quiet', '--no-verify', '-m', input.title]);
  const commit = (await git.run(['rev-parse', 'HEAD'])).stdout.trim();
  const lease = `--force-with-lease=refs/heads/${target.branch}:${previous ?? ''}`;
  await git.run(['push', '--quiet', lease, target.remote, `HEAD:refs/heads/${target.branch}`]);

  if (input.pullRequests === undefined) return { changed: true, commit };
  const open = await input.pullRequests.findOpen(target.branch, target.base);
  const pullRequest = open
    ? { ...(await input.pullRequests.update(open.number, { title: input.title, body })), action: 'updated' as const }
    : { ...(await input.pullRequests.open({ branch: target.branch, base: target.base, title: input.title, body })), action: 'opened' as const };
  return { changed: true, commit, pullRequest };
}

/** `--path` must stay inside the repository. */
function checkPath(path: string): string {
  const clean = normalize(path).replace(/\/+$/, '');
  if (isAbsolute(clean) || clean === '.' || clean === '' || clean.startsWith('..'))
    throw new InputError(`--path ${path}: must be a directory inside the repository, for example clusters/prod/network-policies`);
  return clean;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

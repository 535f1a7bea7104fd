import { registerSecret } from '@palisade/collector';
import { InputError } from '../errors.js';
import type { PullRequestApi } from '../publish/github.js';
import { octokitPullRequests } from '../publish/github.js';
import type { GitHubTarget } from './pr.js';

/** Longest wait for one GitHub request, unless `--request-timeout` says otherwise. */
const DEFAULT_GITHUB_TIMEOUT_MS = 30_000;

/**
 * Builds the GitHub client from the configuration and `GITHUB_TOKEN` (the one place it is read).
 * Octokit loads only when a pull request is to be opened.
 */
export async function githubFromEnvironment(github: GitHubTarget | undefined, env: NodeJS.ProcessEnv = process.env): Promise<PullRequestApi | undefined> {
  if (github === undefined) return undefined;
  const token = env['GITHUB_TOKEN'];
  if (token === undefined || token.trim() === '') throw new InputError('--github: needs a token in GITHUB_TOKEN (contents and pull-requests write)');
  // From here on the token is redacted from every line this process prints, whatever its shape.
  registerSecret(token);
  const { Octokit } = await import('@octokit/rest');
  // Octokit has no timeout of its own: every request gets a deadline (issue 11, item 16).
  const timeoutMs = github.requestTimeoutMs ?? DEFAULT_GITHUB_TIMEOUT_MS;
  const timedFetch: typeof fetch = (input, init) => {
    const deadline = AbortSignal.timeout(timeoutMs);
    return fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline });
  };
  const octokit = new Octokit({
    auth: token.trim(),
    baseUrl: github.apiUrl.replace(/\/+$/, ''),
    userAgent: 'palisade',
    request: { fetch: timedFetch },
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });
  return octokitPullRequests(octokit, github);
}

import { registerSecret } from '@palisade/collector';
import { InputError } from '../errors.js';
import type { PullRequestApi } from '../publish/github.js';
import { octokitPullRequests } from '../publish/github.js';
import type { GitHubTarget } from './pr.js';

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
  const octokit = new Octokit({ auth: token.trim(), baseUrl: github.apiUrl.replace(/\/+$/, ''), userAgent: 'palisade', log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} } });
  return octokitPullRequests(octokit, github);
}

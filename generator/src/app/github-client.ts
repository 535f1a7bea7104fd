import { Octokit } from '@octokit/rest';
import { InputError } from '../errors.js';
import type { PullRequestApi } from '../publish/github.js';
import { octokitPullRequests } from '../publish/github.js';
import type { GitHubTarget } from './pr.js';

/** Builds the GitHub client from the configuration and `GITHUB_TOKEN` (the one place it is read). */
export function githubFromEnvironment(github: GitHubTarget | undefined, env: NodeJS.ProcessEnv = process.env): PullRequestApi | undefined {
  if (github === undefined) return undefined;
  const token = env['GITHUB_TOKEN'];
  if (token === undefined || token.trim() === '') throw new InputError('--github: needs a token in GITHUB_TOKEN (contents and pull-requests write)');
  const octokit = new Octokit({ auth: token.trim(), baseUrl: github.apiUrl.replace(/\/+$/, ''), userAgent: 'palisade', log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} } });
  return octokitPullRequests(octokit, github);
}

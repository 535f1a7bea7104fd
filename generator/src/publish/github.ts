import { redactSecrets } from '@palisade/collector';
import { ClusterError, InputError } from '../errors.js';

/**
 * The three GitHub REST calls Palisade makes for its one pull request, behind an interface; the
 * octokit adapter below is the only code that knows octokit. The token stays inside the octokit
 * client: no message here ever includes a request's headers, and a response body is never printed
 * as it came: only GitHub's own one-line `message`, redacted and shortened, since a proxy or an
 * Enterprise front end may echo the Authorization header back in it.
 */

/** Longest part of GitHub's error message a Palisade message quotes. */
const MAX_QUOTED_MESSAGE = 160;

/** A pull request as Palisade needs it. */
export interface PullRequest {
  readonly number: number;
  readonly url: string;
}

/** Finds, opens and updates pull requests of one repository. */
export interface PullRequestApi {
  /** The open pull request from `branch` into `base`, if there is one. */
  findOpen(branch: string, base: string): Promise<PullRequest | undefined>;
  open(request: { readonly branch: string; readonly base: string; readonly title: string; readonly body: string }): Promise<PullRequest>;
  update(number: number, request: { readonly title: string; readonly body: string }): Promise<PullRequest>;
}

/** The part of `@octokit/rest`'s client used here. */
export interface OctokitPulls {
  readonly rest: {
    readonly pulls: {
      list(params: { owner: string; repo: string; state: 'open'; head: string; base: string; per_page: number }): Promise<{ data: readonly { number: number; html_url: string }[] }>;
      create(params: { owner: string; repo: string; head: string; base: string; title: string; body: string }): Promise<{ data: { number: number; html_url: string } }>;
      update(params: { owner: string; repo: string; pull_number: number; title: string; body: string }): Promise<{ data: { number: number; html_url: string } }>;
    };
  };
}

/** `OWNER/REPO` split, or an InputError saying what to type. */
export function parseRepository(text: string): { owner: string; repo: string } {
  const match = /^([A-Za-z0-9][A-Za-z0-9-]*)\/([A-Za-z0-9._-]+)$/.exec(text);
  if (match === null) throw new InputError(`--github ${text}: expected OWNER/REPO, for example acme/gitops`);
  return { owner: match[1] as string, repo: match[2] as string };
}

/**
 * A GitHub call failed. Not a cluster error: its message names GitHub itself ("GitHub: …",
 * "cannot reach the GitHub API at …"), so runCli prints no kind before it.
 */
export class GitHubError extends ClusterError {
  override get label(): string {
    return '';
  }
}

/** The octokit implementation of {@link PullRequestApi}. */
export function octokitPullRequests(
  octokit: OctokitPulls,
  repository: { readonly owner: string; readonly repo: string; readonly apiUrl?: string; readonly requestTimeoutMs?: number },
): PullRequestApi {
  const { owner, repo } = repository;
  const call = async <T>(what: string, request: () => Promise<T>): Promise<T> => {
    try {
      return await request();
    } catch (error) {
      const status = (error as { status?: unknown }).status;
      // Octokit reports a request that got no HTTP answer at all (refused, timed out, a port
      // fetch will not use) as "HTTP 500" with the fetch error as its cause: say what happened.
      if ((error as { response?: unknown }).response === undefined && (status === undefined || status === 500) && (error as { cause?: unknown }).cause !== undefined)
        throw new GitHubError(`cannot reach the GitHub API at ${repository.apiUrl ?? 'https://api.github.com'}: ${unreachableReason(error, repository.requestTimeoutMs)} (${what} in ${owner}/${repo}; check --github-api-url)`, {
          cause: error,
          retriable: true,
        });
      const reason = typeof status === 'number' ? `HTTP ${status}${quotedMessage(error)}` : redactSecrets(firstLine(error));
      const hint = status === 401 ? ' (check GITHUB_TOKEN)' : status === 403 || status === 404 ? ` (check that the token may write pull requests of ${owner}/${repo})` : '';
      throw new GitHubError(`GitHub: ${what} in ${owner}/${repo} failed: ${reason}${hint}`, {
        cause: error,
        retriable: typeof status !== 'number' || status >= 500 || status === 429,
      });
    }
  };
  return {
    async findOpen(branch, base) {
      const { data } = await call('listing pull requests', () => octokit.rest.pulls.list({ owner, repo, state: 'open', head: `${owner}:${branch}`, base, per_page: 10 }));
      const first = data[0];
      return first === undefined ? undefined : { number: first.number, url: first.html_url };
    },
    async open({ branch, base, title, body }) {
      const { data } = await call('opening a pull request', () => octokit.rest.pulls.create({ owner, repo, head: branch, base, title, body }));
      return { number: data.number, url: data.html_url };
    },
    async update(number, { title, body }) {
      const { data } = await call(`updating pull request #${number}`, () => octokit.rest.pulls.update({ owner, repo, pull_number: number, title, body }));
      return { number: data.number, url: data.html_url };
    },
  };
}

/** `: <GitHub's message>` from the response body's `message` field only, one line, redacted and capped; '' without one. */
function quotedMessage(error: unknown): string {
  const data = (error as { response?: { data?: unknown } }).response?.data;
  const message = typeof data === 'object' && data !== null ? (data as { message?: unknown }).message : undefined;
  if (typeof message !== 'string' || message.trim() === '') return '';
  const line = redactSecrets(message.replace(/\s+/g, ' ').trim());
  return `: ${line.length > MAX_QUOTED_MESSAGE ? `${line.slice(0, MAX_QUOTED_MESSAGE)}…` : line}`;
}

/** Why a request got no HTTP answer, in words: the fetch error under octokit's wrapper. */
function unreachableReason(error: unknown, timeoutMs: number | undefined): string {
  const fetchError = (error as { cause?: unknown }).cause as { name?: unknown; cause?: unknown; message?: unknown } | undefined;
  if (fetchError?.name === 'TimeoutError' || fetchError?.name === 'AbortError')
    return `no answer within ${timeoutMs === undefined ? 'the request timeout' : `${Number((timeoutMs / 1000).toFixed(3))}s`} (a slower server: --request-timeout)`;
  const inner = fetchError?.cause as { code?: unknown; message?: unknown } | undefined;
  const code = inner?.code;
  const words: Readonly<Record<string, string>> = { ECONNREFUSED: 'connection refused', ENOTFOUND: 'the host name does not resolve', ECONNRESET: 'the connection was reset', EHOSTUNREACH: 'no route to the host', ETIMEDOUT: 'the connection timed out' };
  if (typeof code === 'string' && words[code] !== undefined) return words[code] as string;
  const message = typeof inner?.message === 'string' ? inner.message : typeof fetchError?.message === 'string' ? fetchError.message : firstLine(error);
  if (message === 'bad port') return 'fetch refuses to connect to that port ("bad port"): use the API\'s real port';
  return redactSecrets(message.split('\n')[0] ?? '');
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}

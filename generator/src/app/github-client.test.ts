import { describe, expect, it } from 'vitest';
import { freePort, silentServer } from '../../../test/helpers/local-servers.js';
import { ClusterError } from '../errors.js';
import { githubFromEnvironment } from './github-client.js';

/**
 * GitHub calls that get no HTTP answer (issue 11, items 16 and 28): a server that accepts and
 * never answers ends at the request timeout, a closed port says "connection refused", and none of
 * it is "HTTP 500" under a "cluster:" prefix. Local TCP servers on 127.0.0.1 only.
 */


const target = (apiUrl: string, requestTimeoutMs = 5_000) => ({ owner: 'acme', repo: 'gitops', apiUrl, requestTimeoutMs });

describe('GitHub API calls without an answer', () => {
  it('a server that never answers: the request ends at its timeout, with one line naming the call', async () => {
    const port = await silentServer();
    const api = await githubFromEnvironment(target(`http://127.0.0.1:${port}`, 200), { GITHUB_TOKEN: 'ghp_notarealtoken' });
    const error = await api?.findOpen('palisade/network-policies', 'main').then(() => undefined, (failure: unknown) => failure);
    expect(error).toBeInstanceOf(ClusterError);
    expect((error as Error).message).toBe(
      `cannot reach the GitHub API at http://127.0.0.1:${port}: no answer within 0.2s (a slower server: --request-timeout) (listing pull requests in acme/gitops; check --github-api-url)`,
    );
  });

  it('a closed port: "connection refused"', async () => {
    const port = await freePort();
    const api = await githubFromEnvironment(target(`http://127.0.0.1:${port}`), { GITHUB_TOKEN: 'ghp_notarealtoken' });
    await expect(api?.open({ branch: 'b', base: 'main', title: 't', body: 'b' })).rejects.toThrow(
      `cannot reach the GitHub API at http://127.0.0.1:${port}: connection refused (opening a pull request in acme/gitops; check --github-api-url)`,
    );
  });

  it('a port fetch refuses ("bad port", as port 1): says so, not "HTTP 500"', async () => {
    const api = await githubFromEnvironment(target('http://127.0.0.1:1'), { GITHUB_TOKEN: 'ghp_notarealtoken' });
    const error = await api?.update(7, { title: 't', body: 'b' }).then(() => undefined, (failure: unknown) => failure);
    expect((error as Error).message).toMatch(/^cannot reach the GitHub API at http:\/\/127\.0\.0\.1:1: fetch refuses to connect to that port \("bad port"\)/);
    expect((error as Error).message).not.toContain('HTTP 500');
  });

});

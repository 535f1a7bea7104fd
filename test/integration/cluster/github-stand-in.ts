import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the three GitHub REST endpoints `palisade pr` uses (list, create and update pull
 * requests of one repository), on 127.0.0.1, recording every request it answers.
 */

/** One request as the stand-in received it. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly authorization?: string;
  readonly body?: Record<string, unknown>;
}

/** A pull request the stand-in holds. */
export interface StoredPullRequest {
  readonly number: number;
  head: string;
  base: string;
  title: string;
  body: string;
  state: 'open' | 'closed';
}

/** The running stand-in. */
export interface GitHubStandIn {
  readonly url: string;
  readonly requests: RecordedRequest[];
  readonly pullRequests: StoredPullRequest[];
  close(): Promise<void>;
}

/** How the stand-in misbehaves, for tests of what Palisade prints. */
export interface StandInOptions {
  /**
   * Answer every request with 401 and a body that echoes the request's Authorization header, as
   * some proxies and GitHub Enterprise front ends do: a token must still never be printed.
   */
  readonly rejectEchoingAuthorization?: boolean;
}

/** Starts the stand-in for `owner/repo` on a free port. */
export async function startGitHubStandIn(owner: string, repo: string, options: StandInOptions = {}): Promise<GitHubStandIn> {
  const requests: RecordedRequest[] = [];
  const pullRequests: StoredPullRequest[] = [];
  const prefix = `/repos/${owner}/${repo}/pulls`;
  const view = (pr: StoredPullRequest) => ({ number: pr.number, html_url: `https://github.example/${owner}/${repo}/pull/${pr.number}`, state: pr.state, title: pr.title, body: pr.body });

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://stand-in');
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>);
      requests.push({
        method: request.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
        ...(body ? { body } : {}),
      });
      const send = (status: number, payload: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(payload));
      };
      if (options.rejectEchoingAuthorization)
        return send(401, { message: `Bad credentials: ${request.headers.authorization ?? '(none)'}`, documentation_url: 'https://docs.github.com/rest', echoed: request.headers });
      if (request.method === 'GET' && url.pathname === prefix) {
        const head = url.searchParams.get('head');
        const base = url.searchParams.get('base');
        return send(
          200,
          pullRequests.filter((pr) => pr.state === 'open' && (head === null || `${owner}:${pr.head}` === head) && (base === null || pr.base === base)).map(view),
        );
      }
      if (request.method === 'POST' && url.pathname === prefix && body) {
        const pr: StoredPullRequest = { number: pullRequests.length + 1, head: String(body['head']), base: String(body['base']), title: String(body['title']), body: String(body['body']), state: 'open' };
        pullRequests.push(pr);
        return send(201, view(pr));
      }
      const match = /^\/repos\/[^/]+\/[^/]+\/pulls\/(\d+)$/.exec(url.pathname);
      const existing = match ? pullRequests.find((pr) => pr.number === Number(match[1])) : undefined;
      if (request.method === 'PATCH' && existing && body) {
        if (typeof body['title'] === 'string') existing.title = body['title'];
        if (typeof body['body'] === 'string') existing.body = body['body'];
        return send(200, view(existing));
      }
      send(404, { message: 'Not Found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    pullRequests,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

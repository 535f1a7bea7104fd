import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

/**
 * The service's HTTP edge: `/metrics` in the Prometheus text format and `/healthz` for the
 * kubelet's probes (200 while the service works, 503 once it has stopped or failed).
 */

/** Options of {@link createMetricsServer}. */
export interface MetricsServerOptions {
  readonly registry: Registry;
  readonly healthy: () => boolean;
}

/** An HTTP server answering `/metrics` and `/healthz`; the caller listens and closes it. */
export function createMetricsServer(options: MetricsServerOptions): Server {
  return createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/healthz') {
      const ok = options.healthy();
      response.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(ok ? 'ok\n' : 'not serving\n');
      return;
    }
    if (path === '/metrics') {
      options.registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': options.registry.contentType }).end(text),
        (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`${(error as Error).message}\n`),
      );
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics or /healthz\n');
  });
}

/** Starts listening on 127.0.0.1 or all interfaces; resolves with the bound port (0 picks a free one). */
export function listen(server: Server, port: number, host = '0.0.0.0'): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

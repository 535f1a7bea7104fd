import { describe, expect, it } from 'vitest';
import { createPromMetrics, serveMetrics } from './metrics.js';

describe('metrics and health', () => {
  it('serves the baseliner metrics and a health check that follows the service', async () => {
    const { metrics, registry } = createPromMetrics();
    metrics.batch('palisade.flows.v1', 2, 500, 1_234);
    metrics.flush(500, 3, 4);
    metrics.deadLetters(1);
    let healthy = true;
    const server = await serveMetrics(registry, () => healthy, 0, '127.0.0.1');
    try {
      const address = server.address();
      const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const body = await (await fetch(`${base}/metrics`)).text();
      expect(body).toMatch(/^palisade_baseliner_consumer_lag\{topic="palisade\.flows\.v1",partition="2"\} 1234$/m);
      expect(body).toMatch(/^palisade_baseliner_flows_total 500$/m);
      expect(body).toMatch(/^palisade_baseliner_redis_commands_per_flush_sum 4$/m);
      expect(body).toMatch(/^palisade_baseliner_dead_letters_total 1$/m);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      healthy = false;
      expect((await fetch(`${base}/healthz`)).status).toBe(503);
      expect((await fetch(`${base}/other`)).status).toBe(404);
    } finally {
      await new Promise((done) => server.close(done));
    }
  });
});

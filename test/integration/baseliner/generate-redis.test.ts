import { ingest } from '@palisade/collector';
import { describe, expect, it } from 'vitest';
import { palisade, readTree, sharedFlow, tempDir } from '../../../generator/src/cli/testing/cli-harness.js';
import { createTestKafka } from '../../helpers/kafka.js';
import { freshBaselinerScope, produceFlows, scopeSettings, scopeStore, startInProcess, waitForCatchUp } from './baseliner-harness.js';

const kafka = createTestKafka('palisade-generate-redis-test');

describe('palisade generate --redis', () => {
  it.each([
    ['bookinfo (Istio on kind)', ['hubble/hubble-otel__basic-sample-400-tcp-flows.json']],
    ['bookinfo with DNS and HTTP', ['hubble/hubble-otel__basic-sample-330-dns-flows.json', 'hubble/hubble-otel__basic-sample-348-http-flows.json']],
  ])('writes the same policies as the embedded path on the same flows: %s', async (_name, samples) => {
    const files = samples.map((sample) => sharedFlow(sample));
    const scope = await freshBaselinerScope(kafka, 2);
    const { flows } = await ingest(files, { format: 'auto' });
    expect(flows.length).toBeGreaterThan(50);
    await produceFlows(kafka, scope.topic, flows);
    await startInProcess(scopeSettings(scope));
    await waitForCatchUp(kafka, await scopeStore(scope), scope.topic);

    const [embedded, fromRedis] = [await tempDir(), await tempDir()];
    try {
      const a = await palisade(['generate', ...files.flatMap((file) => ['--flows', file]), '--out', embedded.path]);
      const b = await palisade(['generate', '--redis', scope.redisUrl, '--redis-prefix', scope.prefix, '--out', fromRedis.path]);
      expect([a.code, a.stderr, b.code, b.stderr]).toEqual([0, '', 0, '']);
      const [left, right] = [await readTree(embedded.path), await readTree(fromRedis.path)];
      const policies = (tree: Record<string, string>) => Object.fromEntries(Object.entries(tree).filter(([path]) => path.endsWith('.yaml')));
      expect(Object.keys(policies(left)).length).toBeGreaterThan(0);
      // byte-identical policy files; the reports differ only in where the input came from
      expect(policies(right)).toEqual(policies(left));
      const report = (tree: Record<string, string>) => JSON.parse(tree['report.json'] ?? '{}') as Record<string, unknown>;
      const { input: inputA, ...restA } = report(left);
      const { input: inputB, ...restB } = report(right);
      expect(restB).toEqual(restA);
      expect((inputB as { format: string }).format).toBe('redis');
      expect((inputA as { format: string }).format).toBe('auto');
    } finally {
      await embedded.cleanup();
      await fromRedis.cleanup();
    }
  });

  it('says what to fix when Redis is not there', async () => {
    const out = await tempDir();
    try {
      const run = await palisade(['generate', '--redis', 'redis://127.0.0.1:1', '--out', out.path]);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toMatch(/^palisade: .*Redis at 127\.0\.0\.1:1: .*\(check --redis-url\)\n$/);
    } finally {
      await out.cleanup();
    }
  });
});

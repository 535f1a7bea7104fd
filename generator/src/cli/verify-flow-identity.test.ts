import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { palisade, sharedFlow, tempDir } from './testing/cli-harness.js';

/**
 * Issue 11 item 11: on the real bookinfo sample, `verify` without `--cluster` judged
 * ratings-v1 → productpage-v1 TCP/9080 as productpage → productpage and reported it denied, though
 * generate's own check, two independent analyzers and `verify --cluster` allow it. 10.244.0.148 is
 * Cilium's shared host/proxy address: flows of several pods carry it, so the first pod seen with it
 * stood in for every later flow that carried it. A flow's own identity wins over its address.
 */

const SAMPLES = [
  'hubble/hubble-otel__basic-sample-400-tcp-flows.json',
  'hubble/hubble-otel__basic-sample-348-http-flows.json',
  'hubble/hubble-otel__basic-sample-400-l7-redirected-flows.json',
  'hubble/hubble-otel__basic-sample-400-udp-flows.json',
];

let dir: { path: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  await dir.cleanup();
});

describe('verify without --cluster judges each flow by its own identity', () => {
  it.each(SAMPLES)('denies none of the flows of %s under the policies generate wrote from it', async (sample) => {
    const flows = sharedFlow(sample);
    const out = join(dir.path, 'out');
    const generated = await palisade(['generate', '--flows', flows, '--out', out]);
    expect(generated.stderr).toBe('');
    expect(generated.code).toBe(0);
    const verified = await palisade(['verify', '--policies', out, '--flows', flows, '-o', 'json']);
    expect(verified.stderr).toBe('');
    const result = JSON.parse(verified.stdout) as { checked: number; denied: number; deniedEdges: unknown[] };
    expect(result.checked).toBeGreaterThan(0);
    expect(result.deniedEdges).toEqual([]);
    expect(result.denied).toBe(0);
  });
});

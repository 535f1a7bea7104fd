import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../cli/testing/cli-harness.js';
import type { CliIo } from '../io/cli-io.js';
import { DEFAULT_SYNTHESIS_OPTIONS } from '../synthesis/synthesis-options.js';
import { generatePolicies, type GenerateConfig } from './generate.js';

vi.setConfig({ testTimeout: 60_000 });

/**
 * `generate` on the demo with records whose clocks are broken (issue 11, item 2): two records dated
 * 1970 and 2999 used to turn a day of observation into "2400000000h", carrying every workload past
 * `apply`'s --min-window gate. They are dead letters now, and the windows come from the rest.
 */

const RUN_TIME = Date.parse('2026-12-01T12:00:00Z');
const io = (): CliIo => ({ stdout: new PassThrough(), stderr: new PassThrough(), stdin: Readable.from([]) });

let work: { path: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  work = await tempDir();
});
afterEach(async () => {
  await work.cleanup();
});

describe('generate with impossible record times', () => {
  it('dead-letters them with the reason and computes the windows from the records that remain', async () => {
    const demo = await readFile('demo/hubble-flows.jsonl', 'utf8');
    const [first] = demo.split('\n');
    const broken = ['1970-01-01T00:00:00Z', '2999-01-01T00:00:00Z'].map((time) => (first as string).replace(/"time":"[^"]+"/, `"time":"${time}"`));
    const flows = join(work.path, 'flows.jsonl');
    await writeFile(flows, `${demo.trimEnd()}\n${broken.join('\n')}\n`);
    const config: GenerateConfig = {
      flows: [flows],
      format: 'auto',
      cluster: 'demo/cluster.yaml',
      out: join(work.path, 'out'),
      output: 'text',
      synthesis: { ...DEFAULT_SYNTHESIS_OPTIONS, podCidrs: ['10.244.0.0/16'], serviceCidrs: ['10.96.0.0/12'] },
    };
    const { report } = await generatePolicies(config, { io: io(), clock: () => RUN_TIME });
    const timeLetters = report.input.deadLetters.examples.filter((letter) => letter.reason.startsWith('field time:'));
    expect(timeLetters.map((letter) => letter.reason)).toEqual([
      expect.stringContaining('1970-01-01T00:00:00.000Z is more than 3650d before the time of this run (2026-12-01T12:00:00.000Z)'),
      expect.stringContaining('2999-01-01T00:00:00.000Z is more than 5m after the time of this run'),
    ]);
    const hours = report.policies.flatMap((policy) => (policy.window ? [policy.window.hours] : []));
    expect(hours.length).toBeGreaterThan(3);
    // The demo spans 2024-05-06 00:00 to 2024-05-07 02:00.
    expect(Math.max(...hours)).toBeLessThan(27);
  });
});

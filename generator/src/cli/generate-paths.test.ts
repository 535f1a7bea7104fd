import { copyFile, link, mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { palisade, sharedFlow, tempDir } from './testing/cli-harness.js';

// The CLI runs in-process on a machine shared with other test runs: generous limits, no timed assertions.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

/**
 * The paths `generate` reads and writes: an output that is one of the inputs is refused before it
 * is opened (issue 11, item 1), and a path that cannot be written is one line with exit 2, not a
 * stack (items 18, 19, 24).
 */

const BOOKINFO = sharedFlow('hubble/hubble-otel__basic-sample-400-tcp-flows.json');

let work: { path: string; cleanup: () => Promise<void> };
let flows: string;
let original: Buffer;
beforeEach(async () => {
  work = await tempDir();
  flows = join(work.path, 'f.jsonl');
  await copyFile(BOOKINFO, flows);
  original = await readFile(flows);
});
afterEach(async () => {
  await work.cleanup();
});

/** One line on stderr, exit 2, and the input untouched. */
async function expectRefused(args: readonly string[], message: RegExp): Promise<void> {
  const run = await palisade(args);
  expect(run.stderr).toMatch(message);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.code).toBe(2);
  // Buffer.equals: a deep comparison of half a megabyte byte by byte takes seconds.
  expect((await readFile(flows)).equals(original)).toBe(true);
}

describe('generate never writes over its own input (item 1)', () => {
  it.each([
    ['the same name', (path: string) => path],
    ['another spelling of the path', (path: string) => join(path, '..', '.', 'f.jsonl')],
  ])('refuses --dead-letter naming a --flows file by %s', async (_, spelling) => {
    await expectRefused(['generate', '--flows', flows, '--dead-letter', spelling(flows), '--out', join(work.path, 'out')], /^palisade: --dead-letter .*: is the --flows input.*choose another path\n$/);
  });

  it('refuses --dead-letter that is a hard link or a symlink to a --flows file', async () => {
    await link(flows, join(work.path, 'hard'));
    await symlink(flows, join(work.path, 'soft'));
    for (const alias of ['hard', 'soft'])
      await expectRefused(['generate', '--flows', flows, '--dead-letter', join(work.path, alias), '--out', join(work.path, 'out')], /is the --flows input .*f\.jsonl, the same file/);
  });

  it('refuses --dead-letter naming the --cluster file', async () => {
    const cluster = join(work.path, 'cluster.yaml');
    await writeFile(cluster, 'apiVersion: v1\nkind: List\nitems: []\n');
    const run = await palisade(['generate', '--flows', flows, '--cluster', cluster, '--dead-letter', cluster, '--out', join(work.path, 'out')]);
    expect(run.stderr).toMatch(/^palisade: --dead-letter .*: is the --cluster input/);
    expect(run.code).toBe(2);
    expect(await readFile(cluster, 'utf8')).toContain('kind: List');
  });

  it('refuses --out naming a --flows file, and a report file under --out that is an input', async () => {
    await expectRefused(['generate', '--flows', flows, '--out', flows], /^palisade: --out .*: is the --flows input/);
    const out = join(work.path, 'out');
    await mkdir(out);
    await link(flows, join(out, 'report.json'));
    await expectRefused(['generate', '--flows', flows, '--out', out], /^palisade: --out .*report\.json: is the --flows input/);
  });

  it('reads stdin with --dead-letter anywhere (stdin is no file)', async () => {
    const run = await palisade(['generate', '--flows', '-', '--dead-letter', join(work.path, 'letters.jsonl'), '--out', join(work.path, 'out')], `${original.toString()}\nnot json\n`);
    expect(run.code).toBe(0);
    expect(await readFile(join(work.path, 'letters.jsonl'), 'utf8')).toMatch(/"source":"stdin"|"line":402/);
  });
});

describe('paths that cannot be written are one line, exit 2', () => {
  it('--dead-letter in a directory that does not exist (item 18)', async () => {
    await expectRefused(['generate', '--flows', flows, '--dead-letter', join(work.path, 'missing', 'letters.jsonl'), '--out', join(work.path, 'out')], /^palisade: --dead-letter .*missing\/letters\.jsonl: its directory does not exist: create it first or choose another path\n$/);
  });

  it('--out naming an existing file (item 19)', async () => {
    const file = join(work.path, 'not-a-dir');
    await writeFile(file, 'x');
    await expectRefused(['generate', '--flows', flows, '--out', file], /^palisade: --out .*not-a-dir: is a file, not a directory: name a directory \(it is created when missing\)\n$/);
    await expectRefused(['generate', '--flows', flows, '--out', join(file, 'sub')], /^palisade: --out .*not-a-dir\/sub: a part of the path is a file, not a directory/);
    expect((await stat(file)).size).toBe(1);
  });

  it('--flows naming a directory names it (item 24)', async () => {
    await expectRefused(['generate', '--flows', work.path, '--out', join(work.path, 'out')], new RegExp(`^palisade: --flows ${work.path}: is a directory; give the files in it`));
  });
});

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Each package's main entry is its pure core: importing it must not load a network client. A
 * fresh Node process imports the entry's source (through tsx, resolving `@palisade/*` to sources
 * by the root tsconfig's paths) with a hook that records every module it loads.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HOOK = fileURLToPath(new URL('./fixtures/record-loads.mjs', import.meta.url));
const CLIENTS = ['kafkajs', 'ioredis', '@kubernetes/client-node', '@octokit/', 'pino', 'prom-client'];

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'palisade-pure-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** The module URLs a fresh process loads when it imports `entry` (a path from the repository root). */
async function modulesLoadedBy(entry: string): Promise<string[]> {
  const record = join(scratch, `${entry.replace(/\W+/g, '-')}.txt`);
  const program = `await import(${JSON.stringify(join(ROOT, entry))}); console.log('imported');`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--import', HOOK, '--input-type=module', '-e', program], {
    cwd: ROOT,
    env: { ...process.env, PALISADE_LOAD_RECORD: record, NODE_OPTIONS: '' },
  });
  expect(stdout.trim()).toBe('imported');
  return (await readFile(record, 'utf8')).split('\n').filter(Boolean);
}

describe.each(['collector/src/index.ts', 'baseliner/src/index.ts', 'generator/src/index.ts'])('%s', (entry) => {
  it('loads no network client', { timeout: 60_000 }, async () => {
    const loaded = await modulesLoadedBy(entry);
    expect(loaded.some((url) => url.includes('/zod/'))).toBe(true); // the hook saw the entry's own dependencies
    expect(loaded.filter((url) => CLIENTS.some((client) => url.includes(`/node_modules/${client}`)))).toEqual([]);
  });
});

describe('the check itself', () => {
  it('sees the clients that the service entry loads', { timeout: 60_000 }, async () => {
    const loaded = await modulesLoadedBy('collector/src/service.ts');
    expect(loaded.some((url) => url.includes('/node_modules/kafkajs/'))).toBe(true);
  });
});

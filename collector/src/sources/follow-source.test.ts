import { appendFileSync, mkdtempSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SourceLine } from '../pipeline/records.js';
import { FollowSource } from './follow-source.js';

/** Reads from a follow source until `count` lines arrived (or the source ended). */
async function take(iterator: AsyncIterator<readonly SourceLine[]>, count: number): Promise<string[]> {
  const records: string[] = [];
  while (records.length < count) {
    const next = await iterator.next();
    if (next.done === true) break;
    records.push(...next.value.map((line) => line.record));
  }
  return records;
}

function setup() {
  const directory = mkdtempSync(join(tmpdir(), 'palisade-follow-'));
  const path = join(directory, 'events.log');
  const stateDir = join(directory, 'state');
  return { directory, path, stateDir, source: () => new FollowSource({ path, stateDir, pollIntervalMs: 5 }) };
}

describe('FollowSource (real files)', () => {
  it('waits for the file, follows appends, a rename-and-recreate rotation and a truncation', async () => {
    const { directory, path, source: make } = setup();
    const source = make();
    const lines = source.chunks()[Symbol.asyncIterator]();
    const first = take(lines, 2);
    writeFileSync(path, 'one\ntw');
    appendFileSync(path, 'o\n');
    expect(await first).toEqual(['one', 'two']);

    // Rotation as the Hubble exporter does it: lines written just before the rename are still read.
    appendFileSync(path, 'three\n');
    renameSync(path, join(directory, 'events-2024-06-01T10-00-00.000.log'));
    writeFileSync(path, 'four\n');
    expect(await take(lines, 2)).toEqual(['three', 'four']);

    // copytruncate: the same file cut to zero, then written again. Like `tail -F`, truncation is
    // seen as the file being shorter than the offset read.
    truncateSync(path, 0);
    writeFileSync(path, '5\n');
    expect(await take(lines, 1)).toEqual(['5']);
    source.stop();
    expect((await lines.next()).done).toBe(true);
    await source.close();
  });

  it('resumes after a restart from the committed checkpoint, draining a file rotated meanwhile', async () => {
    const { directory, path, source: make } = setup();
    writeFileSync(path, 'a\nb\n');
    const before = make();
    const lines = before.chunks()[Symbol.asyncIterator]();
    expect(await take(lines, 2)).toEqual(['a', 'b']);
    await before.commit(before.position());
    before.stop();
    await lines.return?.(undefined);
    await before.close();

    // While the collector was down, the file got lines and was rotated; a new one was started.
    appendFileSync(path, 'c\nd\n');
    renameSync(path, join(directory, 'events-2024-06-01T11-00-00.000.log'));
    writeFileSync(path, 'e\n');

    const after = make();
    const resumed = after.chunks()[Symbol.asyncIterator]();
    expect(await take(resumed, 3)).toEqual(['c', 'd', 'e']);
    expect(after.position()).toMatchObject({ path, offset: 2, line: 1 });
    after.stop();
    await after.close();
  });
});

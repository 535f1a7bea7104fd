import { describe, expect, it } from 'vitest';
import { LineCutter, nextStep, resumeAt, type FollowCheckpoint } from './follow-position.js';

const file = (ino: number, size = 0) => ({ dev: 1, ino, size });

describe('nextStep', () => {
  it.each([
    ['the open file grew', 150, file(7, 150), { kind: 'read' }],
    ['the open file grew while the path was rotated: drain it first', 120, file(8, 10), { kind: 'read' }],
    ['the open file shrank: truncated (copytruncate)', 40, file(7, 40), { kind: 'truncated' }],
    ['drained, and the path names a new file: rotated', 100, file(8, 0), { kind: 'rotated' }],
    ['drained, the path is between rename and re-creation', 100, undefined, { kind: 'wait' }],
    ['drained, same file: wait for more', 100, file(7, 100), { kind: 'wait' }],
  ] as const)('%s', (_, openSize, atPath, step) => {
    expect(nextStep({ dev: 1, ino: 7, offset: 100 }, openSize, atPath)).toEqual(step);
  });
});

describe('resumeAt', () => {
  const checkpoint: FollowCheckpoint = { path: '/var/run/cilium/hubble/events.log', dev: 1, ino: 7, offset: 500, line: 12 };
  it.each([
    ['no checkpoint: from the start', undefined, file(7, 900), [], { start: { offset: 0, line: 0 } }],
    ['same file, grown: resume at the checkpoint', checkpoint, file(7, 900), [], { start: { offset: 500, line: 12 } }],
    ['same file, exactly as left', checkpoint, file(7, 500), [], { start: { offset: 500, line: 12 } }],
    [
      'rotated while stopped: drain the renamed file, then the new one from the start',
      checkpoint,
      file(9, 30),
      [{ path: '/var/run/cilium/hubble/events-2024-06-01T10-00-00.000.log', ...file(7, 800) }],
      { drain: { path: '/var/run/cilium/hubble/events-2024-06-01T10-00-00.000.log', offset: 500, line: 12 }, start: { offset: 0, line: 0 } },
    ],
  ] as const)('%s', (_, saved, atPath, siblings, plan) => {
    expect(resumeAt(saved, atPath, siblings)).toEqual(plan);
  });

  it('warns when the file was truncated since the checkpoint, and starts over', () => {
    expect(resumeAt(checkpoint, file(7, 100), [])).toMatchObject({ start: { offset: 0, line: 0 }, warning: expect.stringContaining('truncated') });
  });

  it('warns when the checkpointed file is gone', () => {
    expect(resumeAt(checkpoint, file(9, 100), [])).toMatchObject({ start: { offset: 0, line: 0 }, warning: expect.stringContaining('lost') });
  });
});

describe('LineCutter', () => {
  it('cuts lines across chunks with exact byte offsets, multi-byte characters and CRLF included', () => {
    const cutter = new LineCutter(10);
    expect(cutter.push(Buffer.from('héllo\nwor'))).toEqual([{ text: 'héllo', endOffset: 10 + 7 }]);
    expect(cutter.pendingBytes).toBe(3);
    expect(cutter.push(Buffer.from('ld\r\n\n'))).toEqual([
      { text: 'world', endOffset: 17 + 7 },
      { text: '', endOffset: 25 },
    ]);
    expect(cutter.push(Buffer.from('tail'))).toEqual([]);
    expect(cutter.end()).toEqual({ text: 'tail', endOffset: 29 });
    cutter.reset(0);
    expect(cutter.push(Buffer.from('a\n'))).toEqual([{ text: 'a', endOffset: 2 }]);
  });

  it('keeps a multi-byte character split between chunks intact', () => {
    const bytes = Buffer.from('ü\n');
    const cutter = new LineCutter();
    expect(cutter.push(bytes.subarray(0, 1))).toEqual([]);
    expect(cutter.push(bytes.subarray(1))).toEqual([{ text: 'ü', endOffset: 3 }]);
  });
});

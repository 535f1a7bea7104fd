import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../errors.js';
import { COMMANDER_EXIT_CODES } from './program.js';

describe('the exit codes of runs commander ends', () => {
  it('are those of errors.ts', () => {
    expect(COMMANDER_EXIT_CODES).toEqual({ ok: EXIT_CODES.ok, input: EXIT_CODES.input });
  });
});

import { PalisadeError } from '@palisade/collector';
import { describe, expect, it } from 'vitest';
import { ClusterError } from '../errors.js';
import { ApiRefusedError } from './cluster-api.js';

describe('ApiRefusedError', () => {
  it('is a Palisade error, not yet a ClusterError (callers map it by status)', () => {
    const error = new ApiRefusedError(409, 'Conflict', 'apply shop/a: conflict', { cause: new Error('409') });
    expect(error).toBeInstanceOf(PalisadeError);
    expect(error).not.toBeInstanceOf(ClusterError);
    expect([error.name, error.message, error.code, error.reason]).toEqual(['ApiRefusedError', 'apply shop/a: conflict', 409, 'Conflict']);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it.each([
    [403, false],
    [404, false],
    [409, false],
    [410, false],
    [422, false],
    [429, true],
    [500, true],
    [503, true],
  ])('HTTP %i: retriable %s', (code, retriable) => {
    expect(new ApiRefusedError(code, 'Reason', 'message').retriable).toBe(retriable);
  });
});

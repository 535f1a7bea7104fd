import { describe, expect, it } from 'vitest';
import { hashReply, integerReply, pairsReply, stringsReply, UnexpectedReplyError } from './redis-replies.js';

describe('Redis reply readers', () => {
  it('read the shapes their commands return', () => {
    expect(hashReply({ a: '1' })).toEqual({ a: '1' });
    expect(stringsReply(['a', 'b'])).toEqual(['a', 'b']);
    expect(pairsReply(['f1', 'v1', 'f2', 'v2'])).toEqual({ f1: 'v1', f2: 'v2' });
    expect(integerReply(3)).toBe(3);
  });

  it.each([
    ['hash', () => hashReply(['a']), 'expected a hash from Redis, got a table of 1'],
    ['hash of strings', () => hashReply({ a: 1 }), 'expected a hash of strings from Redis, got object'],
    ['strings', () => stringsReply('OK'), 'expected a list of strings from Redis, got the string "OK"'],
    ['pairs', () => pairsReply(['f1']), 'expected field-value pairs from Redis, got a table of 1'],
    ['integer', () => integerReply(null), 'expected an integer from Redis, got nil'],
  ])('refuse a reply that is not a %s, saying what came', (_, read, message) => {
    expect(read).toThrow(UnexpectedReplyError);
    expect(read).toThrow(message);
  });
});

import { describe, expect, it } from 'vitest';
import { parseTimestamp } from './rfc3339.js';
import { seededRandom } from '../../../../test/fixtures/seeded-random.js';

describe('parseTimestamp is Date.parse', () => {
  it.each([
    '2021-11-10T10:40:56.465597700Z',
    '2021-11-10T10:40:56Z',
    '2021-11-10T10:40:56.4Z',
    '2021-11-10T10:40:56.46Z',
    '2021-11-10T10:40:56.465Z',
    '2021-11-10T10:40:56.999999999999Z',
    '2021-11-10T10:40:56.Z',
    '2021-11-10t10:40:56.465z',
    '2021-11-10T10:40:56.465+02:00',
    '2021-11-10 10:40:56Z',
    '2021-02-29T00:00:00Z',
    '2024-02-29T00:00:00Z',
    '2021-02-30T00:00:00Z',
    '2021-11-31T00:00:00Z',
    '2021-11-00T00:00:00Z',
    '2021-13-01T00:00:00Z',
    '2021-11-10T24:00:00Z',
    '2021-11-10T23:60:00Z',
    '2021-11-10T23:59:60Z',
    '1900-02-29T00:00:00Z',
    '2000-02-29T00:00:00Z',
    '0000-01-01T00:00:00Z',
    '0099-01-01T00:00:00Z',
    '0999-12-31T23:59:59.999Z',
    '1969-12-31T23:59:59.999Z',
    '9999-12-31T23:59:59.999Z',
    '2021-11-10T10:40:56.46a5Z',
    '2021-1a-10T10:40:56Z',
    '+002021-11-10T10:40:56Z',
    'yesterday',
    '',
  ])('%s', (text) => {
    expect(Object.is(parseTimestamp(text), Date.parse(text))).toBe(true);
  });

  it('on random times in and out of calendar range, with 0 to 12 fraction digits', () => {
    const rand = seededRandom(7).next;
    const two = (max: number): string => String(Math.floor(rand() * max)).padStart(2, '0');
    for (let index = 0; index < 20_000; index++) {
      const year = String(900 + Math.floor(rand() * 9200)).padStart(4, '0');
      const digits = Math.floor(rand() * 13);
      const fraction = digits === 0 ? '' : `.${Array.from({ length: digits }, () => Math.floor(rand() * 10)).join('')}`;
      const text = `${year}-${two(14)}-${two(33)}T${two(26)}:${two(62)}:${two(62)}${fraction}Z`;
      expect([text, parseTimestamp(text)]).toEqual([text, Date.parse(text)]);
    }
  });

  it('reads a slice of a longer text without copying it', () => {
    const line = '{"time":"2021-11-10T10:40:56.465597700Z"}';
    expect(parseTimestamp(line, 9, 39)).toBe(Date.parse('2021-11-10T10:40:56.465597700Z'));
    expect(parseTimestamp('x2021-11-10 10:40:56Zx', 1, 21)).toBe(Date.parse('2021-11-10 10:40:56Z'));
  });
});

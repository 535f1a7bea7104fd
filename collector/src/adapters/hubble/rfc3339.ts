/**
 * Timestamps of flow records to epoch milliseconds, with the meaning `Date.parse` gives them.
 *
 * Hubble writes every time in one shape, `2021-11-10T10:40:56.465597700Z` (protobuf JSON
 * Timestamp: UTC, `Z`, 0/3/6/9 fraction digits). `Date.parse` of that shape costs several times a
 * hand-read of its digits, and it runs on every record. The fast path reads only that shape, with
 * every field inside its calendar range, where `Date.parse` is plain arithmetic: `Date.UTC` of the
 * fields, the fraction truncated to milliseconds. Anything else (other case, offsets, a day 30 of
 * February, hour 24, leap seconds, years before 1000) goes to `Date.parse` itself, so the result is
 * always exactly `Date.parse`'s; `rfc3339.test.ts` holds the two equal.
 */

/** `Date.parse(text.slice(start, end))`, without the slice and the general parser for Hubble's own shape. */
export function parseTimestamp(text: string, start = 0, end = text.length): number {
  const fast = parseFixedShape(text, start, end);
  return fast === undefined ? Date.parse(start === 0 && end === text.length ? text : text.slice(start, end)) : fast;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** `YYYY-MM-DDTHH:MM:SS[.fraction]Z` with fields in range, or undefined for anything else. */
function parseFixedShape(text: string, start: number, end: number): number | undefined {
  // 20 characters without a fraction; a fraction is a dot and at least one digit.
  const length = end - start;
  // At most 9 fraction digits (nanoseconds, Hubble's most): V8 reads longer fractions differently.
  if (length < 20 || length === 21 || length > 30 || text.charCodeAt(end - 1) !== 90 /* Z */) return undefined;
  if (
    text.charCodeAt(start + 4) !== 45 /* - */ ||
    text.charCodeAt(start + 7) !== 45 ||
    text.charCodeAt(start + 10) !== 84 /* T */ ||
    text.charCodeAt(start + 13) !== 58 /* : */ ||
    text.charCodeAt(start + 16) !== 58
  )
    return undefined;
  const year = digits(text, start, 4);
  const month = digits(text, start + 5, 2);
  const day = digits(text, start + 8, 2);
  const hour = digits(text, start + 11, 2);
  const minute = digits(text, start + 14, 2);
  const second = digits(text, start + 17, 2);
  // Years below 1000 are left to Date.parse: Date.UTC would read 0–99 as 1900–1999.
  if (year < 1000 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59)
    return undefined;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number))) return undefined;
  let millis = 0;
  if (length > 20) {
    if (text.charCodeAt(start + 19) !== 46 /* . */) return undefined;
    // Every fraction character must be a digit; only the first three count (truncated, as Date.parse does).
    let scale = 100;
    for (let index = start + 20; index < end - 1; index++) {
      const digit = text.charCodeAt(index) - 48;
      if (!(digit >= 0 && digit <= 9)) return undefined;
      millis += digit * scale;
      scale = scale >= 10 ? scale / 10 : 0;
    }
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, millis);
}

/** The decimal number of `count` ASCII digits at `at`, or -1 when one is not a digit. */
function digits(text: string, at: number, count: number): number {
  let value = 0;
  for (let index = at; index < at + count; index++) {
    const digit = text.charCodeAt(index) - 48;
    if (!(digit >= 0 && digit <= 9)) return -1;
    value = value * 10 + digit;
  }
  return value;
}

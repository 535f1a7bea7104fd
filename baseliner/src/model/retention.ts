/**
 * The retention window: an edge not seen for this long expires at the next refresh, so a
 * baseline forgets traffic that stopped (a decommissioned client) instead of allowing it forever.
 */

/** 14 days, the default: two weekly cycles, so a weekly batch job is never forgotten. */
export const DEFAULT_RETENTION_MS = 14 * 24 * 60 * 60 * 1000;

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Milliseconds of a duration such as `14d`, `36h`, `90m` or `1h30m`; undefined when malformed. */
export function parseRetention(text: string): number | undefined {
  const parts = /^(?:\d+(?:ms|s|m|h|d|w))+$/.test(text.trim()) ? text.trim().match(/\d+(?:ms|s|m|h|d|w)/g) : null;
  if (!parts) return undefined;
  let total = 0;
  for (const part of parts) {
    const [, amount, unit] = /^(\d+)(ms|s|m|h|d|w)$/.exec(part) as RegExpExecArray;
    total += Number(amount) * (UNITS[unit as string] as number);
  }
  return total > 0 ? total : undefined;
}

/** Edges last seen before this time expire at a refresh at `now`. */
export function expiryCutoff(now: number, retentionMs: number): number {
  return now - retentionMs;
}

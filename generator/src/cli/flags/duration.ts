/** Units of a duration flag: `90m`, `24h`, `7d`, `2w`, or a combination like `1d12h`. */
const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Parses a duration such as `24h` or `1d12h` into milliseconds; undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const parts = text.trim().match(/^(\d+(?:\.\d+)?[smhdw])+$/);
  if (parts === null) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.trim().matchAll(/(\d+(?:\.\d+)?)([smhdw])/g)) total += Number(amount) * (UNIT_MS[unit as string] as number);
  return total;
}

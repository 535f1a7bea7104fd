/** Splits repeatable and comma-separated list flags (`--flows a --flows b,c`). */
export const collectList = (value: string, previous: string[] = []): string[] => [
  ...previous,
  ...value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean),
];

/** A list flag that may also come from an environment variable (one comma-separated string). */
export const listFromFlag = (value: unknown): string[] | undefined =>
  typeof value === 'string' ? collectList(value) : Array.isArray(value) ? (value as string[]) : undefined;

/** A string flag's value, or undefined when it was not given (or given as a switch). */
export const stringFlag = (flags: Readonly<Record<string, unknown>>, name: string): string | undefined =>
  typeof flags[name] === 'string' ? (flags[name] as string) : undefined;

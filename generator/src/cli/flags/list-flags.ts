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

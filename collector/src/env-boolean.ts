import { z } from 'zod';

/**
 * Boolean settings from environment variables, the same for every command and service. A
 * variable's presence is not its value: `PALISADE_DRY_RUN=false` must mean false (commander's
 * `.env()` on a switch sets it on for any value, `false` included), and a typo must stop the run
 * rather than pick a side. Empty (or only spaces) counts as unset, so the setting keeps its
 * default: a Helm value rendered as `""` or an `export X=` line does not switch anything on.
 */

/** The spellings of true, compared case-insensitively. */
export const ENV_TRUE_WORDS = Object.freeze(['true', '1', 'yes', 'on'] as const);
/** The spellings of false, compared case-insensitively. */
export const ENV_FALSE_WORDS = Object.freeze(['false', '0', 'no', 'off'] as const);

/** Longest part of a rejected value quoted back in the message (the value is the user's own, but a line stays a line). */
const QUOTED_MAX = 40;

/** What a rejected value gets told. */
function notABoolean(input: unknown): string {
  const text = typeof input === 'string' ? input : String(input);
  const quoted = JSON.stringify(text.length > QUOTED_MAX ? `${text.slice(0, QUOTED_MAX)}…` : text);
  return `${quoted} is not a boolean: use true/false, 1/0, yes/no or on/off (empty leaves the default)`;
}

/** zod of a boolean variable's text: true/1/yes/on or false/0/no/off, any case, spaces around ignored. */
export const EnvBoolean = z
  .string({ error: (issue) => notABoolean(issue.input) })
  .trim()
  .pipe(z.stringbool({ truthy: [...ENV_TRUE_WORDS], falsy: [...ENV_FALSE_WORDS], case: 'insensitive', error: (issue) => notABoolean(issue.input) }));

/** Whether a variable's text counts as unset (absent, empty or only spaces). */
export function isUnsetEnvValue(value: string | undefined): value is undefined {
  return value === undefined || value.trim() === '';
}

/** The result of reading one boolean variable. */
export type EnvBooleanReading = { readonly ok: true; readonly value: boolean | undefined } | { readonly ok: false; readonly message: string };

/**
 * Reads the boolean variable `name`: undefined when unset or empty, else its value; a value that
 * is no boolean gives the one-line message `NAME: "x" is not a boolean: use …`.
 */
export function readEnvBoolean(env: Readonly<Record<string, string | undefined>>, name: string): EnvBooleanReading {
  const text = env[name];
  if (isUnsetEnvValue(text)) return { ok: true, value: undefined };
  const parsed = EnvBoolean.safeParse(text);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, message: `${name}: ${parsed.error.issues[0]?.message ?? notABoolean(text)}` };
}

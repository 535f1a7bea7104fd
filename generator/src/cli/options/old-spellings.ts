import type { Command } from 'commander';
import { Option } from 'commander';

/**
 * Spellings a flag had before every command used the same one, kept working (hidden from help)
 * so scripts and the Helm chart need no change: the flag's attribute → its old spelling.
 */
const OLD_SPELLINGS: Readonly<Record<string, { readonly flag: string; readonly attribute: string }>> = {
  redisUrl: { flag: '--redis', attribute: 'redis' },
};

/**
 * Adds the hidden old spelling of `attribute`'s flag. A value given with it lands on the flag
 * itself, as typed on the command line, so it beats the flag's environment variable as the flag
 * would; the old attribute stays set too, so messages can name the flag as typed.
 */
export function addOldSpelling(command: Command, attribute: string, valueName: string): Command {
  const old = OLD_SPELLINGS[attribute];
  if (old === undefined) throw new Error(`no old spelling of ${attribute}`);
  command.addOption(new Option(`${old.flag} <${valueName}>`).hideHelp());
  return command.on(`option:${old.flag.slice(2)}`, (value: unknown) => command.setOptionValueWithSource(attribute, value, 'cli'));
}

/** The flag of an attribute as the user typed it: `--redis` when the old spelling was used. */
export function typedFlag(attribute: string, flags: Readonly<Record<string, unknown>>): string {
  const old = OLD_SPELLINGS[attribute];
  if (old !== undefined && flags[old.attribute] !== undefined) return old.flag;
  return `--${attribute.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

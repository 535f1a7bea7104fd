import type { Command } from 'commander';
import { readEnvBoolean } from '@palisade/collector';
import { InputError } from '../../errors.js';

/**
 * Reads the variables of a command's switches (`--dry-run` ← `PALISADE_DRY_RUN`) as booleans.
 * Commander sets a switch on when its variable is merely present, so `PALISADE_DRY_RUN=false`
 * would turn a dry run into a real apply: this runs after commander, before the action, and
 * replaces each switch commander took from the environment with the variable's value (unset when
 * it is empty, so the default holds). A flag on the command line wins, as commander decided.
 * @throws InputError naming the variable when its text is not a boolean.
 */
export function readSwitchesFromEnvironment(command: Command, env: NodeJS.ProcessEnv = process.env): void {
  for (const option of command.options) {
    if (!option.isBoolean() || option.envVar === undefined) continue;
    const key = option.attributeName();
    if (command.getOptionValueSource(key) !== 'env') continue;
    const reading = readEnvBoolean(env, option.envVar);
    if (!reading.ok) throw new InputError(reading.message);
    command.setOptionValueWithSource(key, reading.value, reading.value === undefined ? 'default' : 'env');
  }
}


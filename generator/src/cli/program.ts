import { Command, CommanderError } from 'commander';
import { applyCommand } from './apply-command.js';
import { collectCommand } from './collect-command.js';
import { baselineCommand } from './baseline-command.js';
import { diffCommand } from './diff-command.js';
import { generateCommand } from './generate-command.js';
import { prCommand } from './pr-command.js';
import type { CliIo } from '../io/cli-io.js';
import type { CommandContext } from './command-context.js';
import { refreshCommand } from './refresh-command.js';
import { verifyCommand } from './verify-command.js';
import { addFormatChoices } from './options/flow-input-options.js';

const EXIT_CODE_HELP = `
Exit codes:
  0  success
  1  unexpected failure
  2  bad flags or input files (the message says what to fix)
  3  verify: some flows would be denied
  4  refused: too little evidence (empty baseline) or a safety gate
  5  self-verification failed: the policies would deny observed traffic
  10 refresh: the proposal changed and was acted on (0: nothing changed)
`;

/** The `palisade` command tree. */
export function createProgram(context: CommandContext): Command {
  const { io } = context;
  const program = new Command('palisade')
    .description('Least-privilege Kubernetes NetworkPolicies learned from observed traffic.')
    .version('0.1.0')
    .showSuggestionAfterError()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: () => undefined, // printed once, in one line, by runCli
    })
    .addHelpText('after', EXIT_CODE_HELP)
    .exitOverride();
  for (const command of [generateCommand(io), verifyCommand(context), diffCommand(context), applyCommand(context), prCommand(context), refreshCommand(context), collectCommand(context), baselineCommand(context)]) {
    program.addCommand(command.addHelpText('after', EXIT_CODE_HELP));
  }
  inheritSettings(program);
  // Every command's switches read from variables go through one boolean parser (issue 11, item 3);
  // the hooks of the program run before the action of every command below it.
  program.hook('preAction', async (_program, actionCommand) => {
    if (!actionCommand.options.some((option) => option.isBoolean() && option.envVar !== undefined)) return;
    const { readSwitchesFromEnvironment } = await import('./flags/boolean-env-flags.js');
    readSwitchesFromEnvironment(actionCommand);
  });
  return program;
}

/**
 * `addCommand` does not pass a parent's settings down (only `.command()` does), so every level
 * gets the program's output streams and exit override here: help and errors of `palisade
 * generate` go where the program's go, and an error is printed once, by runCli.
 */
function inheritSettings(parent: Command): void {
  for (const command of parent.commands) {
    command.configureOutput(parent.configureOutput()).exitOverride().showSuggestionAfterError();
    inheritSettings(command);
  }
}

/**
 * The subcommand a run addresses: `palisade NAME …` or `palisade help NAME`. Only its `--format`
 * choices are loaded (they are the collector's), so `palisade --help` loads no collector.
 */
function addressedCommand(program: Command, argv: readonly string[]): Command | undefined {
  const name = argv[0] === 'help' ? argv[1] : argv[0];
  return program.commands.find((command) => command.name() === name);
}

/** The command a run names (`palisade NAME …`, `palisade help NAME`), before the program is built. */
function commandName(argv: readonly string[]): string | undefined {
  const name = argv[0] === 'help' ? argv[1] : argv[0];
  return name === undefined || name.startsWith('-') ? undefined : name;
}

/**
 * Exit codes of a run commander ends (help, version, a bad flag), the same as `EXIT_CODES.ok` and
 * `EXIT_CODES.input` in errors.ts. Written here rather than imported: errors.ts loads the error
 * base and with it the collector, which `palisade --help` must not wait for.
 */
export const COMMANDER_EXIT_CODES = Object.freeze({ ok: 0, input: 2 });

/**
 * Runs the CLI and returns the exit code. Every error ends here and is printed as one line; the
 * exit code comes from the error class (errors.ts).
 */
export async function runCli(argv: readonly string[], given: CliIo): Promise<number> {
  let exitCode: number = COMMANDER_EXIT_CODES.ok;
  // Every line a command prints passes the one secret redaction (a token echoed in an error body,
  // a password in a URL). Help alone prints nothing secret and must not wait for the collector.
  const io = commandName(argv) === undefined ? given : (await import('../io/redacting-io.js')).redactingIo(given);
  const program = createProgram({ io, setExitCode: (code) => (exitCode = code) });
  try {
    const addressed = addressedCommand(program, argv);
    if (addressed !== undefined) await addFormatChoices(addressed);
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return COMMANDER_EXIT_CODES.ok;
      io.stderr.write(`palisade: ${error.message.replace(/^error: /, '')} (see --help)\n`);
      return COMMANDER_EXIT_CODES.input;
    }
    const message = await errorLine(error);
    io.stderr.write(`palisade: ${message.line}\n`);
    return message.exitCode;
  }
}

/** The one line and the exit code of an error that ended a command. */
async function errorLine(error: unknown): Promise<{ readonly line: string; readonly exitCode: number }> {
  const [{ CliError, EXIT_CODES }, { PalisadeError }] = await Promise.all([import('../errors.js'), import('@palisade/collector')]);
  if (error instanceof CliError)
    return { line: `${error.label === '' ? '' : `${error.label}: `}${error.message}`, exitCode: error.exitCode };
  // A service's own error (Kafka, Redis, configuration): its message already says what failed.
  if (error instanceof PalisadeError) return { line: `${error.message}${error.retriable ? ' (retrying later may help)' : ''}`, exitCode: EXIT_CODES.failure };
  return { line: `unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`, exitCode: EXIT_CODES.failure };
}

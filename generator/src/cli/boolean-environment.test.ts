import { PassThrough, Readable } from 'node:stream';
import type { Command, Option } from 'commander';
import { parseBaselinerSettings } from '@palisade/baseliner/service';
import { parseCollectConfig } from '@palisade/collector/service';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { redisSettingsFromFlags } from './flags/redis-flags.js';
import { createProgram } from './program.js';
import { palisade } from './testing/cli-harness.js';

/**
 * Every boolean `PALISADE_*` variable of every command and service (issue 11, item 3): the text
 * is the value (true/1/yes/on, false/0/no/off, any case), empty leaves the default, and anything
 * else stops the run with one line that names the variable (exit 2).
 */

const TRUE_TEXTS = ['true', 'TRUE', '1', 'yes', 'On', ' on '];
const FALSE_TEXTS = ['false', 'False', '0', 'no', 'OFF'];
const UNSET_TEXTS = ['', '  '];
const BAD_TEXTS = ['maybe', '2', 'y', 'enabled', 'truee'];

afterEach(() => {
  vi.unstubAllEnvs();
});

/** A boolean switch of one `palisade` command that commander reads from a variable. */
interface SwitchFromEnvironment {
  readonly path: readonly string[];
  readonly option: Option;
}

/** Every boolean option with a variable, in the whole command tree (so a new one is covered too). */
function switchesFromEnvironment(command: Command, path: readonly string[] = []): SwitchFromEnvironment[] {
  return [
    ...command.options.filter((option) => option.isBoolean() && option.envVar !== undefined).map((option) => ({ path, option })),
    ...command.commands.flatMap((sub) => switchesFromEnvironment(sub, [...path, sub.name()])),
  ];
}

const silentIo = () => ({ stdout: new PassThrough(), stderr: new PassThrough(), stdin: Readable.from(['']) });

/** Parses `palisade PATH` with the real program and returns the switch's value as the command's action would see it. */
async function switchValue(target: SwitchFromEnvironment): Promise<unknown> {
  const program = createProgram({ io: silentIo(), setExitCode: () => undefined });
  let command: Command = program;
  for (const name of target.path) command = command.commands.find((sub) => sub.name() === name) as Command;
  let seen: unknown = 'action not reached';
  command.action((flags: Record<string, unknown>) => {
    seen = flags[target.option.attributeName()];
  });
  await program.parseAsync([...target.path], { from: 'user' });
  return seen;
}

const cliSwitches = switchesFromEnvironment(createProgram({ io: silentIo(), setExitCode: () => undefined }));
const cliCases = cliSwitches.map((target) => ({ ...target, label: `palisade ${target.path.join(' ')} ${target.option.long} (${target.option.envVar})` }));

describe('boolean variables of the palisade commands', () => {
  it('finds every one of them', () => {
    const variables = new Set(cliSwitches.map((target) => target.option.envVar));
    for (const variable of ['PALISADE_DEFAULT_DENY', 'PALISADE_INCLUDE_DENIED', 'PALISADE_COLLAPSE_PORT_RANGES', 'PALISADE_DRY_RUN']) expect(variables).toContain(variable);
    expect(cliSwitches.filter((target) => target.option.envVar === 'PALISADE_DEFAULT_DENY').map((target) => target.path.join(' ')).sort()).toEqual(['apply', 'generate', 'pr', 'refresh']);
  });

  describe.each(cliCases)('$label', (target) => {
    const variable = target.option.envVar as string;

    it.each(TRUE_TEXTS)('%j turns it on', async (text) => {
      vi.stubEnv(variable, text);
      expect(await switchValue(target)).toBe(true);
    });

    it.each(FALSE_TEXTS)('%j leaves it off', async (text) => {
      vi.stubEnv(variable, text);
      expect(await switchValue(target)).toBe(false);
    });

    it.each(UNSET_TEXTS)('%j leaves the default (off)', async (text) => {
      vi.stubEnv(variable, text);
      expect(await switchValue(target)).toBeUndefined();
    });

    it('is on when the flag is given, whatever the variable says', async () => {
      vi.stubEnv(variable, 'false');
      const program = createProgram({ io: silentIo(), setExitCode: () => undefined });
      let command: Command = program;
      for (const name of target.path) command = command.commands.find((sub) => sub.name() === name) as Command;
      let seen: unknown;
      command.action((flags: Record<string, unknown>) => {
        seen = flags[target.option.attributeName()];
      });
      await program.parseAsync([...target.path, target.option.long as string], { from: 'user' });
      expect(seen).toBe(true);
    });

    it.each(BAD_TEXTS)('%j ends the run with one line naming the variable (exit 2)', async (text) => {
      vi.stubEnv(variable, text);
      const run = await palisade([...target.path]);
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(`palisade: ${variable}: ${JSON.stringify(text)} is not a boolean: use true/false, 1/0, yes/no or on/off (empty leaves the default)\n`);
    });
  });
});

/** A boolean variable a service reads through its own settings parser, and how to read its value. */
interface ServiceVariable {
  readonly variable: string;
  readonly fallback: boolean;
  /** The setting's value with `env` (besides what the service needs to start). */
  read(env: Record<string, string>): Promise<boolean>;
  /** `palisade …` arguments that parse the setting before anything starts. */
  readonly args: readonly string[];
}

const KAFKA = { PALISADE_KAFKA_BROKERS: '127.0.0.1:1' };
const REDIS = { PALISADE_REDIS_URL: 'redis://127.0.0.1:1' };
const serviceVariables: readonly ServiceVariable[] = [
  { variable: 'PALISADE_CREATE_TOPICS', fallback: true, read: async (env) => parseCollectConfig({ source: 'stdin' }, { ...KAFKA, ...env }).createTopics, args: ['collect', '--source', 'stdin', '--kafka-brokers', '127.0.0.1:1'] },
  { variable: 'PALISADE_IN_CLUSTER', fallback: false, read: async (env) => parseCollectConfig({ source: 'stdin' }, { ...KAFKA, ...env }).inCluster, args: ['collect', '--source', 'stdin', '--kafka-brokers', '127.0.0.1:1'] },
  { variable: 'PALISADE_KAFKA_TLS', fallback: false, read: async (env) => parseCollectConfig({ source: 'stdin' }, { ...KAFKA, ...env }).kafka.tls, args: ['collect', '--source', 'stdin', '--kafka-brokers', '127.0.0.1:1'] },
  { variable: 'PALISADE_KAFKA_TLS', fallback: false, read: async (env) => parseBaselinerSettings({ ...KAFKA, ...REDIS, ...env }).kafka.tls, args: ['baseline', 'run', '--kafka-brokers', '127.0.0.1:1', '--redis-url', 'redis://127.0.0.1:1'] },
  { variable: 'PALISADE_BASELINER_FROM_BEGINNING', fallback: true, read: async (env) => parseBaselinerSettings({ ...KAFKA, ...REDIS, ...env }).fromBeginning, args: ['baseline', 'run', '--kafka-brokers', '127.0.0.1:1', '--redis-url', 'redis://127.0.0.1:1'] },
  { variable: 'PALISADE_REDIS_TLS', fallback: false, read: async (env) => parseBaselinerSettings({ ...KAFKA, ...REDIS, ...env }).redis.tls, args: ['baseline', 'run', '--kafka-brokers', '127.0.0.1:1', '--redis-url', 'redis://127.0.0.1:1'] },
  { variable: 'PALISADE_REDIS_TLS', fallback: false, read: async (env) => (await redisSettingsFromFlags({ redisUrl: 'redis://127.0.0.1:1' }, env)).tls, args: ['baseline', 'show', '--redis-url', 'redis://127.0.0.1:1'] },
];

describe.each(serviceVariables.map((entry) => ({ ...entry, label: `${entry.variable} (palisade ${entry.args.slice(0, entry.args[0] === 'baseline' ? 2 : 1).join(' ')})` })))('$label', (entry) => {
  it.each(TRUE_TEXTS)('%j is true', async (text) => {
    expect(await entry.read({ [entry.variable]: text })).toBe(true);
  });

  it.each(FALSE_TEXTS)('%j is false', async (text) => {
    expect(await entry.read({ [entry.variable]: text })).toBe(false);
  });

  it.each(UNSET_TEXTS)('%j leaves the default', async (text) => {
    expect(await entry.read({ [entry.variable]: text })).toBe(entry.fallback);
  });

  it.each(BAD_TEXTS)('%j ends the run with one line naming the variable (exit 2), before anything starts', async (text) => {
    vi.stubEnv(entry.variable, text);
    const run = await palisade(entry.args);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`palisade: ${entry.variable}: ${JSON.stringify(text)} is not a boolean: use true/false, 1/0, yes/no or on/off (empty leaves the default)\n`);
  });
});

import type { Command } from 'commander';
import { Option } from 'commander';
import { z } from 'zod';
import type { ProposalConfig, ProposalSource } from '../../app/proposal.js';
import { InputError } from '../../errors.js';
import { synthesisOptions } from '../../synthesis/synthesis-options.js';
import { parseDuration } from './duration.js';
import { listFromFlag } from './flag-values.js';
import { deadLetterOption, flowsOption, FlowsFlag, formatOption, FormatFlag } from './flow-input-flags.js';
import { excludeNamespaceOption, NamespaceName } from './namespace-flags.js';
import { typedFlag } from './old-spellings.js';
import { addRedisOptions, RedisPrefixFlag, RedisUrlFlag, redisSettingsFromFlags } from './redis-flags.js';
import { defaultDenyOption, minWindowFlag, minWindowOption } from './synthesis-flags.js';

/** zod shape of the proposal flags of `apply`, `pr` and `refresh`. */
export const ProposalFlags = {
  flows: FlowsFlag.default([]),
  format: FormatFlag.default('auto'),
  deadLetter: z.string().optional(),
  proposed: z.string().min(1).optional(),
  redisUrl: RedisUrlFlag.optional(),
  redisPrefix: RedisPrefixFlag,
  excludeNamespace: z.array(NamespaceName).default([]),
  defaultDeny: z.boolean().default(false),
  minWindow: minWindowFlag('24h, 7d, 90m, 0s'),
};

/** Adds the proposal flags to a command. */
export function addProposalOptions(command: Command): Command {
  command
    .addOption(flowsOption('flow log file to learn from (repeatable); - reads stdin'))
    .addOption(formatOption())
    .addOption(deadLetterOption('write unreadable flow records there, one JSON line each'))
    .addOption(new Option('--proposed <dir>', 'policies already generated: a palisade generate output directory').env('PALISADE_PROPOSED'));
  return addRedisOptions(command, { url: 'the baseline in Redis (palisade baseline run); password also from PALISADE_REDIS_PASSWORD', prefix: 'key prefix of the Redis baseline' })
    .addOption(excludeNamespaceOption())
    .addOption(defaultDenyOption())
    .addOption(minWindowOption('refuse workloads observed for less than this (rule 16); 0s turns the gate off'));
}

/**
 * Turns parsed proposal flags into the configuration; exactly one source must be given. `typed`
 * are the flags as commander gave them, to name the Redis flag as the user spelled it.
 */
export function proposalConfig(flags: z.infer<z.ZodObject<typeof ProposalFlags>>, typed: Readonly<Record<string, unknown>>): ProposalConfig {
  const given = [flags.flows.length > 0 ? '--flows' : '', flags.proposed ? '--proposed' : '', flags.redisUrl ? typedFlag('redisUrl', typed) : ''].filter(Boolean);
  if (given.length !== 1)
    throw new InputError(given.length === 0 ? 'needs one of --flows PATH, --proposed DIR or --redis URL' : `takes one of ${given.join(', ')}, not both`);
  const source: ProposalSource = flags.proposed
    ? { kind: 'proposed', directory: flags.proposed }
    : flags.redisUrl
      ? { kind: 'redis', settings: redisSettingsFromFlags({ redisUrl: flags.redisUrl, redisPrefix: flags.redisPrefix }) }
      : { kind: 'flows', flows: flags.flows, format: flags.format, ...(flags.deadLetter ? { deadLetter: flags.deadLetter } : {}) };
  return Object.freeze({
    source,
    synthesis: synthesisOptions({
      excludeNamespaces: flags.excludeNamespace,
      defaultDeny: flags.defaultDeny,
      minWindowMs: parseDuration(flags.minWindow) as number,
    }),
  });
}

/** List flags as arrays, for safeParse. */
export function proposalFlagInput(flags: Record<string, unknown>): Record<string, unknown> {
  return { ...flags, flows: listFromFlag(flags['flows']) ?? [], excludeNamespace: listFromFlag(flags['excludeNamespace']) };
}

import { z } from 'zod';
import type { ProposalConfig, ProposalSource } from '../../app/proposal.js';
import { InputError } from '../../errors.js';
import { synthesisOptions } from '../../synthesis/synthesis-options.js';
import { parseDuration } from './duration.js';
import { listFromFlag } from '../options/flag-values.js';
import { typedFlag } from '../options/old-spellings.js';
import { FlowsFlag, FormatFlag } from './flow-input-flags.js';
import { NamespaceName } from './namespace-flags.js';
import { RedisPrefixFlag, RedisUrlFlag, redisSettingsFromFlags } from './redis-flags.js';
import { minWindowFlag } from './synthesis-flags.js';

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
  isolateIdle: z.boolean().default(false),
  minWindow: minWindowFlag('24h, 7d, 90m, 0s'),
};

/**
 * Turns parsed proposal flags into the configuration; exactly one source must be given. `typed`
 * are the flags as commander gave them, to name the Redis flag as the user spelled it.
 */
export async function proposalConfig(flags: z.infer<z.ZodObject<typeof ProposalFlags>>, typed: Readonly<Record<string, unknown>>): Promise<ProposalConfig> {
  const given = [flags.flows.length > 0 ? '--flows' : '', flags.proposed ? '--proposed' : '', flags.redisUrl ? typedFlag('redisUrl', typed) : ''].filter(Boolean);
  if (given.length !== 1)
    throw new InputError(given.length === 0 ? 'needs one of --flows PATH, --proposed DIR or --redis URL' : `takes one of ${given.join(', ')}, not both`);
  const source: ProposalSource = flags.proposed
    ? { kind: 'proposed', directory: flags.proposed }
    : flags.redisUrl
      ? { kind: 'redis', settings: await redisSettingsFromFlags({ redis: typed['redis'], redisUrl: flags.redisUrl, redisPrefix: flags.redisPrefix }) }
      : { kind: 'flows', flows: flags.flows, format: flags.format, ...(flags.deadLetter ? { deadLetter: flags.deadLetter } : {}) };
  return Object.freeze({
    source,
    synthesis: synthesisOptions({
      excludeNamespaces: flags.excludeNamespace,
      defaultDeny: flags.defaultDeny,
      isolateIdle: flags.isolateIdle,
      minWindowMs: parseDuration(flags.minWindow) as number,
    }),
  });
}

/** List flags as arrays, for safeParse. */
export function proposalFlagInput(flags: Record<string, unknown>): Record<string, unknown> {
  return { ...flags, flows: listFromFlag(flags['flows']) ?? [], excludeNamespace: listFromFlag(flags['excludeNamespace']) };
}

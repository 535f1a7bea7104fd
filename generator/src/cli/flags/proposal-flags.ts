import { Option } from 'commander';
import type { Command } from 'commander';
import { z } from 'zod';
import type { IngestFormat } from '@palisade/collector';
import { INGEST_FORMATS } from '@palisade/collector';
import type { ProposalConfig, ProposalSource } from '../../app/proposal.js';
import { InputError } from '../../errors.js';
import { synthesisOptions } from '../../synthesis/synthesis-options.js';
import { parseDuration } from './duration.js';
import { collectList, listFromFlag } from './list-flags.js';
import { redisSettingsFromFlags } from './redis-flags.js';

const Namespace = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'is not a namespace name');

/** zod shape of the proposal flags. */
export const ProposalFlags = {
  flows: z.array(z.string().min(1)).default([]),
  format: z.enum(INGEST_FORMATS as unknown as [IngestFormat, ...IngestFormat[]]).default('auto'),
  deadLetter: z.string().optional(),
  proposed: z.string().min(1).optional(),
  redis: z.url({ protocol: /^rediss?$/, error: 'is not a Redis URL (redis://host:port or rediss://…)' }).optional(),
  redisPrefix: z.string().min(1).default('palisade:'),
  excludeNamespace: z.array(Namespace).default([]),
  defaultDeny: z.boolean().default(false),
  minWindow: z.string().refine((value) => parseDuration(value) !== undefined, { message: 'is not a duration (for example 24h, 7d, 90m, 0s)' }),
};

/** Adds the proposal flags to a command. */
export function addProposalOptions(command: Command): Command {
  return command
    .addOption(new Option('--flows <path>', 'flow log file to learn from (repeatable); - reads stdin').argParser(collectList).env('PALISADE_FLOWS'))
    .addOption(new Option('--format <format>', 'flow log format').choices([...INGEST_FORMATS]).default('auto').env('PALISADE_FORMAT'))
    .addOption(new Option('--dead-letter <file>', 'write unreadable flow records there, one JSON line each').env('PALISADE_DEAD_LETTER'))
    .addOption(new Option('--proposed <dir>', 'policies already generated: a palisade generate output directory').env('PALISADE_PROPOSED'))
    .addOption(new Option('--redis <url>', 'the baseline in Redis (palisade baseline run); password also from PALISADE_REDIS_PASSWORD').env('PALISADE_REDIS_URL'))
    .addOption(new Option('--redis-prefix <prefix>', 'key prefix of the Redis baseline').default('palisade:').env('PALISADE_REDIS_PREFIX'))
    .addOption(new Option('--exclude-namespace <ns>', 'no policies for this namespace (repeatable; system namespaces always)').argParser(collectList).env('PALISADE_EXCLUDE_NAMESPACES'))
    .addOption(new Option('--default-deny', 'add a default-deny policy to namespaces where every workload has its own').env('PALISADE_DEFAULT_DENY'))
    .addOption(new Option('--min-window <duration>', 'refuse workloads observed for less than this (rule 16); 0s turns the gate off').default('24h').env('PALISADE_MIN_WINDOW'));
}

/** Turns parsed proposal flags into the configuration; exactly one source must be given. */
export function proposalConfig(flags: z.infer<z.ZodObject<typeof ProposalFlags>>): ProposalConfig {
  const given = [flags.flows.length > 0 ? '--flows' : '', flags.proposed ? '--proposed' : '', flags.redis ? '--redis' : ''].filter(Boolean);
  if (given.length !== 1)
    throw new InputError(given.length === 0 ? 'needs one of --flows PATH, --proposed DIR or --redis URL' : `takes one of ${given.join(', ')}, not both`);
  const source: ProposalSource = flags.proposed
    ? { kind: 'proposed', directory: flags.proposed }
    : flags.redis
      ? { kind: 'redis', settings: redisSettingsFromFlags({ redisUrl: flags.redis, redisPrefix: flags.redisPrefix }) }
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

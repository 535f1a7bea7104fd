import { z } from 'zod';
import ipaddr from 'ipaddr.js';
import type { GenerateConfig } from '../app/generate.js';
import { InputError } from '../errors.js';
import { synthesisOptions } from '../synthesis/synthesis-options.js';
import { parseDuration } from './flags/duration.js';
import { flagError } from './flags/flag-error.js';
import { FlowInputFlags, recordTimeLimits, RecordTimeFlags } from './flags/flow-input-flags.js';
import { NamespaceName } from './flags/namespace-flags.js';
import { redisSettingsFromFlags } from './flags/redis-flags.js';
import { minWindowFlag } from './flags/synthesis-flags.js';
import { listFromFlag } from './options/flag-values.js';
import { typedFlag } from './options/old-spellings.js';

const Cidr = z.string().refine((value) => ipaddr.isValidCIDR(value), { message: 'is not a CIDR (for example 10.0.0.0/16)' });

/** The flags of `generate`, validated once into a frozen configuration. */
const GenerateFlags = z.object({
  ...FlowInputFlags,
  ...RecordTimeFlags,
  flows: FlowInputFlags.flows,
  redisUrl: z.string().optional(),
  out: z.string().min(1),
  output: z.enum(['text', 'json']),
  excludeNamespace: z.array(NamespaceName).default([]),
  includeDenied: z.boolean().default(false),
  nodeCidr: z.array(Cidr).default([]),
  podCidr: z.array(Cidr).default([]),
  serviceCidr: z.array(Cidr).default([]),
  worldFoldMin: z.coerce.number().int().min(1, 'must be at least 1'),
  worldIngress: z.enum(['any', 'observed']),
  collapsePortRanges: z.boolean().default(false),
  defaultDeny: z.boolean().default(false),
  isolateIdle: z.boolean().default(false),
  minWindow: minWindowFlag('24h, 7d, 90m'),
});

/** Turns the parsed flags into the configuration, or an InputError naming the flag to fix. */
export async function generateConfigFromFlags(flags: Record<string, unknown>): Promise<GenerateConfig> {
  const parsed = GenerateFlags.safeParse({
    ...flags,
    flows: listFromFlag(flags['flows']) ?? [],
    excludeNamespace: listFromFlag(flags['excludeNamespace']),
    nodeCidr: listFromFlag(flags['nodeCidr']),
    podCidr: listFromFlag(flags['podCidr']),
    serviceCidr: listFromFlag(flags['serviceCidr']),
  });
  if (!parsed.success) throw flagError(parsed.error, flags);
  const f = parsed.data;
  if (f.flows.length === 0 && f.redisUrl === undefined) throw new InputError('--flows: needs at least one --flows PATH (or - for stdin)');
  const redisFlag = typedFlag('redisUrl', flags);
  if (f.flows.length > 0 && f.redisUrl !== undefined) throw new InputError(`${redisFlag}: reads the baseline from Redis; drop --flows, or drop ${redisFlag} to fold the files`);
  const redis = f.redisUrl === undefined ? undefined : await redisSettingsFromFlags({ redis: flags['redis'], redisUrl: f.redisUrl, redisPrefix: flags['redisPrefix'] });
  return Object.freeze({
    flows: f.flows,
    format: f.format,
    ...(f.cluster ? { cluster: f.cluster } : {}),
    out: f.out,
    ...(f.deadLetter ? { deadLetter: f.deadLetter } : {}),
    recordTimes: recordTimeLimits(f),
    ...(redis ? { redis } : {}),
    output: f.output,
    synthesis: synthesisOptions({
      excludeNamespaces: f.excludeNamespace,
      includeDenied: f.includeDenied,
      nodeCidrs: f.nodeCidr,
      podCidrs: f.podCidr,
      serviceCidrs: f.serviceCidr,
      worldFoldMinAddresses: f.worldFoldMin,
      worldIngress: f.worldIngress,
      collapsePortRanges: f.collapsePortRanges,
      defaultDeny: f.defaultDeny,
      isolateIdle: f.isolateIdle,
      minWindowMs: parseDuration(f.minWindow) as number,
    }),
  });
}

import { z } from 'zod';
import type { LiveDiffConfig } from '../../app/diff.js';
import type { ProposalSource } from '../../app/proposal.js';
import { InputError } from '../../errors.js';
import type { FlowInputConfig } from '../../io/flow-input.js';
import { clusterConfig, ClusterFlags } from './cluster-flags.js';
import { flagError } from './flag-error.js';
import { FlowInputFlags } from './flow-input-flags.js';
import { listFromFlag } from '../options/flag-values.js';
import { typedFlag } from '../options/old-spellings.js';
import { RedisPrefixFlag, RedisUrlFlag, redisSettingsFromFlags } from './redis-flags.js';

const LiveDiffFlags = z.object({
  ...FlowInputFlags,
  ...ClusterFlags,
  kubeconfig: z.string().min(1),
  current: z.undefined({ error: 'takes --current or --kubeconfig (the live policies), not both' }).optional(),
  proposed: z.string().min(1).optional(),
  redisUrl: RedisUrlFlag.optional(),
  redisPrefix: RedisPrefixFlag,
  output: z.enum(['text', 'json', 'markdown']),
});

/** Parses the flags of `diff --kubeconfig` (and `refresh --then diff`) once. */
export async function liveDiffConfigFromFlags(flags: Record<string, unknown>): Promise<LiveDiffConfig> {
  const parsed = LiveDiffFlags.safeParse({ ...flags, flows: listFromFlag(flags['flows']) ?? [], namespace: listFromFlag(flags['namespace']) });
  if (!parsed.success) throw flagError(parsed.error, flags);
  const f = parsed.data;
  const judge: FlowInputConfig = { flows: f.flows, format: f.format, ...(f.deadLetter ? { deadLetter: f.deadLetter } : {}) };
  if (f.proposed && f.redisUrl) throw new InputError(`--proposed and ${typedFlag('redisUrl', flags)}: give one source of proposed policies, not both`);
  const source: ProposalSource | undefined = f.proposed
    ? { kind: 'proposed', directory: f.proposed }
    : f.redisUrl
      ? { kind: 'redis', settings: await redisSettingsFromFlags({ redis: flags['redis'], redisUrl: f.redisUrl, redisPrefix: f.redisPrefix }) }
      : f.flows.length > 0
        ? { kind: 'flows', ...judge }
        : undefined;
  if (source === undefined) throw new InputError('--kubeconfig: needs what to compare with the live policies: --proposed DIR, --flows PATH or --redis URL');
  return Object.freeze({ ...clusterConfig(f), kubeconfig: f.kubeconfig, source, judge, output: f.output });
}

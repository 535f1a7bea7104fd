import { z } from 'zod';
import type { PrConfig } from '../app/pr.js';
import { clusterConfig, ClusterFlags } from './flags/cluster-flags.js';
import { flagError } from './flags/flag-error.js';
import { ProposalFlags, proposalConfig, proposalFlagInput } from './flags/proposal-flags.js';
import { publishConfig, PublishFlags } from './flags/publish-flags.js';
import { listFromFlag } from './options/flag-values.js';

const PrFlags = z.object({ ...ProposalFlags, ...ClusterFlags, ...PublishFlags, output: z.enum(['text', 'json']) });

/** Parses `pr`'s flags once. */
export async function prConfigFromFlags(flags: Record<string, unknown>): Promise<PrConfig> {
  const parsed = PrFlags.safeParse({ ...proposalFlagInput(flags), namespace: listFromFlag(flags['namespace']) });
  if (!parsed.success) throw flagError(parsed.error, flags);
  const f = parsed.data;
  return Object.freeze({ proposal: await proposalConfig(f, flags), ...publishConfig(f), ...clusterConfig(f), output: f.output });
}

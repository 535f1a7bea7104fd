import { z } from 'zod';
import type { ApplyConfig } from '../app/apply.js';
import { clusterConfig, ClusterFlags } from './flags/cluster-flags.js';
import { flagError } from './flags/flag-error.js';
import { ProposalFlags, proposalConfig, proposalFlagInput } from './flags/proposal-flags.js';
import { MaxChanges } from './flags/synthesis-flags.js';
import { listFromFlag } from './options/flag-values.js';

const ApplyFlags = z.object({
  ...ProposalFlags,
  ...ClusterFlags,
  dryRun: z.boolean().default(false),
  maxChanges: MaxChanges,
  output: z.enum(['text', 'json']),
});

/** Parses `apply`'s flags once into a frozen configuration. */
export async function applyConfigFromFlags(flags: Record<string, unknown>): Promise<ApplyConfig> {
  const parsed = ApplyFlags.safeParse({ ...proposalFlagInput(flags), namespace: listFromFlag(flags['namespace']) });
  if (!parsed.success) throw flagError(parsed.error, flags);
  const f = parsed.data;
  return Object.freeze({
    proposal: await proposalConfig(f, flags),
    ...clusterConfig(f),
    dryRun: f.dryRun,
    ...(f.maxChanges !== undefined ? { maxChanges: f.maxChanges } : {}),
    output: f.output,
  });
}

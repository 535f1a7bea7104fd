import { z } from 'zod';
import { parseRetention } from '@palisade/baseliner';
import type { RefreshConfig } from '../app/refresh.js';
import { InputError } from '../errors.js';
import { clusterConfig, ClusterFlags } from './flags/cluster-flags.js';
import { flagError } from './flags/flag-error.js';
import { liveDiffConfigFromFlags } from './flags/live-diff-flags.js';
import { ProposalFlags, proposalConfig, proposalFlagInput } from './flags/proposal-flags.js';
import { publishConfig, PublishFlags } from './flags/publish-flags.js';
import { MaxChanges } from './flags/synthesis-flags.js';
import { listFromFlag } from './options/flag-values.js';

const RefreshFlags = z.object({
  ...ProposalFlags,
  ...ClusterFlags,
  ...PublishFlags,
  gitDir: PublishFlags.gitDir.optional(),
  path: PublishFlags.path.optional(),
  then: z.enum(['pr', 'apply', 'diff'], { error: 'needs --then pr, apply or diff' }),
  maxChanges: MaxChanges,
  retention: z.string().refine((value) => parseRetention(value) !== undefined, { message: 'is not a duration (for example 14d, 36h)' }).default('14d'),
  output: z.enum(['text', 'json']),
});

/** Parses `refresh`'s flags once. */
export async function refreshConfigFromFlags(flags: Record<string, unknown>): Promise<RefreshConfig> {
  const parsed = RefreshFlags.safeParse({ ...proposalFlagInput(flags), namespace: listFromFlag(flags['namespace']) });
  if (!parsed.success) throw flagError(parsed.error, flags);
  const f = parsed.data;
  const proposal = await proposalConfig(f, flags);
  const retentionMs = parseRetention(f.retention) as number;
  const cluster = clusterConfig(f);
  switch (f.then) {
    case 'apply':
      return Object.freeze({ retentionMs, then: 'apply', apply: { proposal, ...cluster, dryRun: false, ...(f.maxChanges !== undefined ? { maxChanges: f.maxChanges } : {}), output: f.output } });
    case 'pr': {
      if (f.gitDir === undefined) throw new InputError('--git-dir: --then pr needs --git-dir PATH (a clone of the GitOps repository)');
      if (f.path === undefined) throw new InputError('--path: --then pr needs --path DIR (where the policies live in the repository)');
      return Object.freeze({ retentionMs, then: 'pr', pr: { proposal, ...cluster, ...publishConfig({ ...f, gitDir: f.gitDir, path: f.path }), output: f.output } });
    }
    case 'diff':
      if (f.kubeconfig === undefined) throw new InputError('--kubeconfig: --then diff compares with the live cluster and needs --kubeconfig FILE');
      return Object.freeze({ retentionMs, then: 'diff', diff: await liveDiffConfigFromFlags({ ...flags, output: f.output === 'json' ? 'json' : 'text' }) });
  }
}

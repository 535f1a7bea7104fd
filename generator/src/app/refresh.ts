import type { RedisSettings } from '@palisade/baseliner/redis';
import type { ClusterReader, PolicyWriter } from '../cluster/cluster-api.js';
import { InputError } from '../errors.js';
import type { GitRunner } from '../publish/git.js';
import type { PullRequestApi } from '../publish/github.js';
import type { ApplyConfig, ApplyOutcome } from './apply.js';
import { applyProposal } from './apply.js';
import { refreshBaseline } from './baseline.js';
import type { LiveDiffConfig, LiveDiffOutcome } from './diff.js';
import { diffLive } from './diff.js';
import type { PrConfig, PrOutcome } from './pr.js';
import { publishProposal } from './pr.js';
import type { ProposalDependencies } from './proposal.js';

/**
 * `palisade refresh`: the scheduled job (a CronJob). Refreshes the baseline when it lives in Redis,
 * builds the proposal, then acts on it with `--then pr|apply|diff`, only when it changed: a pull
 * request is pushed only when the policies differ from what the branch proposes, apply writes only
 * policies that differ from the live ones, diff reports only when something would change.
 */

/** What refresh does with the proposal. */
export type RefreshAction = 'pr' | 'apply' | 'diff';

/** The validated configuration of `palisade refresh`. */
export type RefreshConfig = { readonly retentionMs: number } & (
  | { readonly then: 'apply'; readonly apply: ApplyConfig }
  | { readonly then: 'pr'; readonly pr: PrConfig }
  | { readonly then: 'diff'; readonly diff: LiveDiffConfig }
);

/** What one refresh run found, with the outcome of the action. */
export type RefreshOutcome =
  | { readonly action: 'apply'; readonly changed: boolean; readonly apply: ApplyOutcome }
  | { readonly action: 'pr'; readonly changed: boolean; readonly pr: PrOutcome }
  | { readonly action: 'diff'; readonly changed: boolean; readonly diff: LiveDiffOutcome };

/** Dependencies of {@link refreshProposal}: everything that talks to the outside, wired by the command. */
export interface RefreshDependencies extends ProposalDependencies {
  readonly cluster?: ClusterReader & PolicyWriter;
  readonly git?: GitRunner;
  readonly pullRequests?: PullRequestApi;
  /** Expires stale edges of the Redis baseline before reading it (`palisade baseline refresh`). */
  readonly refreshBaseline?: (settings: RedisSettings) => Promise<void>;
}

/** Runs one refresh. */
export async function refreshProposal(config: RefreshConfig, deps: RefreshDependencies): Promise<RefreshOutcome> {
  const redis = redisOf(config);
  if (redis !== undefined) await (deps.refreshBaseline ?? ((settings) => refreshBaseline(settings, config.retentionMs).then(() => undefined)))(redis);
  switch (config.then) {
    case 'apply': {
      if (deps.cluster === undefined) throw new InputError('--then apply needs the cluster (--kubeconfig, or the in-cluster service account)');
      const apply = await applyProposal(config.apply, { ...deps, cluster: deps.cluster });
      return { action: 'apply', changed: apply.plan.changes > 0, apply };
    }
    case 'pr': {
      if (deps.git === undefined) throw new InputError('--then pr needs --git-dir');
      const pr = await publishProposal(config.pr, { ...deps, git: deps.git });
      return { action: 'pr', changed: pr.result.changed, pr };
    }
    case 'diff': {
      if (deps.cluster === undefined) throw new InputError('--then diff needs --kubeconfig');
      const diff = await diffLive(config.diff, { ...deps, cluster: deps.cluster });
      const { added, removed, changed } = diff.report.objects;
      return { action: 'diff', changed: added.length + removed.length + changed.length > 0, diff };
    }
  }
}

function redisOf(config: RefreshConfig): RedisSettings | undefined {
  const source = config.then === 'apply' ? config.apply.proposal.source : config.then === 'pr' ? config.pr.proposal.source : config.diff.source;
  return source.kind === 'redis' ? source.settings : undefined;
}

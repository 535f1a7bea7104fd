import type { PrOutcome } from '../app/pr.js';
import type { PublishResult, PublishTarget } from '../publish/publish.js';

/** One line on what publishing did. */
export function describePublish(result: PublishResult, target: PublishTarget): string {
  if (!result.changed)
    return result.reason === 'same-as-base'
      ? `No change: ${target.base} already holds these policies`
      : `No change: ${target.branch} already proposes these policies${result.pullRequest ? ` (${result.pullRequest.url})` : ''}`;
  const pr = result.pullRequest ? `; pull request #${result.pullRequest.number} ${result.pullRequest.action}: ${result.pullRequest.url}` : '';
  return `Pushed ${result.commit?.slice(0, 12)} to ${target.remote}/${target.branch}${pr}`;
}

/** What `pr` prints: the publish result as JSON, or one line. */
export function renderPr(outcome: PrOutcome, options: { readonly output: 'text' | 'json'; readonly target: PublishTarget }): string {
  if (options.output === 'json') return `${JSON.stringify({ ...outcome.result, skipped: outcome.skipped }, null, 2)}\n`;
  const skips = outcome.skipped.map((entry) => `skip      ${entry.key}: ${entry.reason}\n`).join('');
  return `${skips}${describePublish(outcome.result, options.target)}\n`;
}

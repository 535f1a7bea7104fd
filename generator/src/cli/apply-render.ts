import type { ApplyOutcome } from '../app/apply.js';
import { ApplyRefusedError } from '../app/apply.js';
import type { ApplyPlan } from '../cluster/apply-plan.js';
import type { ApplyRunResult } from '../cluster/apply-run.js';

/** The plan, one policy a line: action, key, why. */
export function renderPlanText(plan: ApplyPlan, dryRun: boolean): string {
  const verb = { create: 'create', update: 'update', unchanged: 'unchanged', prune: 'prune', keep: 'keep', skip: 'skip' } as const;
  const lines = plan.steps.map((step) => `${verb[step.action].padEnd(9)} ${step.key}: ${step.reason}`);
  for (const refusal of plan.refusals) lines.push(`refused   ${refusal.key ?? ''}${refusal.key ? ': ' : ''}${refusal.message}`);
  if (dryRun) lines.unshift('Dry run (server-side, nothing is written):');
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/** What `apply` prints when a gate refused the plan: the plan with its refusals (text only; JSON prints nothing). */
export function renderRefusal(error: unknown, options: { readonly output: 'text' | 'json'; readonly dryRun: boolean }): string {
  return error instanceof ApplyRefusedError && options.output === 'text' ? renderPlanText(error.plan, options.dryRun) : '';
}

/** What `apply` prints once it ran: the plan and a summary line, or JSON. */
export function renderApply(outcome: ApplyOutcome, options: { readonly output: 'text' | 'json'; readonly dryRun: boolean }): string {
  const { plan, result } = outcome;
  return options.output === 'json' ? renderPlanJson(plan, result) : `${renderPlanText(plan, options.dryRun)}${summaryLine(plan, result)}\n`;
}

function count(plan: ApplyPlan, action: string): number {
  return plan.steps.filter((step) => step.action === action).length;
}

function summaryLine(plan: ApplyPlan, result: ApplyRunResult): string {
  const skipped = count(plan, 'skip');
  const counts = `${count(plan, 'create')} created, ${count(plan, 'update')} updated, ${count(plan, 'prune')} pruned, ${count(plan, 'unchanged')} unchanged${skipped > 0 ? `, ${skipped} skipped` : ''}`;
  if (!result.applied) return `Would apply: ${counts} (the server accepted every change in a dry run)`;
  return plan.changes === 0 ? `No change: ${counts}` : `Applied: ${counts}`;
}

function renderPlanJson(plan: ApplyPlan, result: ApplyRunResult): string {
  return `${JSON.stringify(
    {
      applied: result.applied,
      changes: plan.changes,
      steps: plan.steps.map((step) => ({ action: step.action, key: step.key, phase: step.phase, reason: step.reason })),
      refusals: plan.refusals,
      results: result.results.map((entry) => ({ key: entry.step.key, action: entry.step.action, resourceVersion: entry.applied?.metadata?.resourceVersion })),
    },
    null,
    2,
  )}\n`;
}

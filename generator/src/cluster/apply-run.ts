import type { V1NetworkPolicy } from '@kubernetes/client-node';
import { ClusterError, InputError, CliError, RefusedError } from '../errors.js';
import type { PolicyWriter } from './cluster-api.js';
import { ApiRefusedError } from './cluster-api.js';
import type { ApplyPlan, ApplyStep } from './apply-plan.js';

/**
 * Carries out an {@link ApplyPlan}: first every write with `dryRun=All`, so admission and validation
 * judge the whole set, and only when all of them pass, the real writes in the plan's order (allow
 * policies, then default-deny, then prunes). A set that fails half-way through validation would
 * leave a namespace with its default-deny but without the allow policies that make it safe.
 */

/** What one write did. */
export interface StepResult {
  readonly step: ApplyStep;
  /** The object the API server returned for an apply (its resourceVersion, for the record). */
  readonly applied?: V1NetworkPolicy;
}

/** What the run did. */
export interface ApplyRunResult {
  /** Whether anything was written (false for `--dry-run`). */
  readonly applied: boolean;
  readonly results: readonly StepResult[];
}

/** Runs the plan; with `dryRun` only the server-side dry run. */
export async function runApplyPlan(plan: ApplyPlan, writer: PolicyWriter, options: { readonly dryRun: boolean }): Promise<ApplyRunResult> {
  if (plan.refusals.length > 0) throw new RefusedError(`nothing was applied: ${plan.refusals.map((refusal) => refusal.message).join('; ')}`);
  const writes = plan.steps.filter((step) => step.action === 'create' || step.action === 'update' || step.action === 'prune');

  const failures: { step: ApplyStep; error: unknown }[] = [];
  const checked: StepResult[] = [];
  for (const step of writes) {
    try {
      checked.push(await write(step, writer, true));
    } catch (error) {
      if (error instanceof ClusterError) throw error; // the API server cannot be reached: stop now
      failures.push({ step, error });
    }
  }
  if (failures.length > 0) throw dryRunError(failures, writes.length);
  if (options.dryRun) return { applied: false, results: checked };

  const results: StepResult[] = [];
  for (const step of writes) {
    try {
      results.push(await write(step, writer, false));
    } catch (error) {
      const done = results.map((result) => `${result.step.action} ${result.step.key}`).join(', ') || 'nothing';
      throw new ClusterError(
        `${step.action} ${step.key} failed after the dry run passed (applied so far: ${done}): ${describe(error)}; run apply again`,
        { cause: error },
      );
    }
  }
  return { applied: true, results };
}

async function write(step: ApplyStep, writer: PolicyWriter, dryRun: boolean): Promise<StepResult> {
  if (step.action === 'prune') {
    const metadata = step.policy.metadata ?? {};
    try {
      await writer.delete(
        { namespace: metadata.namespace ?? 'default', name: metadata.name ?? '', ...(metadata.resourceVersion ? { resourceVersion: metadata.resourceVersion } : {}) },
        { dryRun },
      );
    } catch (error) {
      // Already gone is what a prune wants.
      if (error instanceof ApiRefusedError && error.code === 404) return { step };
      throw error;
    }
    return { step };
  }
  return { step, applied: await writer.apply(step.policy, { dryRun }) };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * One error for every failed dry run. A conflict (another field manager owns a field, or the object
 * changed since it was read) is a refusal; an invalid object is an input problem; anything else is
 * the cluster's.
 */
function dryRunError(failures: readonly { step: ApplyStep; error: unknown }[], total: number): CliError {
  const refused = (error: unknown) => error instanceof ApiRefusedError;
  const lines = failures.map(({ step, error }) => `${step.action} ${step.key}: ${describe(error)}${conflictHint(error)}`);
  const message = `the server-side dry run refused ${failures.length} of ${total} change(s), nothing was applied: ${lines.join('; ')}`;
  const first = failures[0]?.error;
  if (failures.some(({ error }) => refused(error) && (error as ApiRefusedError).code === 409)) return new RefusedError(message, { cause: first });
  if (failures.every(({ error }) => refused(error) && (error as ApiRefusedError).code === 422)) return new InputError(message, { cause: first });
  return new ClusterError(message, { cause: first });
}

function conflictHint(error: unknown): string {
  if (!(error instanceof ApiRefusedError) || error.code !== 409) return '';
  return ' (another field manager owns these fields: Palisade never forces; remove that manager\'s fields or the policy)';
}

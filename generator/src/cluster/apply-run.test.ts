import type { V1NetworkPolicy } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { InputError, RefusedError } from '../errors.js';
import type { PolicyWriter, WriteOptions } from './cluster-api.js';
import { ApiRefusedError } from './cluster-api.js';
import type { ApplyPlan, ApplyStep } from './apply-plan.js';
import { runApplyPlan } from './apply-run.js';

/** A writer that records every call and refuses the names in `refuse`. */
function fakeWriter(refuse: Record<string, ApiRefusedError> = {}): PolicyWriter & { calls: string[] } {
  const calls: string[] = [];
  const record = (verb: string, name: string, options: WriteOptions) => {
    calls.push(`${options.dryRun ? 'dry-run ' : ''}${verb} ${name}`);
    const refusal = refuse[name];
    if (refusal) throw refusal;
  };
  return {
    calls,
    async apply(policy: V1NetworkPolicy, options) {
      record('apply', policy.metadata?.name ?? '', options);
      return { ...policy, metadata: { ...policy.metadata, resourceVersion: '7' } };
    },
    async delete(target, options) {
      record('delete', target.name, options);
    },
  };
}

const step = (action: ApplyStep['action'], name: string, phase: ApplyStep['phase'] = 'allow'): ApplyStep => ({
  action,
  key: `shop/${name}`,
  phase,
  policy: { metadata: { name, namespace: 'shop' }, spec: { podSelector: {} } },
  reason: '',
});

const PLAN: ApplyPlan = {
  steps: [step('create', 'a'), step('unchanged', 'b'), step('update', 'c'), step('create', 'deny', 'default-deny'), step('prune', 'old', 'prune')],
  changes: 4,
  refusals: [],
};

describe('runApplyPlan', () => {
  it('dry-runs the whole set, then writes in order, never touching unchanged policies', async () => {
    const writer = fakeWriter();
    const result = await runApplyPlan(PLAN, writer, { dryRun: false });
    expect(writer.calls).toEqual([
      'dry-run apply a',
      'dry-run apply c',
      'dry-run apply deny',
      'dry-run delete old',
      'apply a',
      'apply c',
      'apply deny',
      'delete old',
    ]);
    expect(result.applied).toBe(true);
  });

  it('writes nothing with --dry-run', async () => {
    const writer = fakeWriter();
    expect((await runApplyPlan(PLAN, writer, { dryRun: true })).applied).toBe(false);
    expect(writer.calls.every((call) => call.startsWith('dry-run'))).toBe(true);
  });

  it.each([
    ['an invalid object', new ApiRefusedError(422, 'Invalid', 'apply shop/c: spec.podSelector: Invalid value'), InputError],
    ['a field-manager conflict', new ApiRefusedError(409, 'Conflict', 'apply shop/c: conflict with "kubectl"'), RefusedError],
  ])('writes nothing when the dry run meets %s, and names every failure', async (_name, refusal, errorClass) => {
    const writer = fakeWriter({ c: refusal });
    const run = runApplyPlan(PLAN, writer, { dryRun: false });
    await expect(run).rejects.toThrow(errorClass);
    await expect(run).rejects.toThrow(/refused 1 of 4 change\(s\), nothing was applied: update shop\/c/);
    expect(writer.calls.some((call) => !call.startsWith('dry-run'))).toBe(false);
  });

  it('treats a policy already deleted as pruned', async () => {
    const writer = fakeWriter({ old: new ApiRefusedError(404, 'NotFound', 'gone') });
    await expect(runApplyPlan({ steps: [step('prune', 'old', 'prune')], changes: 1, refusals: [] }, writer, { dryRun: false })).resolves.toMatchObject({ applied: true });
  });
});

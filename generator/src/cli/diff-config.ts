import { z } from 'zod';
import type { DiffConfig } from '../app/diff.js';
import { flagError } from './flags/flag-error.js';
import { FlowInputFlags } from './flags/flow-input-flags.js';
import { listFromFlag } from './options/flag-values.js';

const DiffFlags = z.object({
  ...FlowInputFlags,
  current: z.string({ error: 'needs --current DIR|FILE (the policies in force)' }).min(1),
  proposed: z.string({ error: 'needs --proposed DIR|FILE (the policies to compare)' }).min(1),
  output: z.enum(['text', 'json', 'markdown']),
});

/** Parses the flags of `diff` over two policy sets on disk (`diff --kubeconfig`: live-diff-flags.ts). */
export function diffConfigFromFlags(flags: Record<string, unknown>): DiffConfig {
  const parsed = DiffFlags.safeParse({ ...flags, flows: listFromFlag(flags['flows']) ?? [] });
  if (!parsed.success) throw flagError(parsed.error, flags);
  return Object.freeze(parsed.data);
}

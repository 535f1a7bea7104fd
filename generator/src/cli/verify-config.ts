import { z } from 'zod';
import type { VerifyConfig } from '../app/verify.js';
import { flagError } from './flags/flag-error.js';
import { FlowInputFlags, recordTimeLimits, RecordTimeFlags } from './flags/flow-input-flags.js';
import { listFromFlag } from './options/flag-values.js';

const VerifyFlags = z.object({
  ...FlowInputFlags,
  ...RecordTimeFlags,
  flows: FlowInputFlags.flows.min(1, 'needs at least one --flows PATH (or - for stdin)'),
  policies: z.string({ error: 'needs --policies DIR|FILE' }).min(1, 'needs --policies DIR|FILE'),
  output: z.enum(['text', 'json']),
});

/** Parses `verify`'s flags once. */
export function verifyConfigFromFlags(flags: Record<string, unknown>): VerifyConfig {
  const parsed = VerifyFlags.safeParse({ ...flags, flows: listFromFlag(flags['flows']) ?? [] });
  if (!parsed.success) throw flagError(parsed.error, flags);
  const { maxClockSkew, maxRecordAge, ...config } = parsed.data;
  return Object.freeze({ ...config, recordTimes: recordTimeLimits({ maxClockSkew, maxRecordAge }) });
}

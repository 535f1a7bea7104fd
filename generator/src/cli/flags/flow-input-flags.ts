import { z } from 'zod';
import type { IngestFormat } from '@palisade/collector';
import { INGEST_FORMATS } from '@palisade/collector';
import type { RecordTimeLimits } from '@palisade/collector';
import { parseDuration } from './duration.js';

/** zod of `--flows` (a list). */
export const FlowsFlag = z.array(z.string().min(1));

/** zod of `--format`. */
export const FormatFlag = z.enum(INGEST_FORMATS as unknown as [IngestFormat, ...IngestFormat[]]);

const DurationFlag = (example: string) =>
  z.string().refine((value) => parseDuration(value) !== undefined, { message: `is not a duration (for example ${example})` });

/** zod shape of `--max-clock-skew` and `--max-record-age`. */
export const RecordTimeFlags = {
  maxClockSkew: DurationFlag('5m, 1h').default('5m'),
  maxRecordAge: DurationFlag('3650d, 52w').default('3650d'),
};

/** The record time limits of parsed {@link RecordTimeFlags}. */
export function recordTimeLimits(flags: { readonly maxClockSkew: string; readonly maxRecordAge: string }): RecordTimeLimits {
  return { maxFutureSkewMs: parseDuration(flags.maxClockSkew) as number, maxAgeMs: parseDuration(flags.maxRecordAge) as number };
}

/** zod shape of the shared flow-input flags. */
export const FlowInputFlags = {
  flows: FlowsFlag,
  format: FormatFlag,
  cluster: z.string().optional(),
  deadLetter: z.string().optional(),
};

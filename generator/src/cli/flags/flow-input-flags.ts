import { z } from 'zod';
import type { IngestFormat } from '@palisade/collector';
import { INGEST_FORMATS } from '@palisade/collector';

/** zod of `--flows` (a list). */
export const FlowsFlag = z.array(z.string().min(1));

/** zod of `--format`. */
export const FormatFlag = z.enum(INGEST_FORMATS as unknown as [IngestFormat, ...IngestFormat[]]);

/** zod shape of the shared flow-input flags. */
export const FlowInputFlags = {
  flows: FlowsFlag,
  format: FormatFlag,
  cluster: z.string().optional(),
  deadLetter: z.string().optional(),
};

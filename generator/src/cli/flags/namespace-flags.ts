import { z } from 'zod';
import { isDnsLabel } from '@palisade/collector';

/** A namespace name, as the API server checks it (an RFC 1123 label). */
export const NamespaceName = z.string().refine(isDnsLabel, 'is not a namespace name');

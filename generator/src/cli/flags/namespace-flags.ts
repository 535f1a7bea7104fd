import { Option } from 'commander';
import { z } from 'zod';
import { isDnsLabel } from '@palisade/collector';
import { collectList } from './flag-values.js';

/** A namespace name, as the API server checks it (an RFC 1123 label). */
export const NamespaceName = z.string().refine(isDnsLabel, 'is not a namespace name');

/** `--exclude-namespace NS` (repeatable): no policies for it. */
export function excludeNamespaceOption(): Option {
  return new Option('--exclude-namespace <ns>', 'no policies for this namespace (repeatable; system namespaces always)').argParser(collectList).env('PALISADE_EXCLUDE_NAMESPACES');
}

/** `--namespace NS` (repeatable): read and act only there. */
export function namespacesOption(): Option {
  return new Option('--namespace <ns>', 'read and act only in this namespace (repeatable; default all)').argParser(collectList).env('PALISADE_NAMESPACES');
}

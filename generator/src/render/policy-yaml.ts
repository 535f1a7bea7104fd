import type { V1NetworkPolicy } from '@kubernetes/client-node';
import { dumpYaml } from '@kubernetes/client-node';

/**
 * One NetworkPolicy as YAML, serialised once from the typed object (rule 4) through the
 * Kubernetes client's serializer (which maps its `_from` field back to `from`). Keys are sorted
 * and lines never folded, so the same policy always gives the same bytes (rule 3).
 */
export function policyToYaml(policy: V1NetworkPolicy): string {
  return dumpYaml(policy, { sortKeys: true, lineWidth: -1, noRefs: true });
}

import { compareStrings } from '@palisade/baseliner';
import { DEFAULT_DENY_POLICY_NAME } from './policy-name.js';
import { EVIDENCE_ANNOTATION, MANAGED_BY_LABEL } from './policy-labels.js';
import type { SynthesisContext } from './synthesis-context.js';
import type { PolicyPlan, SynthesisWarning } from './synthesis-result.js';

/** A per-namespace default deny, only where every workload has its own policy isolating both directions (rule 18). */
export function defaultDenyPolicies(plans: readonly PolicyPlan[], context: SynthesisContext, warnings: SynthesisWarning[]): PolicyPlan[] {
  const covered = new Set(plans.filter((plan) => plan.policy.spec?.policyTypes?.length === 2).map((plan) => plan.workload));
  const namespaces = [...new Set(plans.map((plan) => plan.namespace))].sort(compareStrings);
  const result: PolicyPlan[] = [];
  for (const namespace of namespaces) {
    const missing = (context.catalog.byNamespace.get(namespace) ?? []).filter((known) => !covered.has(known.id)).map((known) => known.id);
    if (missing.length > 0) {
      warnings.push({
        code: 'default-deny-skipped',
        severity: 'info',
        message: `no default-deny for namespace ${namespace}: ${missing.join(', ')} ${missing.length === 1 ? 'has' : 'have'} no policy isolating both directions`,
      });
      continue;
    }
    result.push({
      namespace,
      name: DEFAULT_DENY_POLICY_NAME,
      policy: {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: {
          name: DEFAULT_DENY_POLICY_NAME,
          namespace,
          labels: { ...MANAGED_BY_LABEL },
          annotations: { [EVIDENCE_ANNOTATION]: 'every workload in this namespace has its own Palisade policy; apply after them' },
        },
        spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
      },
      rules: [],
    });
  }
  return result;
}

/** Label on every object Palisade owns (rule 1). */
export const MANAGED_BY_LABEL = { 'app.kubernetes.io/managed-by': 'palisade' } as const;
/** Annotation naming the workload a policy is for. */
export const WORKLOAD_ANNOTATION = 'palisade.io/workload';
/** Annotation with a short summary of the evidence (rule 3; the full evidence is in report.json). */
export const EVIDENCE_ANNOTATION = 'palisade.io/evidence';

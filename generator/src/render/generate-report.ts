import type { IdleWorkload } from '../synthesis/idle-workloads.js';
import type { SynthesisResult } from '../synthesis/synthesis-result.js';
import type { VerificationSummary } from '../verify/self-verification.js';

/** What reading the input produced, as the report shows it. */
export interface InputSummary {
  readonly sources: readonly string[];
  readonly format: string;
  readonly cluster?: string;
  readonly records: number;
  readonly flows: number;
  readonly deniedFlows: number;
  readonly deadLetters: { readonly count: number; readonly examples: readonly { readonly source: string; readonly line: number; readonly reason: string }[] };
  readonly quarantined: { readonly count: number; readonly byReason: Readonly<Record<string, number>> };
  readonly skipped: { readonly count: number; readonly byReason: Readonly<Record<string, number>> };
  /** Flows whose endpoint was not known at all (nothing to learn from). */
  readonly unattributedFlows: number;
}

/** `report.json`: machine-readable account of one `generate` run. */
export interface GenerateReport {
  readonly reportVersion: 1;
  readonly input: InputSummary;
  readonly baseline: { readonly edges: number; readonly workloads: number };
  readonly summary: {
    readonly policies: number;
    readonly defaultDenyPolicies: number;
    readonly namespaces: readonly string[];
    readonly warnings: number;
    readonly blockedAttempts: number;
  };
  readonly policies: readonly {
    readonly namespace: string;
    readonly name: string;
    readonly file: string;
    readonly workload?: string;
    readonly policyTypes: readonly string[];
    readonly window?: { readonly firstSeen: string; readonly lastSeen: string; readonly hours: number };
    readonly rules: SynthesisResult['policies'][number]['rules'];
  }[];
  readonly warnings: SynthesisResult['warnings'];
  readonly blockedAttempts: SynthesisResult['blockedAttempts'];
  readonly excludedWorkloads: readonly string[];
  /** Every workload of the cluster state with no observed allowed traffic, with why it has no allow policy. */
  readonly idleWorkloads: readonly IdleWorkload[];
  readonly verification?: VerificationSummary;
}

/** Relative path of a policy's file in the output directory: `<namespace>/<name>.yaml`. */
export function policyFilePath(namespace: string, name: string): string {
  return `${namespace}/${name}.yaml`;
}

/** Builds `report.json` from the input summary, the baseline size and the synthesis result. */
export function buildGenerateReport(
  input: InputSummary,
  baseline: { edges: number; workloads: number },
  result: SynthesisResult,
  verification?: VerificationSummary,
): GenerateReport {
  const defaultDenies = result.policies.filter((plan) => plan.workload === undefined).length;
  return {
    reportVersion: 1,
    input,
    baseline,
    summary: {
      policies: result.policies.length,
      defaultDenyPolicies: defaultDenies,
      namespaces: [...new Set(result.policies.map((plan) => plan.namespace))],
      warnings: result.warnings.filter((warning) => warning.severity === 'warning').length,
      blockedAttempts: result.blockedAttempts.length,
    },
    policies: result.policies.map((plan) => ({
      namespace: plan.namespace,
      name: plan.name,
      file: policyFilePath(plan.namespace, plan.name),
      ...(plan.workload ? { workload: plan.workload } : {}),
      policyTypes: plan.policy.spec?.policyTypes ?? [],
      ...(plan.window ? { window: plan.window } : {}),
      rules: plan.rules,
    })),
    warnings: result.warnings,
    blockedAttempts: result.blockedAttempts,
    excludedWorkloads: result.excludedWorkloads,
    idleWorkloads: result.idleWorkloads,
    ...(verification ? { verification } : {}),
  };
}

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { V1NetworkPolicy } from '@kubernetes/client-node';
import { z } from 'zod';
import { firstIssue } from '@palisade/collector';
import { InputError } from '../errors.js';
import { loadNetworkPolicies } from '../io/policy-load.js';
import type { DesiredPolicy } from '../cluster/apply-plan.js';
import { policyWorkload } from '../cluster/policy-manifest.js';
import type { GenerateReport } from '../render/generate-report.js';

/** Policies of a `generate` output directory, with what its `report.json` says about them. */
export interface ProposedDirectory {
  readonly policies: readonly DesiredPolicy[];
  readonly report?: GenerateReport;
  /** Edges of the baseline the policies were learned from, when `report.json` is there. */
  readonly baselineEdges?: number;
}

/** `--proposed DIR`: the policies, and the windows and warnings of `DIR/report.json` when it is there. */
export async function readProposedDirectory(directory: string): Promise<ProposedDirectory> {
  const loaded = await loadNetworkPolicies(directory);
  const report = await readReport(join(directory, 'report.json'));
  const windows = new Map((report?.policies ?? []).map((entry) => [`${entry.namespace}/${entry.name}`, entry]));
  const policies: DesiredPolicy[] = loaded.map(({ policy }) => {
    const namespace = policy.metadata?.namespace ?? 'default';
    const fromReport = windows.get(`${namespace}/${policy.metadata?.name ?? ''}`);
    const workload = fromReport?.workload ?? workloadOf(policy);
    return { policy, ...(workload ? { workload } : {}), ...(fromReport?.window ? { window: fromReport.window } : {}) };
  });
  return { policies, ...(report ? { report, baselineEdges: report.baseline.edges } : {}) };
}

function workloadOf(policy: V1NetworkPolicy): string | undefined {
  const workload = policyWorkload(policy);
  return workload === undefined ? undefined : `${policy.metadata?.namespace ?? 'default'}/${workload}`;
}

async function readReport(path: string): Promise<GenerateReport | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InputError(`--proposed: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputError(`--proposed: ${path}: not JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = ReportShape.safeParse(json);
  if (!parsed.success) {
    const { field, message } = firstIssue(parsed.error);
    throw new InputError(`--proposed: ${path}: ${field || '(root)'}: ${message} (expected a palisade generate report.json)`);
  }
  return json as GenerateReport;
}

/** The parts of report.json that apply and pr rely on. */
const ReportShape = z.looseObject({
  reportVersion: z.literal(1),
  baseline: z.object({ edges: z.number().int().min(0) }),
  policies: z.array(
    z.looseObject({
      namespace: z.string(),
      name: z.string(),
      workload: z.string().optional(),
      window: z.object({ firstSeen: z.string(), lastSeen: z.string(), hours: z.number() }).optional(),
    }),
  ),
  warnings: z.array(z.looseObject({ severity: z.string(), message: z.string() })),
});

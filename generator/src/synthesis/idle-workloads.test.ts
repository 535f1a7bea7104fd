import { foldFlows } from '@palisade/baseliner';
import { describe, expect, it } from 'vitest';
import { buildGenerateReport } from '../render/generate-report.js';
import { renderReportMarkdown } from '../render/report-markdown.js';
import { synthesizeAndVerify } from '../verify/self-verification.js';
import { synthesisOptions } from './synthesis-options.js';
import { cluster, deploymentObjects, flow, longFlow, pod, T0 } from './testing/synthesis-fixtures.js';

/**
 * Issue 11 item 31: a workload of the cluster state the baseline never saw talk got no policy and
 * no mention, and stayed open while its neighbours were isolated. It is now listed with why, and
 * `--isolate-idle` gives it a deny-all of both directions when the baseline spans --min-window.
 */

const state = cluster(
  deploymentObjects('shop', 'web', { ips: ['10.244.1.10'] }),
  deploymentObjects('shop', 'db', { ips: ['10.244.1.11'] }),
  deploymentObjects('shop', 'legacy-admin', { ips: ['10.244.1.12'] }),
  deploymentObjects('kube-system', 'metrics-agent', { ips: ['10.244.1.13'] }),
);
const observed = longFlow(pod('shop', 'web'), pod('shop', 'db'), 5432);

function run(flows: typeof observed, options: Parameters<typeof synthesisOptions>[0] = {}) {
  const baseline = foldFlows(flows).baseline;
  const { result, verification } = synthesizeAndVerify({ baseline, cluster: state, options: synthesisOptions(options) });
  const report = buildGenerateReport(
    { sources: ['t'], format: 'hubble', records: 0, flows: 0, deniedFlows: 0, deadLetters: { count: 0, examples: [] }, quarantined: { count: 0, byReason: {} }, skipped: { count: 0, byReason: {} }, unattributedFlows: 0 },
    { edges: baseline.edges.length, workloads: baseline.workloads.length },
    result,
    verification.summary,
  );
  return { result, verification, report };
}

describe('idle workloads (item 31)', () => {
  it('lists every idle workload of the cluster state with why it has no policy, and writes no policy for it by default', () => {
    const { result, report } = run(observed);
    expect(result.policies.map((plan) => plan.name)).toEqual(['palisade-db', 'palisade-web']);
    expect(report.idleWorkloads).toEqual([
      {
        workload: 'kube-system/Deployment/metrics-agent',
        reason: 'excluded-namespace',
        message: "no traffic was observed in the baseline's 25h; its namespace is excluded (system namespace or --exclude-namespace, rule 17)",
      },
      {
        workload: 'shop/Deployment/legacy-admin',
        reason: 'no-traffic',
        message: "no traffic was observed in the baseline's 25h, so no rule was learned for it and it stays open to everything; --isolate-idle gives it a deny-all",
      },
    ]);
    const markdown = renderReportMarkdown(report);
    expect(markdown).toContain('## Idle workloads');
    expect(markdown).toContain('- `shop/Deployment/legacy-admin`: no traffic was observed');
  });

  it('--isolate-idle: a Palisade-owned deny-all of both directions, named like the others, and self-verification still passes', () => {
    const { result, verification, report } = run(observed, { isolateIdle: true, defaultDeny: true });
    const plan = result.policies.find((candidate) => candidate.name === 'palisade-legacy-admin');
    expect(plan?.workload).toBe('shop/Deployment/legacy-admin');
    expect(plan?.window?.hours).toBe(25);
    expect(plan?.policy.metadata?.labels).toEqual({ 'app.kubernetes.io/managed-by': 'palisade' });
    expect(plan?.policy.metadata?.annotations?.['palisade.io/workload']).toBe('Deployment/legacy-admin');
    expect(plan?.policy.spec).toEqual({ podSelector: { matchLabels: { app: 'legacy-admin' } }, policyTypes: ['Ingress', 'Egress'] });
    expect(verification.summary.violations).toBe(0);
    expect(report.idleWorkloads.find((entry) => entry.workload === 'shop/Deployment/legacy-admin')).toMatchObject({ reason: 'no-traffic', policy: 'palisade-legacy-admin' });
    // Every workload of shop now has a policy isolating both directions: the default deny may follow (rule 18).
    expect(result.policies.filter((candidate) => candidate.namespace === 'shop').map((candidate) => candidate.name)).toEqual(['palisade-db', 'palisade-legacy-admin', 'palisade-web', 'palisade-default-deny']);
    // Nothing in kube-system (rule 17).
    expect(result.policies.some((candidate) => candidate.namespace === 'kube-system')).toBe(false);
  });

  it('--isolate-idle leaves a workload open when the baseline spans less than --min-window: too short to call it idle', () => {
    const { result, report } = run([flow(pod('shop', 'web'), pod('shop', 'db'), 5432), flow(pod('shop', 'web'), pod('shop', 'db'), 5432, { time: T0 + 3_600_000 })], { isolateIdle: true });
    expect(result.policies.map((plan) => plan.name)).toEqual(['palisade-db', 'palisade-web']);
    expect(report.idleWorkloads.find((entry) => entry.workload === 'shop/Deployment/legacy-admin')).toMatchObject({
      reason: 'window-too-short',
      message: "no traffic was observed in the baseline's 1h, but the baseline covers 1h, less than --min-window 24h: too short to call it idle, so --isolate-idle leaves it open",
    });
  });
});

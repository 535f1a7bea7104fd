import { describe, expect, it } from 'vitest';
import { foldFlows } from '@palisade/baseliner';
import { verifySynthesis } from './self-verification.js';
import { synthesisOptions } from '../synthesis/synthesis-options.js';
import { synthesizePolicies } from '../synthesis/policy-synthesis.js';
import { address, longFlow, pod } from '../synthesis/testing/synthesis-fixtures.js';

const web = pod('shop', 'web');
const api = pod('shop', 'api');
const db = pod('data', 'db', { app: 'db' }, 'StatefulSet');
const flows = [...longFlow(web, api, 8080), ...longFlow(api, db, 5432), ...longFlow(address('world', '203.0.113.9'), web, 8443), ...longFlow(api, address('world', '198.51.100.7'), 443)];
const baseline = foldFlows(flows).baseline;
const policies = synthesizePolicies({ baseline, options: synthesisOptions() }).policies.map((plan) => plan.policy);

describe('rule 19: self-verification', () => {
  it('allows every observed edge under the synthesised policies and counts the pairs now denied', () => {
    const { summary, violations } = verifySynthesis({ baseline, policies, includeDenied: false });
    expect(violations).toEqual([]);
    expect(summary).toMatchObject({ edgesChecked: 4, edgesAllowed: 4, violations: 0, unobservedPairsDenied: 4, unobservedPairsPartlyDenied: 0, unobservedPairsAllowed: 0, unobservedPairsUnjudged: 0 });
    // The pairs are listed per destination: web and api were never observed calling db or each other backwards.
    expect(summary.unobservedPairs.workloads).toEqual(['data/StatefulSet/db', 'shop/Deployment/api', 'shop/Deployment/web']);
    expect(summary.unobservedPairs.byDestination.map((entry) => [entry.destination, entry.observedSources, entry.deniedSources])).toEqual([
      ['data/StatefulSet/db', ['shop/Deployment/api'], 1],
      ['shop/Deployment/api', ['shop/Deployment/web'], 1],
      ['shop/Deployment/web', [], 2],
    ]);
  });

  it('finds the observed edge a policy would deny, and which side denies it', () => {
    const broken = policies.map((policy) =>
      policy.metadata?.name === 'palisade-api' ? { ...policy, spec: { ...policy.spec, podSelector: policy.spec?.podSelector ?? {}, ingress: [] } } : policy,
    );
    const { summary, violations } = verifySynthesis({ baseline, policies: broken, includeDenied: false });
    expect(summary.violations).toBe(1);
    expect(violations[0]).toMatchObject({ source: 'shop/Deployment/web', destination: 'shop/Deployment/api', protocol: 'TCP', port: 8080, deniedBy: 'ingress', isolatedBy: ['shop/palisade-api'] });
  });
});

import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { clusterStateFromObjects, ingest } from '@palisade/collector';
import { foldFlows } from '@palisade/baseliner';
import { policyToYaml } from '../render/policy-yaml.js';
import { synthesisOptions } from './synthesis-options.js';
import { synthesizePolicies } from './policy-synthesis.js';

/**
 * YAML snapshots of the policies synthesised for the bundled demo cluster (12 workloads in three
 * namespaces: internet-facing frontend, external payment API, API-server operator, CronJob,
 * DaemonSet, StatefulSet, NodePort). A change to synthesis shows up here as a readable YAML diff.
 */
describe('policies for the demo cluster', async () => {
  const root = process.cwd();
  const cluster = clusterStateFromObjects(yaml.loadAll(await readFile(resolve(root, 'demo/cluster.yaml'), 'utf8')));
  const { flows } = await ingest([resolve(root, 'demo/hubble-flows.jsonl')], { clusterState: cluster });
  const result = synthesizePolicies({ baseline: foldFlows(flows).baseline, cluster, options: synthesisOptions({ defaultDeny: true }) });

  it.each(result.policies.map((plan) => [`${plan.namespace}/${plan.name}`, plan] as const))('%s', async (path, plan) => {
    await expect(policyToYaml(plan.policy)).toMatchFileSnapshot(`__snapshots__/demo/${path}.yaml`);
  });
});

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { palisade, readTree, sharedFlow, tempDir } from './testing/cli-harness.js';

vi.setConfig({ testTimeout: 60_000 });

/**
 * A `--cluster` file without workloads is accepted with a warning, and without cluster state
 * release labels (`version: v1.8.2`) stay out of selectors, which would match no pod after the next
 * rollout (issue 11, item 29).
 */

const BOOKINFO = sharedFlow('hubble/hubble-otel__basic-sample-400-tcp-flows.json');

let out: { path: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  out = await tempDir();
});
afterEach(async () => {
  await out.cleanup();
});

type Selector = { matchLabels?: Record<string, string> };
const selectors = async (directory: string) => {
  const tree = await readTree(directory);
  return Object.fromEntries(
    Object.entries(tree)
      .filter(([file]) => file.endsWith('.yaml'))
      .map(([file, text]) => [file, (yaml.load(text) as { spec: { podSelector: Selector } }).spec.podSelector.matchLabels ?? {}]),
  );
};

describe('generate without cluster state', () => {
  it.each([
    ['an empty file', ''],
    ['a file with only a ConfigMap', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: bookinfo\ndata:\n  a: b\n'],
  ])('warns when --cluster is %s, and goes on', async (_name, content) => {
    const cluster = join(out.path, 'cluster.yaml');
    await writeFile(cluster, content);
    const run = await palisade(['generate', '--flows', BOOKINFO, '--cluster', cluster, '--out', join(out.path, 'out')]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe(
      `palisade: warning: --cluster ${cluster} holds no workloads (no Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job or CronJob): selectors come from flow labels, without release labels such as version; export the workloads too (kubectl get pods,deployments,statefulsets,daemonsets,replicasets,jobs,cronjobs -A -o yaml)\n`,
    );
  });

  it('leaves version labels out of selectors unless they tell workloads apart', async () => {
    const run = await palisade(['generate', '--flows', BOOKINFO, '--out', out.path]);
    expect(run.code, run.stderr).toBe(0);
    const chosen = await selectors(out.path);
    for (const [file, app] of [['productpage-v1', 'productpage'], ['details-v1', 'details'], ['ratings-v1', 'ratings']]) {
      expect(chosen[`bookinfo/palisade-${file}.yaml`]).toMatchObject({ app });
      expect(chosen[`bookinfo/palisade-${file}.yaml`]).not.toHaveProperty('version');
    }
    // reviews-v1, -v2 and -v3 share app: reviews: only the version tells them apart.
    expect(chosen['bookinfo/palisade-reviews-v2.yaml']).toMatchObject({ app: 'reviews', version: 'v2' });
  });

  it('leaves a version-looking value out too (version: v1.8.2 under another key)', async () => {
    const text = (await readFile(BOOKINFO, 'utf8')).replaceAll('k8s:app=details', 'k8s:app=details","k8s:release=v1.8.2');
    const flows = join(out.path, 'flows.json');
    await writeFile(flows, text);
    const run = await palisade(['generate', '--flows', flows, '--out', join(out.path, 'out')]);
    expect(run.code, run.stderr).toBe(0);
    const details = (await selectors(join(out.path, 'out')))['bookinfo/palisade-details-v1.yaml'];
    expect(details).toMatchObject({ app: 'details' });
    expect(Object.keys(details ?? {})).not.toContain('release');
    expect(Object.keys(details ?? {})).not.toContain('version');
  });
});

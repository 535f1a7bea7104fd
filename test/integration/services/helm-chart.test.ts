import { fileURLToPath } from 'node:url';
import { loadAll } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../helpers/command.js';
import { freshNamespace, loadTestKubeConfig } from '../../helpers/kubernetes.js';
import { requireEnv } from '../../helpers/service-env.js';

const chart = fileURLToPath(new URL('../../env/helm-smoke', import.meta.url));

/** Renders the smoke chart into `namespace`, failing the test if helm does. */
async function renderChart(namespace: string, extraArgs: readonly string[] = []): Promise<string> {
  const kubeVersion = requireEnv('PALISADE_K8S_VERSION');
  const rendered = await runCommand(requireEnv('HELM'), [
    'template', 'smoke', chart, '--namespace', namespace, '--kube-version', kubeVersion, ...extraArgs,
  ]);
  expect(rendered.stderr).toBe('');
  expect(rendered.exitCode).toBe(0);
  return rendered.stdout;
}

describe('Helm chart tooling (helm and kubectl against the real API server)', () => {
  it('lints the chart strictly', async () => {
    const lint = await runCommand(requireEnv('HELM'), ['lint', '--strict', chart]);
    expect(lint.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
    expect(lint.exitCode).toBe(0);
  });

  it('renders the chart and has the API server validate it with a server-side dry run', async () => {
    const namespace = await freshNamespace(loadTestKubeConfig());
    const manifests = await renderChart(namespace);
    const kinds = loadAll(manifests).map((object) => (object as { kind?: unknown }).kind);
    expect(kinds.sort()).toEqual(['Deployment', 'NetworkPolicy', 'Service']);

    const kubectl = requireEnv('KUBECTL');
    const applied = await runCommand(kubectl, ['apply', '--dry-run=server', '--namespace', namespace, '-f', '-'], {
      input: manifests,
    });
    expect(applied.stderr).toBe('');
    expect(applied.exitCode).toBe(0);
    expect(applied.stdout.trim().split('\n').sort()).toEqual([
      'deployment.apps/smoke-helm-smoke created (server dry run)',
      'networkpolicy.networking.k8s.io/smoke-helm-smoke created (server dry run)',
      'service/smoke-helm-smoke created (server dry run)',
    ]);
    const stored = await runCommand(kubectl, ['get', 'deployments,services,networkpolicies', '--namespace', namespace, '-o', 'name']);
    expect(stored.exitCode).toBe(0);
    expect(stored.stdout).toBe('');
  });

  it('has the dry run refuse a rendering that the API server would not accept', async () => {
    const namespace = await freshNamespace(loadTestKubeConfig());
    const manifests = await renderChart(namespace, ['--set', 'port=70000']);

    const applied = await runCommand(requireEnv('KUBECTL'), ['apply', '--dry-run=server', '--namespace', namespace, '-f', '-'], {
      input: manifests,
    });
    expect(applied.exitCode).not.toBe(0);
    expect(applied.stderr).toMatch(/spec\.template\.spec\.containers\[0\]\.ports\[0\]\.containerPort: Invalid value: 70000/);
  });
});

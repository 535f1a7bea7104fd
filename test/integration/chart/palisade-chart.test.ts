import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { loadAll } from 'js-yaml';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runCommand } from '../../helpers/command.js';
import { freshNamespace, loadTestKubeConfig } from '../../helpers/kubernetes.js';
import { requireEnv } from '../../helpers/service-env.js';

/**
 * The Palisade Helm chart (charts/palisade): rendered by the real helm for each mode, validated by
 * the test kube-apiserver with a server-side dry run, and checked for what the chart promises:
 * least-privilege RBAC, secrets referenced rather than inlined, hardened pods, the exporter's
 * directory mounted read-only.
 */

const chart = fileURLToPath(new URL('../../../charts/palisade', import.meta.url));

/** The parts of a rendered object the assertions read. */
interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly labels?: Record<string, string> };
  readonly rules?: readonly PolicyRule[];
  readonly spec?: Record<string, unknown>;
  readonly [field: string]: unknown;
}

interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { readonly secretKeyRef?: { readonly name: string; readonly key: string } };
}

interface Container {
  readonly name: string;
  readonly args?: readonly string[];
  readonly command?: readonly string[];
  readonly env?: readonly EnvVar[];
  readonly securityContext?: Record<string, unknown>;
  readonly volumeMounts?: readonly { readonly name: string; readonly mountPath: string; readonly readOnly?: boolean }[];
  readonly livenessProbe?: { readonly httpGet?: { readonly path: string } };
}

interface PodSpec {
  readonly automountServiceAccountToken?: boolean;
  readonly securityContext?: Record<string, unknown>;
  readonly containers: readonly Container[];
  readonly initContainers?: readonly Container[];
  readonly tolerations?: readonly Record<string, unknown>[];
  readonly volumes?: readonly { readonly name: string; readonly hostPath?: { readonly path: string; readonly type?: string } }[];
}

/** Values of a working install in the tests: the user's Kafka and Redis. */
const SERVICES = ['--set', 'kafka.brokers=kafka-0.kafka:9092', '--set', 'redis.url=redis://redis:6379'] as const;
const PR_MODE = [
  '--set', 'refresh.then=pr',
  '--set', 'refresh.pr.repository=acme/gitops',
  '--set', 'refresh.pr.path=clusters/prod/netpol',
  '--set', 'refresh.pr.tokenSecret.name=palisade-github',
] as const;
const NETWORK_POLICIES = [
  '--set', 'networkPolicy.enabled=true',
  '--set', 'networkPolicy.kafka.to[0].ipBlock.cidr=10.20.0.0/24',
  '--set', 'networkPolicy.redis.to[0].ipBlock.cidr=10.20.1.0/24',
  '--set', 'networkPolicy.apiServer.to[0].ipBlock.cidr=10.96.0.1/32',
] as const;

/** `helm template` of the chart; the result of helm, failing or not. */
async function template(namespace: string, args: readonly string[], release = 'palisade') {
  return runCommand(requireEnv('HELM'), [
    'template', release, chart, '--namespace', namespace, '--kube-version', requireEnv('PALISADE_K8S_VERSION'), ...args,
  ]);
}

/** Renders the chart, failing the test if helm does. */
async function render(namespace: string, args: readonly string[], release = 'palisade'): Promise<{ text: string; objects: Manifest[] }> {
  const rendered = await template(namespace, args, release);
  expect(rendered.stderr).toBe('');
  expect(rendered.exitCode).toBe(0);
  const objects = loadAll(rendered.stdout).filter((object): object is Manifest => object !== null && typeof object === 'object');
  return { text: rendered.stdout, objects };
}

/**
 * Has the test API server validate every object with a server-side dry run; nothing is stored.
 * Every namespaced object of the chart names its namespace, so kubectl is given none.
 */
async function dryRun(manifests: string): Promise<string[]> {
  const applied = await runCommand(requireEnv('KUBECTL'), ['apply', '--dry-run=server', '-f', '-'], { input: manifests });
  expect(applied.stderr).toBe('');
  expect(applied.exitCode).toBe(0);
  return applied.stdout.trim().split('\n').sort();
}

function find(objects: readonly Manifest[], kind: string, component: string): Manifest {
  const found = objects.find((object) => object.kind === kind && object.metadata.labels?.['app.kubernetes.io/component'] === component);
  if (found === undefined) throw new Error(`no ${kind} of component ${component} in the rendering`);
  return found;
}

function podSpec(workload: Manifest): PodSpec {
  const spec = workload.spec as { template?: { spec: PodSpec }; jobTemplate?: { spec: { template: { spec: PodSpec } } } };
  const pod = spec.template?.spec ?? spec.jobTemplate?.spec.template.spec;
  if (pod === undefined) throw new Error(`${workload.kind} ${workload.metadata.name} has no pod template`);
  return pod;
}

function container(workload: Manifest, name: string): Container {
  const found = podSpec(workload).containers.find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`${workload.kind} ${workload.metadata.name} has no container ${name}`);
  return found;
}

function env(of: Container, name: string): EnvVar | undefined {
  return of.env?.find((variable) => variable.name === name);
}

/** Every RBAC rule of the rendering, with the kind that grants it. */
function rules(objects: readonly Manifest[], component: string): PolicyRule[] {
  return objects
    .filter((object) => (object.kind === 'ClusterRole' || object.kind === 'Role') && object.metadata.labels?.['app.kubernetes.io/component'] === component)
    .flatMap((object) => object.rules ?? []);
}

function verbsOn(objects: readonly Manifest[], component: string, resource: string): string[] {
  return [...new Set(rules(objects, component).filter((rule) => rule.resources.includes(resource)).flatMap((rule) => rule.verbs))].sort();
}

/** The hardening every Palisade container carries. */
function expectHardened(of: Container): void {
  expect(of.securityContext).toMatchObject({
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  });
}

describe('Palisade Helm chart (helm and kubectl against the real API server)', () => {
  it('lints strictly, with the default values and with every mode switched on', async () => {
    for (const args of [[], [...SERVICES, '--set', 'collector.mode=kafka', ...PR_MODE, ...NETWORK_POLICIES]]) {
      const lint = await runCommand(requireEnv('HELM'), ['lint', '--strict', chart, ...args]);
      expect(lint.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
      expect(lint.exitCode).toBe(0);
    }
  });

  it('renders the default values: a collector DaemonSet on the exporter file, the baseliner, a read-only refresh', async () => {
    const namespace = await freshNamespace(loadTestKubeConfig());
    const { text, objects } = await render(namespace, []);
    expect(objects.map((object) => object.kind).sort()).toEqual([
      'ClusterRole', 'ClusterRole', 'ClusterRoleBinding', 'ClusterRoleBinding', 'ConfigMap', 'CronJob', 'DaemonSet', 'Deployment',
      'ServiceAccount', 'ServiceAccount', 'ServiceAccount',
    ]);
    expect(await dryRun(text)).toEqual([
      'clusterrole.rbac.authorization.k8s.io/palisade-collector created (server dry run)',
      'clusterrole.rbac.authorization.k8s.io/palisade-refresh created (server dry run)',
      'clusterrolebinding.rbac.authorization.k8s.io/palisade-collector created (server dry run)',
      'clusterrolebinding.rbac.authorization.k8s.io/palisade-refresh created (server dry run)',
      'configmap/palisade-refresh-kubeconfig created (server dry run)',
      'cronjob.batch/palisade-refresh created (server dry run)',
      'daemonset.apps/palisade-collector created (server dry run)',
      'deployment.apps/palisade-baseliner created (server dry run)',
      'serviceaccount/palisade-baseliner created (server dry run)',
      'serviceaccount/palisade-collector created (server dry run)',
      'serviceaccount/palisade-refresh created (server dry run)',
    ]);

    const daemonSet = find(objects, 'DaemonSet', 'collector');
    const collector = container(daemonSet, 'collector');
    expect(collector.args).toEqual(['collect', '--in-cluster']);
    expect(env(collector, 'PALISADE_SOURCE')?.value).toBe('follow:/var/run/cilium/hubble/events.log');
    expect(collector.volumeMounts).toContainEqual({ name: 'hubble-export', mountPath: '/var/run/cilium/hubble', readOnly: true });
    expect(podSpec(daemonSet).volumes).toContainEqual({ name: 'hubble-export', hostPath: { path: '/var/run/cilium/hubble', type: 'Directory' } });
    // The follow checkpoint outlives the pod: on the node, not in the container.
    expect(env(collector, 'PALISADE_STATE_DIR')?.value).toBe('/var/lib/palisade/collector');
    expect(podSpec(daemonSet).volumes).toContainEqual({ name: 'state', hostPath: { path: '/var/lib/palisade/collector', type: 'DirectoryOrCreate' } });
    expect(podSpec(daemonSet).tolerations).toEqual([{ operator: 'Exists' }]);
    expect(collector.livenessProbe?.httpGet?.path).toBe('/healthz');
    expectHardened(collector);

    const baseliner = find(objects, 'Deployment', 'baseliner');
    expect(container(baseliner, 'baseliner').args).toEqual(['baseline', 'run']);
    expect(podSpec(baseliner).automountServiceAccountToken).toBe(false);
    expect(podSpec(baseliner).securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expectHardened(container(baseliner, 'baseliner'));
    expect(rules(objects, 'baseliner')).toEqual([]);

    const cronJob = find(objects, 'CronJob', 'refresh');
    expect(container(cronJob, 'refresh').args).toEqual(['--kubeconfig', '/etc/palisade/kubeconfig/kubeconfig', '--then', 'diff']);
    expectHardened(container(cronJob, 'refresh'));
    expect(podSpec(cronJob).securityContext).toMatchObject({ runAsNonRoot: true });
    expect(verbsOn(objects, 'refresh', 'networkpolicies')).toEqual(['list']);
  });

  it('grants the collector only get/list/watch on what its cluster watch reads, and nothing anywhere a wildcard', async () => {
    const namespace = await freshNamespace(loadTestKubeConfig());
    const { objects } = await render(namespace, [...SERVICES, ...PR_MODE, '--set', 'refresh.then=apply']);
    expect(rules(objects, 'collector')).toEqual([
      { apiGroups: [''], resources: ['pods', 'services'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['batch'], resources: ['jobs'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
    ]);
    for (const rule of [...rules(objects, 'collector'), ...rules(objects, 'refresh')]) {
      expect(rule.verbs).not.toContain('*');
      expect(rule.resources).not.toContain('*');
      expect(rule.apiGroups).not.toContain('*');
      expect(rule.resources).not.toContain('secrets');
    }
  });

  it.each([
    ['diff', ['list']],
    ['pr', ['list']],
    ['apply', ['create', 'delete', 'list', 'patch']],
  ] as const)('gives the refresh in %s mode the verbs %j on NetworkPolicies', async (mode, verbs) => {
    const namespace = await freshNamespace(loadTestKubeConfig());
    const { text, objects } = await render(namespace, [...SERVICES, ...PR_MODE, '--set', `refresh.then=${mode}`]);
    expect(verbsOn(objects, 'refresh', 'networkpolicies')).toEqual(verbs);
    for (const resource of ['namespaces', 'pods', 'services', 'endpointslices', 'deployments', 'replicasets', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs']) {
      expect(verbsOn(objects, 'refresh', resource)).toEqual(['list']);
    }
    const refresh = container(find(objects, 'CronJob', 'refresh'), 'refresh');
    expect(refresh.args).toContain(mode);
    expect(env(refresh, 'PALISADE_MAX_CHANGES') !== undefined).toBe(mode === 'apply');
    expect(await dryRun(text)).toContain('cronjob.batch/palisade-refresh created (server dry run)');
  });

  it('narrows the refresh to Roles in the namespaces it is limited to, listing only namespaces cluster-wide', async () => {
    const kubeConfig = loadTestKubeConfig();
    const [namespace, shop, billing] = await Promise.all([freshNamespace(kubeConfig), freshNamespace(kubeConfig), freshNamespace(kubeConfig)]);
    const { text, objects } = await render(namespace, [...SERVICES, '--set', 'refresh.then=apply', '--set', `refresh.namespaces={${shop},${billing}}`]);
    const clusterRole = objects.find((object) => object.kind === 'ClusterRole' && object.metadata.name === 'palisade-refresh');
    expect(clusterRole?.rules).toEqual([{ apiGroups: [''], resources: ['namespaces'], verbs: ['list'] }]);
    const roles = objects.filter((object) => object.kind === 'Role');
    expect(roles.map((role) => (role.metadata as { namespace?: string }).namespace).sort()).toEqual([shop, billing].sort());
    expect(verbsOn(roles, 'refresh', 'networkpolicies')).toEqual(['create', 'delete', 'list', 'patch']);
    const args = container(find(objects, 'CronJob', 'refresh'), 'refresh').args ?? [];
    expect(args.flatMap((arg, index) => (arg === '--namespace' ? [args[index + 1]] : []))).toEqual([shop, billing]);
    expect(await dryRun(text)).toEqual(
      expect.arrayContaining([
        'role.rbac.authorization.k8s.io/palisade-refresh created (server dry run)',
        'rolebinding.rbac.authorization.k8s.io/palisade-refresh created (server dry run)',
      ]),
    );
  });

  it('lets the refresh service account of apply mode write NetworkPolicies, and that of pr mode only read', async () => {
    const kubectl = requireEnv('KUBECTL');
    for (const mode of ['apply', 'pr'] as const) {
      const namespace = await freshNamespace(loadTestKubeConfig());
      // Cluster-scoped RBAC objects carry the release name: a fresh one per test keeps them apart.
      const release = `p${randomUUID().slice(0, 8)}`;
      const { text } = await render(namespace, [...SERVICES, ...PR_MODE, '--set', `refresh.then=${mode}`], release);
      const created = await runCommand(kubectl, ['apply', '--namespace', namespace, '-f', '-'], { input: text });
      expect(created.stderr).toBe('');
      expect(created.exitCode).toBe(0);
      onTestFinished(async () => {
        await runCommand(kubectl, ['delete', 'clusterrole,clusterrolebinding', '-l', `app.kubernetes.io/instance=${release}`]);
      });
      const serviceAccount = `system:serviceaccount:${namespace}:${release}-palisade-refresh`;
      const canI = async (verb: string, resource: string) =>
        (await runCommand(kubectl, ['auth', 'can-i', verb, resource, '--namespace', 'default', '--as', serviceAccount])).stdout.trim();
      expect(await canI('list', 'networkpolicies.networking.k8s.io')).toBe('yes');
      expect(await canI('list', 'namespaces')).toBe('yes');
      expect(await canI('patch', 'networkpolicies.networking.k8s.io')).toBe(mode === 'apply' ? 'yes' : 'no');
      expect(await canI('delete', 'networkpolicies.networking.k8s.io')).toBe(mode === 'apply' ? 'yes' : 'no');
      expect(await canI('get', 'secrets')).toBe('no');
      expect(await canI('delete', 'pods')).toBe('no');
    }
  });

  it('runs the pr mode from a fresh clone, with the GitHub token only referenced from its Secret', async () => {
    const namespace = await freshNamespace(loadTestKubeConfig());
    const { text, objects } = await render(namespace, [...SERVICES, ...PR_MODE]);
    const cronJob = find(objects, 'CronJob', 'refresh');
    const refresh = container(cronJob, 'refresh');
    expect(env(refresh, 'GITHUB_TOKEN')).toEqual({ name: 'GITHUB_TOKEN', valueFrom: { secretKeyRef: { name: 'palisade-github', key: 'token' } } });
    expect(env(refresh, 'PALISADE_GITHUB_REPOSITORY')?.value).toBe('acme/gitops');
    expect(env(refresh, 'PALISADE_GIT_PATH')?.value).toBe('clusters/prod/netpol');
    const clone = podSpec(cronJob).initContainers?.[0];
    expect(clone?.command).toEqual(['git']);
    expect(clone?.args).toContain('https://github.com/acme/gitops.git');
    expect(clone && env(clone, 'GITHUB_TOKEN')?.valueFrom?.secretKeyRef?.name).toBe('palisade-github');
    if (clone) expectHardened(clone);
    expect(await dryRun(text)).toContain('cronjob.batch/palisade-refresh created (server dry run)');

    const missing = await template(namespace, [...SERVICES, '--set', 'refresh.then=pr', '--set', 'refresh.pr.repository=acme/gitops', '--set', 'refresh.pr.path=p']);
    expect(missing.exitCode).not.toBe(0);
    expect(missing.stderr).toContain('refresh.pr.tokenSecret.name is empty');
  });

  it('switches the collector to a Deployment reading a Kafka topic, without host mounts', async () => {
    const namespace = await freshNamespace(loadTestKubeConfig());
    const { text, objects } = await render(namespace, [...SERVICES, '--set', 'collector.mode=kafka', '--set', 'collector.kafka.sourceTopic=netobserv-flows', '--set', 'collector.format=netobserv']);
    expect(objects.some((object) => object.kind === 'DaemonSet')).toBe(false);
    const deployment = find(objects, 'Deployment', 'collector');
    const collector = container(deployment, 'collector');
    expect(env(collector, 'PALISADE_SOURCE')?.value).toBe('kafka:netobserv-flows');
    expect(env(collector, 'PALISADE_FORMAT')?.value).toBe('netobserv');
    expect(podSpec(deployment).volumes?.some((volume) => volume.hostPath !== undefined)).toBe(false);
    expect(podSpec(deployment).securityContext).toMatchObject({ runAsNonRoot: true });
    expectHardened(collector);
    expect(await dryRun(text)).toContain('deployment.apps/palisade-collector created (server dry run)');
  });

  it('takes Kafka and Redis credentials from existing Secrets and refuses a password in values', async () => {
    const namespace = await freshNamespace(loadTestKubeConfig());
    const { text, objects } = await render(namespace, [
      ...SERVICES,
      '--set', 'kafka.tls.enabled=true', '--set', 'kafka.tls.caSecret.name=kafka-ca',
      '--set', 'kafka.sasl.mechanism=scram-sha-512', '--set', 'kafka.sasl.username=palisade',
      '--set', 'kafka.sasl.passwordSecret.name=kafka-user',
      '--set', 'redis.passwordSecret.name=redis-auth', '--set', 'redis.tls.enabled=true',
    ]);
    for (const [kind, component, name] of [['DaemonSet', 'collector', 'collector'], ['Deployment', 'baseliner', 'baseliner']] as const) {
      const service = container(find(objects, kind, component), name);
      expect(env(service, 'PALISADE_KAFKA_SASL_PASSWORD')).toEqual({ name: 'PALISADE_KAFKA_SASL_PASSWORD', valueFrom: { secretKeyRef: { name: 'kafka-user', key: 'password' } } });
      expect(env(service, 'PALISADE_KAFKA_CA_FILE')?.value).toBe('/etc/palisade/kafka-ca/ca.crt');
      expect(service.volumeMounts).toContainEqual({ name: 'kafka-ca', mountPath: '/etc/palisade/kafka-ca', readOnly: true });
    }
    const baseliner = container(find(objects, 'Deployment', 'baseliner'), 'baseliner');
    expect(env(baseliner, 'PALISADE_REDIS_PASSWORD')?.valueFrom?.secretKeyRef).toEqual({ name: 'redis-auth', key: 'password' });
    expect(env(container(find(objects, 'CronJob', 'refresh'), 'refresh'), 'PALISADE_REDIS_PASSWORD')?.valueFrom?.secretKeyRef?.name).toBe('redis-auth');
    expect(objects.some((object) => object.kind === 'Secret')).toBe(false);
    await dryRun(text);

    const inlined = await template(namespace, ['--set', 'redis.url=redis://palisade:hunter2@redis:6379']);
    expect(inlined.exitCode).not.toBe(0);
    expect(inlined.stderr).toContain('redis.url carries a password');
    expect(inlined.stdout).not.toContain('hunter2');
  });

  it('adds NetworkPolicies for its own pods only when asked, with egress only to DNS, Kafka, Redis and the API server', async () => {
    const namespace = await freshNamespace(loadTestKubeConfig());
    const off = await render(namespace, [...SERVICES]);
    expect(off.objects.some((object) => object.kind === 'NetworkPolicy')).toBe(false);

    const { text, objects } = await render(namespace, [...SERVICES, ...NETWORK_POLICIES]);
    const policies = objects.filter((object) => object.kind === 'NetworkPolicy');
    expect(policies.map((policy) => policy.metadata.name).sort()).toEqual(['palisade-baseliner', 'palisade-collector', 'palisade-refresh']);
    const cidrs = (component: string) => {
      const spec = find(objects, 'NetworkPolicy', component).spec as { egress: { to: { ipBlock?: { cidr: string } }[] }[] };
      return spec.egress.flatMap((rule) => rule.to.flatMap((peer) => (peer.ipBlock ? [peer.ipBlock.cidr] : [])));
    };
    expect(cidrs('collector')).toEqual(['10.20.0.0/24', '10.96.0.1/32']);
    expect(cidrs('baseliner')).toEqual(['10.20.0.0/24', '10.20.1.0/24']);
    expect(cidrs('refresh')).toEqual(['10.20.1.0/24', '10.96.0.1/32']);
    expect(await dryRun(text)).toEqual(
      expect.arrayContaining([
        'networkpolicy.networking.k8s.io/palisade-baseliner created (server dry run)',
        'networkpolicy.networking.k8s.io/palisade-collector created (server dry run)',
        'networkpolicy.networking.k8s.io/palisade-refresh created (server dry run)',
      ]),
    );

    const open = await template(namespace, [...SERVICES, '--set', 'networkPolicy.enabled=true']);
    expect(open.exitCode).not.toBe(0);
    expect(open.stderr).toContain('networkPolicy.kafka.to is empty');
  });

  it('refuses more baseliner replicas than partitions, and renders a ServiceMonitor on request', async () => {
    const namespace = await freshNamespace(loadTestKubeConfig());
    const tooMany = await template(namespace, [...SERVICES, '--set', 'baseliner.replicas=7', '--set', 'kafka.topics.partitions=6']);
    expect(tooMany.exitCode).not.toBe(0);
    expect(tooMany.stderr).toContain('baseliner.replicas 7 exceeds kafka.topics.partitions 6');

    const { objects } = await render(namespace, [...SERVICES, '--set', 'metrics.serviceMonitor.enabled=true', '--set', 'metrics.podAnnotations=false']);
    expect(objects.filter((object) => object.kind === 'ServiceMonitor').map((object) => object.metadata.name).sort()).toEqual(['palisade-baseliner', 'palisade-collector']);
    // The test API server has no Prometheus Operator CRDs; the Services it can validate.
    const services = objects.filter((object) => object.kind === 'Service');
    expect(services).toHaveLength(2);
    const text = services.map((service) => JSON.stringify(service)).join('\n');
    expect(await dryRun(text)).toEqual([
      'service/palisade-baseliner-metrics created (server dry run)',
      'service/palisade-collector-metrics created (server dry run)',
    ]);
  });
});

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import yaml from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import type { V1NetworkPolicy } from '@kubernetes/client-node';
import { clusterStateFromObjects } from '@palisade/collector';
import { evaluate, evaluationModelFromClusterState, podEndpoint } from '@palisade/generator';
import type { EvaluationModel } from '@palisade/generator';
import { observedHubbleLines, syntheticCluster } from '../../fixtures/synthetic-cluster.js';

/**
 * np-guard's netpol-analyzer (built by `services.sh install`, path in NETPOL_ANALYZER) as an
 * independent oracle (issue 11, item 14): for the demo and for generated scenarios, `palisade
 * generate` writes policies, the analyzer lists what they allow, and
 * - every observed workload-to-workload edge is allowed by the analyzer, and
 * - for every ordered pair of workloads and every probed port (each declared container port, each
 *   port a policy names, and a few no policy names) on TCP and UDP, the analyzer and Palisade's
 *   evaluator agree. Pod-to-pod only: own-node traffic, which the API always allows, is not modelled
 *   by the analyzer, and the world's ranges are left to the semantic-diff tests.
 */

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ANALYZER = process.env.NETPOL_ANALYZER;
const ROOT_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob']);
const EXTRA_PORTS = [1, 9999, 65535];

const scratch: string[] = [];
afterAll(async () => {
  for (const dir of scratch) await rm(dir, { recursive: true, force: true });
});

/** Port ranges per protocol of one analyzer `conn` string (`All Connections`, `TCP 53,UDP 53`, `TCP 1-79,81-65535`). */
function parseConnections(conn: string): Map<string, [number, number][]> {
  const allowed = new Map<string, [number, number][]>();
  if (conn === 'All Connections') {
    for (const protocol of ['TCP', 'UDP', 'SCTP']) allowed.set(protocol, [[1, 65535]]);
    return allowed;
  }
  for (const match of conn.matchAll(/(TCP|UDP|SCTP) ([0-9,-]+)/g)) {
    const ranges = (match[2] ?? '').split(',').map((part): [number, number] => {
      const [low, high] = part.split('-').map(Number);
      return [low as number, high ?? (low as number)];
    });
    allowed.set(match[1] as string, [...(allowed.get(match[1] as string) ?? []), ...ranges]);
  }
  return allowed;
}

/** `ns/name[Kind]` → `ns/Kind/name`, for root workloads only. */
function workloadIdOf(analyzerName: string): string | undefined {
  const match = /^([^/]+)\/(.+)\[([A-Za-z]+)\]$/.exec(analyzerName);
  if (match === null || !ROOT_KINDS.has(match[3] as string)) return undefined;
  return `${match[1]}/${match[3]}/${match[2]}`;
}

interface Oracle {
  allows(source: string, destination: string, protocol: string, port: number): boolean;
}

async function analyze(clusterFile: string, policyFiles: readonly string[]): Promise<Oracle> {
  if (ANALYZER === undefined || !existsSync(ANALYZER)) {
    throw new Error(`netpol-analyzer not found (NETPOL_ANALYZER=${ANALYZER ?? 'unset'}): run bash test/env/services.sh install`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'palisade-netpol-'));
  scratch.push(dir);
  await copyFile(clusterFile, join(dir, 'cluster.yaml'));
  await Promise.all(policyFiles.map((file, index) => copyFile(file, join(dir, `policy-${index}.yaml`))));
  const { stdout } = await run(ANALYZER, ['list', '--dirpath', dir, '-o', 'json', '-q'], { maxBuffer: 256 * 1024 * 1024 });
  const connections = new Map<string, Map<string, [number, number][]>>();
  for (const entry of JSON.parse(stdout) as { src: string; dst: string; conn: string }[]) {
    const source = workloadIdOf(entry.src);
    const destination = workloadIdOf(entry.dst);
    if (source !== undefined && destination !== undefined) connections.set(`${source}>${destination}`, parseConnections(entry.conn));
  }
  return {
    allows: (source, destination, protocol, port) =>
      (connections.get(`${source}>${destination}`)?.get(protocol) ?? []).some(([low, high]) => port >= low && port <= high),
  };
}

/** Runs `palisade generate` on the files and returns the policy files and report it wrote. */
async function generate(flows: string, cluster: string): Promise<{ policyFiles: string[]; report: Record<string, unknown> }> {
  const out = await mkdtemp(join(tmpdir(), 'palisade-generate-'));
  scratch.push(out);
  await run(
    process.execPath,
    ['--import', 'tsx', 'generator/src/cli/main.ts', 'generate', '--flows', flows, '--cluster', cluster, '--pod-cidr', '10.244.0.0/16', '--service-cidr', '10.96.0.0/12', '--out', out],
    { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
  );
  const policyFiles: string[] = [];
  for (const entry of await readdir(out, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.yaml')) policyFiles.push(join(entry.parentPath, entry.name));
  }
  return { policyFiles, report: JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as Record<string, unknown> };
}

/** Every observed edge between two different workloads in the report's rule evidence (the analyzer lists no workload to itself). */
function observedEdges(report: Record<string, unknown>): { source: string; destination: string; protocol: string; port: number }[] {
  const policies = (report.policies ?? []) as { rules: { edges: { source: string; destination: string; protocol: string; port?: number }[] }[] }[];
  const isWorkload = (id: string) => id.split('/').length === 3;
  return policies
    .flatMap((policy) => policy.rules.flatMap((rule) => rule.edges))
    .flatMap((edge) =>
      edge.port !== undefined && edge.source !== edge.destination && isWorkload(edge.source) && isWorkload(edge.destination) ? [{ ...edge, port: edge.port }] : [],
    );
}

/** Allowed for the evaluator when every pod of the source may reach every pod of the destination. */
function evaluatorAllows(model: EvaluationModel, source: string, destination: string, protocol: 'TCP' | 'UDP', port: number): boolean | 'mixed' {
  const pods = (id: string) => model.podsByWorkload.get(id) ?? [];
  const verdicts = new Set<boolean>();
  for (const from of pods(source))
    for (const to of pods(destination)) {
      const a = podEndpoint(model, from.namespace, from.name);
      const b = podEndpoint(model, to.namespace, to.name);
      if (a === undefined || b === undefined) continue;
      verdicts.add(evaluate(model, { source: a, destination: b, protocol, port }).allowed);
    }
  return verdicts.size === 2 ? 'mixed' : verdicts.has(true);
}

async function compare(flows: string, clusterFile: string): Promise<{ pairs: number; observed: number }> {
  const { policyFiles, report } = await generate(flows, clusterFile);
  expect(policyFiles.length).toBeGreaterThan(0);
  const oracle = await analyze(clusterFile, policyFiles);

  const observed = observedEdges(report);
  expect(observed.length).toBeGreaterThan(0);
  const deniedObserved = observed.filter((edge) => !oracle.allows(edge.source, edge.destination, edge.protocol, edge.port));
  expect(deniedObserved).toEqual([]);

  const objects = yaml.loadAll(await readFile(clusterFile, 'utf8')).filter((doc): doc is Record<string, unknown> => typeof doc === 'object' && doc !== null);
  const policies = await Promise.all(policyFiles.map(async (file) => yaml.load(await readFile(file, 'utf8')) as V1NetworkPolicy));
  const model = evaluationModelFromClusterState(clusterStateFromObjects(objects), policies);
  const workloads = [...model.podsByWorkload.keys()].filter((id) => ROOT_KINDS.has(id.split('/')[1] as string)).sort();
  const ports = new Set<number>(EXTRA_PORTS);
  for (const pods of model.podsByWorkload.values()) for (const pod of pods) for (const declared of pod.containerPorts) ports.add(declared.port);
  for (const policy of policies)
    for (const rule of [...(policy.spec?.ingress ?? []), ...(policy.spec?.egress ?? [])])
      for (const entry of rule.ports ?? []) if (typeof entry.port === 'number') ports.add(entry.port);

  const disagreements: string[] = [];
  let pairs = 0;
  for (const source of workloads)
    for (const destination of workloads) {
      if (source === destination) continue;
      pairs++;
      for (const protocol of ['TCP', 'UDP'] as const)
        for (const port of ports) {
          const palisade = evaluatorAllows(model, source, destination, protocol, port);
          const analyzer = oracle.allows(source, destination, protocol, port);
          if (palisade !== analyzer) disagreements.push(`${source} → ${destination} ${protocol}/${port}: evaluator ${palisade}, analyzer ${analyzer}`);
        }
    }
  expect(disagreements).toEqual([]);
  return { pairs, observed: observed.length };
}

describe('netpol-analyzer agrees with palisade (issue 11, item 14)', () => {
  it('on the demo: every observed edge allowed, every workload pair and port the same', async () => {
    const result = await compare(join(ROOT, 'demo/hubble-flows.jsonl'), join(ROOT, 'demo/cluster.yaml'));
    expect(result.pairs).toBeGreaterThan(100);
  }, 180_000);

  it.each([1, 2])('on generated scenario %i: every observed edge allowed, every workload pair and port the same', async (seed) => {
    const cluster = syntheticCluster({ seed, workloads: 24, edges: 80, namespaces: 4 });
    const dir = await mkdtemp(join(tmpdir(), 'palisade-scenario-'));
    scratch.push(dir);
    await writeFile(join(dir, 'cluster.yaml'), cluster.manifests.map((object) => yaml.dump(object)).join('---\n'));
    await writeFile(join(dir, 'flows.jsonl'), `${observedHubbleLines(cluster).join('\n')}\n`);
    const result = await compare(join(dir, 'flows.jsonl'), join(dir, 'cluster.yaml'));
    expect(result.observed).toBeGreaterThan(20);
  }, 180_000);
});

/**
 * R8 (BENCHMARKS.md): the evaluator replays 1M flows against the policies for 5k workloads
 * (5,000 Deployments of two pods each over 50 namespaces). Every workload has its own
 * least-privilege policy: ingress from two workloads of its namespace and one of another, egress to
 * three workloads, DNS and one external range. Flows follow a Zipf mix over ~25k edges, 5% of
 * which no policy allows. Prints a Markdown table and writes generator/bench/results/r8.json. Target: the
 * 1M-flow replay under 10 s.
 *
 *   npx tsx generator/bench/r8-evaluator.ts [flows]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { V1NetworkPolicy } from '@kubernetes/client-node';
import type { Edge } from '@palisade/baseliner';
import type { Endpoint, Flow } from '@palisade/collector';
import type { EvaluationPod } from '../src/evaluator/policy-model.js';
import { createEvaluationModel } from '../src/evaluator/policy-model.js';
import { countUnobservedDeniedPairs, verifyFlows } from '../src/verify/verify.js';

const WORKLOADS = 5_000;
const NAMESPACES = 50;
const PODS_PER_WORKLOAD = 2;
const FLOWS = Number(process.argv[2] ?? 1_000_000);

/** xorshift32: the same synthetic cluster on every run. */
function prng(seed: number): () => number {
  let x = seed || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}
const rand = prng(8);
const pickInt = (n: number): number => Math.floor(rand() * n);

/** Index sampler with weight 1/(rank+1)^s, by inverse CDF over a prefix-sum table. */
function zipf(n: number, s: number): () => number {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) cdf[i] = total += 1 / (i + 1) ** s;
  return () => {
    const u = rand() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cdf[mid] as number) < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

const namespaceOf = (w: number): string => `ns-${w % NAMESPACES}`;
const nameOf = (w: number): string => `svc-${w}`;
const sameNamespacePeer = (w: number, k: number): number => (w + NAMESPACES * k) % WORKLOADS;
const otherNamespacePeer = (w: number): number => (w + 7) % WORKLOADS;

const pods: EvaluationPod[] = [
  { namespace: 'kube-system', name: 'coredns-1', labels: { 'k8s-app': 'kube-dns' }, ips: ['10.96.0.10'], node: 'node-0', workload: { kind: 'Deployment', name: 'coredns' }, containerPorts: [{ name: 'dns', port: 53, protocol: 'UDP' }] },
];
for (let w = 0; w < WORKLOADS; w++)
  for (let p = 0; p < PODS_PER_WORKLOAD; p++)
    pods.push({
      namespace: namespaceOf(w),
      name: `${nameOf(w)}-${p}`,
      labels: { app: nameOf(w), 'pod-template-hash': 'abc123', tier: w % 3 === 0 ? 'web' : 'backend' },
      ips: [`10.${(w >> 8) & 255}.${w & 255}.${p + 1}`],
      node: `node-${(w + p) % 100}`,
      workload: { kind: 'Deployment', name: nameOf(w) },
      containerPorts: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    });
const namespaces = [...Array.from({ length: NAMESPACES }, (_, i) => `ns-${i}`), 'kube-system'].map((name) => ({ name, labels: { 'kubernetes.io/metadata.name': name } }));

const app = (w: number): object => ({ matchLabels: { app: nameOf(w) } });
const inNamespace = (w: number): object => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespaceOf(w) } }, podSelector: app(w) });
const policies: V1NetworkPolicy[] = [];
for (let w = 0; w < WORKLOADS; w++) {
  // Callers of w: the workloads whose egress names w.
  const callers = [(w - NAMESPACES + WORKLOADS) % WORKLOADS, (w - 2 * NAMESPACES + WORKLOADS) % WORKLOADS];
  const remoteCaller = (w - 7 + WORKLOADS) % WORKLOADS;
  policies.push({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { namespace: namespaceOf(w), name: nameOf(w) },
    spec: {
      podSelector: app(w),
      policyTypes: ['Ingress', 'Egress'],
      // Typed client-node objects name the field `_from`, as the generator's own policies do.
      ingress: [{ _from: [...callers.map((c) => ({ podSelector: app(c) })), inNamespace(remoteCaller)], ports: [{ protocol: 'TCP', port: 'http' }] }],
      egress: [
        { to: [{ podSelector: app(sameNamespacePeer(w, 1)) }, { podSelector: app(sameNamespacePeer(w, 2)) }, inNamespace(otherNamespacePeer(w))], ports: [{ protocol: 'TCP', port: 8080 }] },
        { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] },
        { to: [{ ipBlock: { cidr: '203.0.113.0/24', except: ['203.0.113.128/25'] } }], ports: [{ protocol: 'TCP', port: 443 }] },
      ],
    },
  } as V1NetworkPolicy);
}

function podEndpoint(w: number, p: number): Endpoint {
  const pod = pods[1 + w * PODS_PER_WORKLOAD + p] as EvaluationPod;
  return { kind: 'pod', namespace: pod.namespace, pod: pod.name, ip: pod.ips[0], labels: { app: nameOf(w) }, workload: { kind: 'Deployment', name: nameOf(w) } };
}
const DNS: Endpoint = { kind: 'pod', namespace: 'kube-system', pod: 'coredns-1', ip: '10.96.0.10', labels: { 'k8s-app': 'kube-dns' }, workload: { kind: 'Deployment', name: 'coredns' } };

/** Distinct flow shapes (one per edge and pod pair), replayed with a Zipf mix. */
const shapes: Flow[] = [];
const flowOf = (source: Endpoint, destination: Endpoint, protocol: Flow['protocol'], port: number): Flow => ({ time: 0, source, destination, protocol, port, verdict: 'allowed', format: 'hubble', count: 1 });
for (let w = 0; w < WORKLOADS; w++) {
  const p = w % PODS_PER_WORKLOAD;
  shapes.push(flowOf(podEndpoint(w, p), podEndpoint(sameNamespacePeer(w, 1), 0), 'TCP', 8080));
  shapes.push(flowOf(podEndpoint(w, 1 - p), podEndpoint(sameNamespacePeer(w, 2), 1), 'TCP', 8080));
  shapes.push(flowOf(podEndpoint(w, p), podEndpoint(otherNamespacePeer(w), p), 'TCP', 8080));
  shapes.push(flowOf(podEndpoint(w, p), DNS, 'UDP', 53));
  shapes.push(flowOf(podEndpoint(w, p), { kind: 'world', ip: `203.0.113.${1 + (w % 120)}` }, 'TCP', 443));
  shapes.push(flowOf({ kind: 'host', ip: `192.168.0.${w % 100}` }, podEndpoint(w, p), 'TCP', 8080));
  // About 5% of the edges are not allowed: a random peer on a random port.
  if (w % 3 === 0) shapes.push(flowOf(podEndpoint(w, p), podEndpoint(pickInt(WORKLOADS), 0), 'TCP', 9000 + pickInt(100)));
}
// Shuffle the shapes so the popular ones are spread over workloads.
for (let i = shapes.length - 1; i > 0; i--) {
  const j = pickInt(i + 1);
  [shapes[i], shapes[j]] = [shapes[j] as Flow, shapes[i] as Flow];
}
const pick = zipf(shapes.length, 1.0);
const flows: Flow[] = Array.from({ length: FLOWS }, () => shapes[pick()] as Flow);

const buildStart = performance.now();
const model = createEvaluationModel({ namespaces, pods, policies });
const buildSeconds = (performance.now() - buildStart) / 1000;

// Warm the JIT on a slice, then measure the full replay on a fresh model (cold per-pod memos).
verifyFlows(createEvaluationModel({ namespaces, pods, policies }), flows.slice(0, 20_000));
// CPU seconds next to wall seconds: the machines are shared (BENCHMARKS.md), so wall time also
// counts the other processes' turns.
const replayCpuStart = process.cpuUsage();
const replayStart = performance.now();
const result = verifyFlows(model, flows);
const replaySeconds = (performance.now() - replayStart) / 1000;
const replayCpu = process.cpuUsage(replayCpuStart);
const replayCpuSeconds = (replayCpu.user + replayCpu.system) / 1e6;

const edges: Edge[] = [];
for (const flow of shapes) {
  if (flow.source.kind !== 'pod' || flow.destination.kind !== 'pod' || flow.source.workload === undefined || flow.destination.workload === undefined) continue;
  edges.push({
    source: { kind: 'workload', namespace: flow.source.namespace as string, workload: flow.source.workload },
    destination: { kind: 'workload', namespace: flow.destination.namespace as string, workload: flow.destination.workload },
    protocol: flow.protocol,
    port: flow.port as number,
    firstSeen: 0,
    lastSeen: 1,
    flows: 1,
    deniedFlows: 0,
    lastVerdict: 'allowed',
  });
}
const pairsStart = performance.now();
const pairs = countUnobservedDeniedPairs(model, edges);
const pairsSeconds = (performance.now() - pairsStart) / 1000;

const rows = [
  { what: 'model build (compile + index)', items: policies.length, unit: 'policies', seconds: buildSeconds },
  { what: 'replay (verifyFlows)', items: FLOWS, unit: 'flows', seconds: replaySeconds },
  { what: 'replay, CPU time of this process', items: FLOWS, unit: 'flows', seconds: replayCpuSeconds },
  { what: 'unobserved pairs (rule 19)', items: pairs.pairs, unit: 'pairs', seconds: pairsSeconds },
];
console.log(`R8: ${WORKLOADS} workloads (${pods.length} pods, ${NAMESPACES} namespaces), ${policies.length} policies, ${shapes.length} distinct flows\n`);
console.log('| stage | items | seconds | items/s |');
console.log('|---|---:|---:|---:|');
for (const row of rows) console.log(`| ${row.what} | ${row.items.toLocaleString('en')} ${row.unit} | ${row.seconds.toFixed(2)} | ${Math.round(row.items / row.seconds).toLocaleString('en')} |`);
console.log(`\nreplay: ${result.allowed.toLocaleString('en')} allowed, ${result.denied.toLocaleString('en')} denied in ${result.deniedEdges.length} edges; target < 10 s: ${replaySeconds < 10 ? 'met' : 'MISSED'}`);
console.log(`pairs: ${pairs.observed} observed, ${pairs.unobservedAllowed} unobserved allowed, ${pairs.unobservedDenied} unobserved denied`);

const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'r8.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify(
    {
      id: 'R8',
      workloads: WORKLOADS,
      pods: pods.length,
      namespaces: NAMESPACES,
      policies: policies.length,
      flows: FLOWS,
      distinctFlows: shapes.length,
      buildSeconds,
      replaySeconds,
      replayCpuSeconds,
      flowsPerSecond: FLOWS / replaySeconds,
      loadAverage: loadavg(),
      targetSeconds: 10,
      met: replaySeconds < 10,
      allowed: result.allowed,
      denied: result.denied,
      deniedEdges: result.deniedEdges.length,
      pairs: { ...pairs, seconds: pairsSeconds },
      node: process.version,
    },
    null,
    2,
  )}\n`,
);
console.log(`\nwrote ${out}`);

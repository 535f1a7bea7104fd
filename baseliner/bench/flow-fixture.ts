/**
 * Benchmark fixture of the baseliner: collector-output Flows (the Kafka values, ~0.45 KB of JSON
 * each) over ~1,000 workloads in 20 namespaces and ~10,000 edges (a tenth to the internet), drawn
 * with a Zipf mix so edges repeat the way they do in real clusters (BENCHMARKS.md).
 */
import type { Flow } from '@palisade/collector';
import { seededRandom, zipfSampler } from '../../test/fixtures/seeded-random.js';

/** Size of the fixture cluster. */
export interface FixtureShape {
  readonly workloads: number;
  readonly edges: number;
  readonly namespaces: number;
}

/** The shape BENCHMARKS.md asks for. */
export const BENCH_SHAPE: FixtureShape = { workloads: 1_000, edges: 10_000, namespaces: 20 };

/** An endless, deterministic stream of flows over the shape's edges, times increasing. */
export function* flowStream(shape: FixtureShape = BENCH_SHAPE, seed = 42, startTime = Date.now() - 3_600_000): Generator<Flow, never, undefined> {
  const random = seededRandom(seed);
  const workloads = Array.from({ length: shape.workloads }, (_, index) => {
    const name = `service-${index}`;
    return {
      namespace: `team-${index % shape.namespaces}`,
      name,
      hash: random.chars('bcdfghjklmnpqrstvwxz2456789', 10),
      ip: `10.${100 + (index >> 16)}.${(index >> 8) & 255}.${index & 255}`,
      port: [8080, 9080, 5432, 6379, 443, 3000][index % 6] as number,
      labels: { app: name, 'app.kubernetes.io/part-of': `team-${index % shape.namespaces}`, version: `v${1 + (index % 3)}` },
    };
  });
  const edges = Array.from({ length: shape.edges }, () => {
    const source = random.pick(workloads);
    if (random.chance(0.1)) return { source, world: `203.0.${random.int(0, 255)}.${random.int(1, 254)}`, port: 443 };
    const destination = random.pick(workloads);
    return { source, destination, port: destination.port };
  });
  const rank = zipfSampler(edges.length, 1.0, random);
  const pod = (w: (typeof workloads)[number]) =>
    ({ kind: 'pod', ip: w.ip, namespace: w.namespace, pod: `${w.name}-${w.hash}-${random.chars('bcdfghjklmnpqrstvwxz', 5)}`, labels: w.labels, workload: { kind: 'Deployment', name: w.name }, node: `node-${w.ip.length % 7}` }) as const;
  for (let time = startTime; ; time += 1) {
    const edge = edges[rank()] as (typeof edges)[number];
    yield {
      time,
      source: pod(edge.source),
      destination: 'world' in edge && edge.world ? { kind: 'world', ip: edge.world } : pod((edge as { destination: (typeof workloads)[number] }).destination),
      protocol: 'TCP',
      port: edge.port,
      verdict: random.chance(0.01) ? 'denied' : 'allowed',
      format: 'hubble',
      count: 1,
    };
  }
}

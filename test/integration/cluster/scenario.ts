import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import { tempDir } from '../../../generator/src/cli/testing/cli-harness.js';
import { freshNamespace } from '../../helpers/kubernetes.js';
import { createWorkload, exposeWorkload, TEST_NODE_NAME, type Workload } from '../../helpers/workload.js';

/**
 * A small shop in a fresh namespace of the test kube-apiserver: `web` calls `db` on 5432, and the
 * Hubble records that show it (request direction, forwarded), spread over an observation window.
 */

const HOUR_MS = 3_600_000;

/** One side of a Hubble record. */
interface HubbleSide {
  readonly pod: V1Pod;
  readonly app: string;
}

/**
 * One Hubble `GetFlowsResponse` line, as `hubble observe -o jsonpb` prints it: a TCP SYN from
 * `source` to `destination`'s port, forwarded, flagged as a request.
 */
export function hubbleLine(time: number, source: HubbleSide, destination: HubbleSide, port: number): string {
  const side = ({ pod, app }: HubbleSide, identity: number) => ({
    ID: identity,
    identity,
    namespace: pod.metadata?.namespace,
    labels: [`k8s:app=${app}`, `k8s:io.kubernetes.pod.namespace=${pod.metadata?.namespace}`],
    pod_name: pod.metadata?.name,
  });
  const at = new Date(time).toISOString();
  return JSON.stringify({
    flow: {
      time: at,
      verdict: 'FORWARDED',
      IP: { source: source.pod.status?.podIP, destination: destination.pod.status?.podIP, ipVersion: 'IPv4' },
      l4: { TCP: { source_port: 40000 + (time % 20000), destination_port: port, flags: { SYN: true } } },
      source: side(source, 10001),
      destination: side(destination, 10002),
      Type: 'L3_L4',
      node_name: TEST_NODE_NAME,
      is_reply: false,
      event_type: { type: 4, sub_type: 3 },
      traffic_direction: 'EGRESS',
      trace_observation_point: 'TO_STACK',
    },
    node_name: TEST_NODE_NAME,
    time: at,
  });
}

/** What {@link createShop} built. */
export interface Shop {
  readonly namespace: string;
  readonly web: Workload;
  readonly db: Workload;
  /** A temporary directory for the test's files. */
  readonly dir: string;
  /** Writes flows `web → db` on each port (5432 by default) observed over `hours` (records at start and end) and returns the file. */
  writeFlows(hours: number, options?: { readonly name?: string; readonly ports?: readonly number[] }): Promise<string>;
}

let octet = 0;

/** A pod address no other shop in this test run uses (flows are resolved by IP as well as by name). */
function nextIp(): string {
  octet += 1;
  return `10.${100 + (process.pid % 100)}.${Math.floor(octet / 250)}.${(octet % 250) + 1}`;
}

/** Creates the shop's namespace, workloads and Service, and a temporary directory removed afterwards. */
export async function createShop(kubeConfig: KubeConfig, onCleanup: (cleanup: () => Promise<void>) => void): Promise<Shop> {
  const namespace = await freshNamespace(kubeConfig);
  const web = await createWorkload(kubeConfig, { namespace, name: 'web', labels: { app: 'web' }, podIPs: [nextIp()], ports: [{ containerPort: 8080 }] });
  const db = await createWorkload(kubeConfig, { namespace, name: 'db', labels: { app: 'db' }, podIPs: [nextIp()], ports: [{ name: 'postgres', containerPort: 5432 }] });
  await exposeWorkload(kubeConfig, db, { name: 'db', ports: [{ port: 5432, targetPort: 'postgres' }] });
  const temp = await tempDir();
  onCleanup(temp.cleanup);
  const webPod = web.pods[0] as V1Pod;
  const dbPod = db.pods[0] as V1Pod;
  return {
    namespace,
    web,
    db,
    dir: temp.path,
    async writeFlows(hours, options = {}) {
      const end = Date.now();
      const start = end - hours * HOUR_MS;
      const lines = (options.ports ?? [5432]).flatMap((port) => [start, end].map((time) => hubbleLine(time, { pod: webPod, app: 'web' }, { pod: dbPod, app: 'db' }, port)));
      const file = join(temp.path, options.name ?? 'flows.jsonl');
      await writeFile(file, `${lines.join('\n')}\n`);
      return file;
    },
  };
}

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { palisade, tempDir } from './testing/cli-harness.js';

/**
 * Issue 11 item 10: a Hubble log that writes IPv4 peers as IPv4-mapped IPv6 (`::ffff:203.0.113.5`)
 * made synthesis write `::ffff:cb00:7105/128` while its own verifier read the address as IPv4, so
 * `generate` refused its own policies (exit 5) and wrote nothing. Both now read the collector's one
 * canonical address.
 */

/** One Hubble egress record from reviews-v1 to a world address, at `time`, both addresses IPv4-mapped. */
function record(time: string, sourcePort: number): string {
  return JSON.stringify({
    flow: {
      time,
      verdict: 'FORWARDED',
      IP: { source: '::ffff:10.0.2.16', destination: '::ffff:203.0.113.5', ipVersion: 'IPv6' },
      l4: { TCP: { source_port: sourcePort, destination_port: 443, flags: { SYN: true } } },
      source: { ID: 1231, identity: 25339, namespace: 'bookinfo', labels: ['k8s:app=reviews', 'k8s:version=v1'], pod_name: 'reviews-v1-545db77b95-s6jb8' },
      destination: { identity: 2, labels: ['reserved:world'] },
      Type: 'L3_L4',
      node_name: 'node-a',
      traffic_direction: 'EGRESS',
      is_reply: false,
    },
    node_name: 'node-a',
    time,
  });
}

interface EgressPolicy {
  spec: { egress?: { to?: { ipBlock?: { cidr: string } }[]; ports?: { port: number }[] }[] };
}

let dir: { path: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  await dir.cleanup();
});

describe('IPv4-mapped IPv6 addresses in flow logs', () => {
  it('generate writes the IPv4 /32 and its verifier allows it (it used to exit 5 and write nothing)', async () => {
    const flows = join(dir.path, 'flows.json');
    await writeFile(flows, `${record('2021-06-16T10:00:00Z', 40000)}\n${record('2021-06-17T12:00:00Z', 40001)}\n`);
    const out = join(dir.path, 'out');
    const run = await palisade(['generate', '--flows', flows, '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const policy = yaml.load(await readFile(join(out, 'bookinfo/palisade-reviews-v1.yaml'), 'utf8')) as EgressPolicy;
    const world = policy.spec.egress?.find((rule) => rule.ports?.some((port) => port.port === 443));
    expect(world?.to).toEqual([{ ipBlock: { cidr: '203.0.113.5/32' } }]);

    const verify = await palisade(['verify', '--policies', out, '--flows', flows, '-o', 'json']);
    expect(verify.code).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ checked: 2, allowed: 2, denied: 0 });
  });
});

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { emptyInputMessage } from '../render/empty-input-message.js';
import { runCli } from './program.js';
import { palisade, readTree, sharedFlow, tempDir } from './testing/cli-harness.js';

vi.setConfig({ testTimeout: 60_000 });

/**
 * Exit 4 says why the input taught nothing and what to do (issue 11, item 23): "collect flows for
 * longer" was printed for other formats, IP-only logs without cluster state, denied-only and
 * health-check-only input; gzip input was read as binary garbage.
 */

let out: { path: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  out = await tempDir();
});
afterEach(async () => {
  await out.cleanup();
});

describe('generate refuses an input without allowed traffic, saying why (exit 4)', () => {
  it.each([
    ['aws-vpc-cni/issue163__cloudwatch-format.txt', /2 records read, 0 dead-lettered, 2 held aside unresolved.*; AWS VPC CNI logs carry only IPs: give --cluster FILE/],
    ['calico/tigera-cs-observability-clinic__3CLI_felix_syslog_hep_deny.txt', /Calico felix syslog lines carry only IPs: give --cluster FILE/],
    ['antrea/antrea__docs-antrea-network-policy_np.log_examples.txt', /Antrea np\.log lines name one side by IP only: give --cluster FILE/],
    ['netobserv/netobserv-console-plugin__mocks_loki_flow_records.json', /543 records read, 543 dead-lettered.*; 543 of the records are no flow-log format Palisade reads .*: check the file and --format/],
    ['calico/tigera-cs-observability-clinic__3CLI_flows.log_deny.jsonl', /1 flows \(1 denied, 0 ICMP only\); every flow was denied: denied flows never teach \(rule 14\); give --include-denied/],
    ['hubble/hubble-otel__basic-sample-400-icmpv4-flows.json', /18 skipped.*; every record was skipped as carrying no connection to learn from \(most: Cilium health check/],
  ])('%s', async (sample, reason) => {
    const run = await palisade(['generate', '--flows', sharedFlow(sample), '--out', out.path]);
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/^palisade: refused: the input holds no allowed traffic, so policies from it would deny everything \(rule 16\): /);
    expect(run.stderr).toMatch(reason);
    expect(run.stderr).not.toMatch(/collect flows for longer/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('names ICMP-only traffic, which NetworkPolicy cannot express', () => {
    const input = { sources: ['x'], format: 'auto', records: 4, flows: 4, deniedFlows: 0, deadLetters: { count: 0, examples: [] }, quarantined: { count: 0, byReason: {} }, skipped: { count: 0, byReason: {} }, unattributedFlows: 0 };
    expect(emptyInputMessage({ input, icmpFlows: 4, clusterState: true, includeDenied: false })).toMatch(/4 flows \(0 denied, 4 ICMP only\); NetworkPolicy cannot express ICMP/);
  });

  it('names a duplicate pod IP in the cluster state', () => {
    const input = { sources: ['x'], format: 'auto', records: 3, flows: 0, deniedFlows: 0, deadLetters: { count: 0, examples: [] }, quarantined: { count: 3, byReason: { 'several pods may have held this address at the time of the flow': 3 } }, skipped: { count: 0, byReason: {} }, unattributedFlows: 0 };
    expect(emptyInputMessage({ input, icmpFlows: 0, clusterState: true, includeDenied: false })).toMatch(/3 records name an address several pods held at their time \(a duplicate pod IP/);
  });
});

describe('gzip input', () => {
  it('is detected by its magic bytes and read like the plain file, whatever its name', async () => {
    const bookinfo = sharedFlow('hubble/hubble-otel__basic-sample-400-tcp-flows.json');
    const packed = join(out.path, 'flows.jsonl');
    await writeFile(packed, gzipSync(await readFile(bookinfo)));
    const [plain, gzip] = [join(out.path, 'plain'), join(out.path, 'gzip')];
    const plainRun = await palisade(['generate', '--flows', bookinfo, '--out', plain]);
    const gzipRun = await palisade(['generate', '--flows', packed, '--out', gzip, '-o', 'json']);
    expect(gzipRun.code, gzipRun.stderr).toBe(0);
    expect(plainRun.code).toBe(0);
    expect(JSON.parse(gzipRun.stdout).input.deadLetters.count).toBe(0);
    const [a, b] = [await readTree(plain), await readTree(gzip)];
    const policies = (tree: Record<string, string>) => Object.fromEntries(Object.entries(tree).filter(([file]) => file.endsWith('.yaml')));
    expect(Object.keys(policies(a)).length).toBeGreaterThan(3);
    expect(policies(b)).toEqual(policies(a));
  });

  it('from stdin too', async () => {
    const bookinfo = await readFile(sharedFlow('hubble/hubble-otel__basic-sample-400-tcp-flows.json'));
    const run = await palisadeWithBinaryStdin(['generate', '--flows', '-', '--out', join(out.path, 'stdin'), '-o', 'json'], gzipSync(bookinfo));
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).input.deadLetters.count).toBe(0);
  });

  it('a truncated gzip file is one line naming it, exit 2', async () => {
    const packed = join(out.path, 'cut.gz');
    const whole = gzipSync(await readFile(sharedFlow('hubble/hubble-otel__basic-sample-400-tcp-flows.json')));
    await writeFile(packed, whole.subarray(0, whole.length / 2));
    const run = await palisade(['generate', '--flows', packed, '--out', join(out.path, 'x')]);
    expect(run.stderr).toMatch(new RegExp(`^palisade: --flows ${packed}: not a complete gzip file`));
    expect(run.code).toBe(2);
  });
});

/** `palisade ARGS` with binary stdin (the harness feeds text). */
async function palisadeWithBinaryStdin(args: readonly string[], stdin: Buffer) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks: [Buffer[], Buffer[]] = [[], []];
  stdout.on('data', (chunk: Buffer) => chunks[0].push(chunk));
  stderr.on('data', (chunk: Buffer) => chunks[1].push(chunk));
  const code = await runCli(args, { stdout, stderr, stdin: Readable.from([stdin]) });
  return { code, stdout: Buffer.concat(chunks[0]).toString(), stderr: Buffer.concat(chunks[1]).toString() };
}

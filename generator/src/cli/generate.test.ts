import { readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GenerateReport } from '../render/generate-report.js';
import { palisade, readTree, sharedFlow, tempDir } from './testing/cli-harness.js';

const BOOKINFO = sharedFlow('hubble/hubble-otel__basic-sample-400-tcp-flows.json');

interface PolicyDoc {
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    podSelector: { matchLabels?: Record<string, string> };
    policyTypes: string[];
    ingress?: { from?: { podSelector?: { matchLabels?: Record<string, string> } }[]; ports?: { port: number; protocol: string }[] }[];
    egress?: { to?: { podSelector?: { matchLabels?: Record<string, string> }; namespaceSelector?: unknown }[]; ports?: { port: number; protocol: string }[] }[];
  };
}

let out: { path: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  out = await tempDir();
});
afterEach(async () => {
  await out.cleanup();
});

const policy = async (file: string) => yaml.load(await readFile(join(out.path, file), 'utf8')) as PolicyDoc;

describe('palisade generate on the bookinfo sample (Istio bookinfo on kind)', () => {
  it('allows exactly the observed calls on the listener ports', async () => {
    const run = await palisade(['generate', '--flows', BOOKINFO, '--out', out.path]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const productpage = await policy('bookinfo/palisade-productpage-v1.yaml');
    const calls = productpage.spec.egress?.find((rule) => rule.ports?.some((port) => port.port === 9080));
    expect(calls?.ports).toEqual([{ port: 9080, protocol: 'TCP' }]);
    // Without cluster state, release labels (version) select only where they tell workloads apart:
    // the three reviews Deployments share app: reviews (issue 11, item 29).
    expect(calls?.to?.map((peer) => [peer.podSelector?.matchLabels?.['app'], peer.podSelector?.matchLabels?.['version']].filter(Boolean).join('-'))).toEqual([
      'details',
      'reviews-v1',
      'reviews-v2',
      'reviews-v3',
    ]);
    const details = await policy('bookinfo/palisade-details-v1.yaml');
    expect(details.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: expect.objectContaining({ app: 'productpage' }) } }], ports: [{ port: 9080, protocol: 'TCP' }] }]);
    expect(details.spec.ingress?.[0]?.from?.[0]?.podSelector?.matchLabels).not.toHaveProperty('version');
  });

  it('selects each workload with stable labels only', async () => {
    await palisade(['generate', '--flows', BOOKINFO, '--out', out.path]);
    const files = Object.keys(await readTree(out.path)).filter((file) => file.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const keys = Object.keys((await policy(file)).spec.podSelector.matchLabels ?? {});
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) expect(key).not.toMatch(/pod-template-hash|controller-revision-hash|io\.cilium|io\.kubernetes\.pod\.namespace|job-name|controller-uid/);
    }
  });

  it('gives every egress-isolated workload DNS egress on UDP and TCP 53', async () => {
    await palisade(['generate', '--flows', BOOKINFO, '--out', out.path]);
    for (const file of Object.keys(await readTree(out.path)).filter((name) => name.endsWith('.yaml'))) {
      const doc = await policy(file);
      if (!doc.spec.policyTypes.includes('Egress')) continue;
      const dns = doc.spec.egress?.find((rule) => rule.ports?.some((port) => port.port === 53));
      expect(dns?.ports, file).toEqual([{ port: 53, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }]);
    }
  });

  it('writes byte-identical output when run twice on the same input', async () => {
    const second = await tempDir();
    try {
      await palisade(['generate', '--flows', BOOKINFO, '--out', out.path]);
      await palisade(['generate', '--flows', BOOKINFO, '--out', second.path]);
      const [a, b] = [await readTree(out.path), await readTree(second.path)];
      expect(Object.keys(a).length).toBeGreaterThan(3);
      expect(b).toEqual(a);
    } finally {
      await second.cleanup();
    }
  });

  it('verifies its own output: every observed edge allowed, 0 violations (rule 19)', async () => {
    const run = await palisade(['generate', '--flows', BOOKINFO, '--out', out.path, '-o', 'json']);
    const report = JSON.parse(run.stdout) as GenerateReport;
    expect(report.verification).toMatchObject({ edgesChecked: 11, edgesAllowed: 11, violations: 0, unobservedPairsDenied: expect.any(Number), unobservedPairsPartlyDenied: 0 });
  });

  it('reads the flows from stdin with --flows -', async () => {
    const run = await palisade(['generate', '--flows', '-', '--out', out.path, '-o', 'json'], await readFile(BOOKINFO, 'utf8'));
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as GenerateReport;
    expect(report.input.records).toBe(400);
    expect(report.policies.map((p) => p.name)).toContain('palisade-productpage-v1');
  });
});

describe('palisade generate on every real Hubble sample', () => {
  const samples = readdirSync(sharedFlow('hubble')).filter((file) => file.endsWith('.json'));

  it.each(samples)('%s: writes valid policies or refuses with a reason', async (sample) => {
    const run = await palisade(['generate', '--flows', sharedFlow(`hubble/${sample}`), '--out', out.path, '-o', 'json']);
    expect([0, 4], run.stderr).toContain(run.code);
    if (run.code === 4) {
      expect(run.stderr).toMatch(/^palisade: refused: the input holds no allowed traffic/);
      return;
    }
    const report = JSON.parse(run.stdout) as GenerateReport;
    expect(report.input.deadLetters.count).toBe(0);
    for (const entry of report.policies) {
      const doc = await policy(entry.file);
      expect(doc.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'palisade' });
      expect(doc.spec.policyTypes.length).toBeGreaterThan(0);
    }
  });
});

describe('bad input', () => {
  it('counts a malformed line with its line number, writes it to --dead-letter, and goes on', async () => {
    const lines = (await readFile(BOOKINFO, 'utf8')).split('\n');
    lines.splice(5, 0, '{"flow": {"time": "yesterday", "IP": 7}', 'not json at all');
    const input = join(out.path, 'input.json');
    const deadLetter = join(out.path, 'dead.jsonl');
    await writeFile(input, lines.join('\n'));
    const run = await palisade(['generate', '--flows', input, '--out', join(out.path, 'out'), '--dead-letter', deadLetter]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('2 dead letters');
    expect(run.stdout).toContain(`dead letter ${input}:6:`);
    const letters = (await readFile(deadLetter, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { line: number; reason: string; record: string });
    expect(letters.map((letter) => letter.line)).toEqual([6, 7]);
    expect(letters[1]?.record).toBe('not json at all');
  });

  it('refuses input without allowed traffic, saying why (exit 4)', async () => {
    const input = join(out.path, 'empty.json');
    await writeFile(input, '\n');
    const run = await palisade(['generate', '--flows', input, '--out', join(out.path, 'out')]);
    expect(run.code).toBe(4);
    expect(run.stderr).toBe(
      'palisade: refused: the input holds no allowed traffic, so policies from it would deny everything (rule 16): 0 records read, 0 dead-lettered, 0 held aside unresolved, 0 skipped, 0 flows (0 denied, 0 ICMP only); the input is empty: check the --flows paths (or what was piped to stdin)\n',
    );
  });

  it.each([
    [['generate'], 'palisade: --flows: needs at least one --flows PATH (or - for stdin)'],
    [['generate', '--flows', 'x', '--world-fold-min', '0'], 'palisade: --world-fold-min: must be at least 1'],
    [['generate', '--flows', 'x', '--node-cidr', '10.0.0.0'], 'palisade: --node-cidr "10.0.0.0": is not a CIDR (for example 10.0.0.0/16)'],
    [['generate', '--flows', 'x', '--min-window', 'soon'], 'palisade: --min-window: is not a duration (for example 24h, 7d, 90m)'],
    [['generate', '--flows', 'x', '--format', 'pcap'], "palisade: option '--format <format>' argument 'pcap' is invalid. Allowed choices are auto, hubble, calico, aws-vpc-cni, antrea, netobserv. (see --help)"],
    [['generate', '--flow', 'x'], "palisade: unknown option '--flow'\n(Did you mean --flows?) (see --help)"],
    [['generate', '--flows', '/nonexistent/flows.json'], 'palisade: --flows /nonexistent/flows.json: cannot read the file (ENOENT)'],
    [['generate', '--flows', 'x', '--cluster', '/nonexistent/cluster.yaml'], 'palisade: --cluster /nonexistent/cluster.yaml: cannot read the file (ENOENT)'],
  ])('palisade %j prints one line saying what to fix (exit 2)', async (args, message) => {
    const run = await palisade(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`${message}\n`);
  });

  it('prints a subcommand help to its own output, with the exit codes', async () => {
    const run = await palisade(['generate', '--help']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^Usage: palisade generate \[options\]/);
    expect(run.stdout).toContain('4  refused: too little evidence');
  });

  it('names the object and field of a cluster file it cannot read', async () => {
    const cluster = join(out.path, 'cluster.yaml');
    await writeFile(cluster, 'kind: Pod\nmetadata: {name: web}\n---\nkind: Service\nmetadata: {name: api}\nspec: {ports: [{port: "eighty"}]}\n');
    const run = await palisade(['generate', '--flows', BOOKINFO, '--cluster', cluster, '--out', join(out.path, 'out')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`palisade: --cluster ${cluster}: Service #2: field spec.ports.0.port: Invalid input: expected number, received string\n`);
  });
});

describe('the output directory', () => {
  it('removes policy files of an earlier run that are no longer proposed, and only those', async () => {
    await writeFile(join(out.path, 'notes.txt'), 'mine');
    await palisade(['generate', '--flows', BOOKINFO, '--out', out.path]);
    const stale = join(out.path, 'bookinfo', 'palisade-gone.yaml');
    await writeFile(stale, 'metadata:\n  labels:\n    app.kubernetes.io/managed-by: palisade\n');
    await writeFile(join(out.path, 'bookinfo', 'palisade-handwritten.yaml'), 'kind: NetworkPolicy\n');
    const run = await palisade(['generate', '--flows', BOOKINFO, '--out', out.path]);
    expect(run.stdout).toContain('removed stale: bookinfo/palisade-gone.yaml');
    const files = Object.keys(await readTree(out.path));
    expect(files).toContain('notes.txt');
    expect(files).toContain('bookinfo/palisade-handwritten.yaml');
    expect(files).not.toContain('bookinfo/palisade-gone.yaml');
  });
});

/**
 * R9 (BENCHMARKS.md): how long the `palisade` CLI takes to start, as a ratio of a bare `node -e 0`
 * started the same way in the same run: `palisade --help` (target ≤ 3×) and `palisade generate` on
 * the bundled demo (target ≤ 8×). Runs the built CLI (`npm run build` first), interleaving the
 * three commands so load on the machine falls on all of them alike, and reports medians. Prints a
 * Markdown table and writes generator/bench/results/r9.json.
 *
 *   npx tsx generator/bench/r9-cli-start.ts [--runs 15] [--compare OTHER_CHECKOUT]
 *
 * `--compare` adds the same two rows for the CLI built in another checkout (e.g. the commit
 * before a change), measured in the same run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' }, compare: { type: 'string' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 3) throw new Error(`--runs must be a whole number of at least 3, not ${values.runs}`);

interface Command {
  readonly label: string;
  readonly args: readonly string[];
  readonly cwd: string;
}

function cliCommands(checkout: string, tag: string): Command[] {
  const main = join(checkout, 'generator/dist/cli/main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` in ${checkout} first`);
  const out = mkdtempSync(join(tmpdir(), 'palisade-r9-'));
  const demo = (file: string) => join(ROOT, 'demo', file);
  return [
    { label: `palisade --help${tag}`, args: [main, '--help'], cwd: checkout },
    {
      label: `palisade generate (demo)${tag}`,
      args: [main, 'generate', '--flows', demo('hubble-flows.jsonl'), '--cluster', demo('cluster.yaml'), '--pod-cidr', '10.244.0.0/16', '--service-cidr', '10.96.0.0/12', '--out', out],
      cwd: checkout,
    },
  ];
}

const reference: Command = { label: 'node -e 0', args: ['-e', '0'], cwd: ROOT };
const commands = [reference, ...cliCommands(ROOT, ''), ...(values.compare ? cliCommands(resolve(values.compare), ' (compared checkout)') : [])];

/** Wall time of one run in ms; the command must succeed. */
function timeOnce(command: Command): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, command.args, { cwd: command.cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${command.label} exited ${result.status}: ${result.stderr.toString().trim()}`);
  return elapsed;
}

const samples = new Map<string, number[]>(commands.map((command) => [command.label, []]));
for (const command of commands) timeOnce(command); // warm the file cache
for (let run = 0; run < runs; run++) for (const command of commands) samples.get(command.label)?.push(timeOnce(command));

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const referenceMs = median(samples.get(reference.label) ?? []);
const targets: Record<string, number> = { help: 3, generate: 8 };
const rows = commands.map((command) => {
  const ms = median(samples.get(command.label) ?? []);
  const target = command === reference ? undefined : command.label.includes('--help') ? targets.help : targets.generate;
  return { command: command.label, medianMs: Math.round(ms), ratio: Number((ms / referenceMs).toFixed(2)), target, met: target === undefined ? undefined : ms / referenceMs <= target };
});

console.log(`\nR9: CLI start, median of ${runs} runs each, interleaved\n`);
console.log('| command | median ms | × node -e 0 | target | met |');
console.log('|---|---|---|---|---|');
for (const row of rows) console.log(`| ${row.command} | ${row.medianMs} | ${row.ratio} | ${row.target === undefined ? '—' : `≤ ${row.target}×`} | ${row.met === undefined ? '—' : row.met ? 'yes' : 'no'} |`);

const resultsDir = fileURLToPath(new URL('results/', import.meta.url));
mkdirSync(resultsDir, { recursive: true });
writeFileSync(join(resultsDir, 'r9.json'), `${JSON.stringify({ runs, rows }, null, 2)}\n`);
for (const command of commands) {
  const out = command.args[command.args.indexOf('--out') + 1];
  if (command.args.includes('--out') && out) rmSync(out, { recursive: true, force: true });
}

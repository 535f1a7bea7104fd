import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FlowSchema } from '../flow/flow.js';
import { FlowStream } from './flow-stream.js';
import { ingestLines } from '../service/embedded-ingest.js';
import { seededRandom } from '../../../test/fixtures/seeded-random.js';

/**
 * Fuzz-style robustness: thousands of mutated real Hubble lines (truncated, values of the wrong
 * type, huge fields, binary noise, deep nesting) through the streaming pipeline and through
 * `ingestLines`. Neither may throw, and every Flow that comes out must satisfy FlowSchema.
 * Mutations are drawn from a seeded generator, so a failure names a reproducible case.
 */

const SAMPLES = resolve(process.cwd(), '../shared/flows/hubble');
const originals = readdirSync(SAMPLES)
  .filter((name) => name.endsWith('.json'))
  .sort()
  .flatMap((name) => readFileSync(join(SAMPLES, name), 'utf8').split('\n'))
  .filter((line) => line.trim() !== '');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const HOSTILE_VALUES: readonly (() => Json)[] = [
  () => null,
  () => 0,
  () => -1,
  () => 1e308,
  () => 65_536,
  () => 3.5,
  () => true,
  () => '',
  () => 'x'.repeat(65_536),
  () => '10.0.0.1/33',
  () => '\u0000\u202e<script>',
  () => [],
  () => [1, 'two', null],
  () => ({}),
  () => ({ nested: { deeper: { deepest: ['a'] } } }),
  () => '2021-13-45T99:99:99Z',
  () => Array.from({ length: 500 }, (_, index) => `k8s:label-${index}=value-${index}`),
];

/** Every path to a value in a JSON tree. */
function paths(value: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const path = [...prefix, Array.isArray(value) ? Number(key) : key];
      out.push(path);
      paths(child, path, out);
    }
  }
  return out;
}

function setAt(root: Json, path: readonly (string | number)[], value: Json | undefined): void {
  let node = root as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  const last = path.at(-1);
  if (last === undefined) return;
  if (value === undefined) delete node[last];
  else node[last] = value;
}

function mutate(line: string, next: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  switch (Math.floor(next() * 6)) {
    case 0:
      return line.slice(0, Math.floor(next() * line.length));
    case 1: {
      const bytes = Buffer.from(line);
      for (let flips = 1 + Math.floor(next() * 8); flips > 0; flips--) bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
      return bytes.toString('latin1');
    }
    case 2:
      return `${line.slice(0, Math.floor(next() * line.length))}${String.fromCharCode(...Array.from({ length: 16 }, () => Math.floor(next() * 65_536)))}`;
    default: {
      const tree = JSON.parse(line) as Json;
      for (let edits = 1 + Math.floor(next() * 3); edits > 0; edits--) {
        const all = paths(tree);
        if (all.length === 0) break;
        const path = pick(all);
        setAt(tree, path, next() < 0.15 ? undefined : pick(HOSTILE_VALUES)());
      }
      return JSON.stringify(tree);
    }
  }
}

describe('the ingest pipeline under mutated real Hubble lines', () => {
  const next = seededRandom(20_240_611).next;
  const mutated = Array.from({ length: 3000 }, (_, index) => mutate(originals[index % originals.length] as string, next));
  // Real lines in between, so adapters with state (held-back records, connection tables) see
  // hostile records mixed into well-formed connections.
  const lines = mutated.flatMap((line, index) => (index % 3 === 0 ? [line, originals[(index * 7) % originals.length] as string] : [line]));

  it('FlowStream never throws and every flow it emits is a valid Flow', () => {
    const stream = new FlowStream();
    let flows = 0;
    let records = 0;
    const invalid: string[] = [];
    const adapterFailures: string[] = [];
    const check = (events: ReturnType<FlowStream['finish']>) => {
      for (const event of events) {
        // FlowStream turns an adapter exception into a dead letter; none may happen at all.
        if (event.kind === 'dead-letter' && event.letter.reason.startsWith('adapter failed')) adapterFailures.push(event.letter.reason);
        if (event.kind !== 'flow') continue;
        flows++;
        const result = FlowSchema.safeParse(event.flow);
        if (!result.success) invalid.push(JSON.stringify(result.error.issues[0]));
      }
    };
    lines.forEach((record, index) => {
      const result = stream.push(record, { source: 'fuzz', line: index + 1 });
      if (result === undefined) return;
      records++;
      // One record, one account at least: nothing vanishes without an event.
      check(result.events);
    });
    check(stream.finish());
    expect(adapterFailures).toEqual([]);
    expect(invalid).toEqual([]);
    expect(records).toBeGreaterThan(3000);
    expect(flows).toBeGreaterThan(0);
  });

  it('ingestLines never throws, accounts for every record, and emits only valid Flows', () => {
    const { flows, report } = ingestLines(lines.map((record, index) => ({ record, origin: { source: 'fuzz', line: index + 1 } })));
    expect(flows.filter((flow) => !FlowSchema.safeParse(flow).success)).toEqual([]);
    expect(report.deadLetters.count).toBeGreaterThan(0);
    expect(report.flowsProduced + report.deadLetters.count + report.quarantined.count + report.skipped.count).toBe(report.recordsRead);
  });
});

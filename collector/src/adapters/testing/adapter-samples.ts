import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AdapterOutcome, FlowAdapter } from '../adapter.js';
import type { Flow } from '../../flow/flow.js';

/**
 * What the adapter tests share: the real samples in `../shared/flows/` (STYLE.md rule 8) and a
 * run of records through one adapter. Test code only: collector/tsconfig.json leaves the testing folder out of the build.
 */

const FLOWS_DIR = path.resolve(process.cwd(), '../shared/flows');

/** The text of one real sample; `folder` is its format's folder under `shared/flows`. */
export function sampleText(folder: string, name: string): string {
  return readFileSync(path.join(FLOWS_DIR, folder, name), 'utf8');
}

/** The non-blank lines of one real sample, one record each. */
export function sampleLines(folder: string, name: string): string[] {
  return sampleText(folder, name)
    .split('\n')
    .filter((line) => line.trim() !== '');
}

/** Every Hubble sample, each a `hubble observe -o jsonpb` capture. */
export const HUBBLE_SAMPLES: readonly string[] = [
  'hubble-otel__basic-sample-10-flows.json',
  'hubble-otel__basic-sample-330-dns-flows.json',
  'hubble-otel__basic-sample-348-http-flows.json',
  'hubble-otel__basic-sample-400-icmpv4-flows.json',
  'hubble-otel__basic-sample-400-l7-redirected-flows.json',
  'hubble-otel__basic-sample-400-tcp-flows.json',
  'hubble-otel__basic-sample-400-udp-flows.json',
  'hubble-otel__basic-sample-5-dns-flows.json',
  'hubble-otel__basic-sample-5-http-flows.json',
];

/** The outcomes of `records` pushed through `adapter` as lines 1, 2, … of source `test`, then of its `finish()`. */
export function runAdapter(adapter: FlowAdapter, records: readonly string[]): AdapterOutcome[] {
  const outcomes = records.flatMap((record, index) => adapter.push(record, { source: 'test', line: index + 1 }));
  return [...outcomes, ...adapter.finish()];
}

/** The flows among `outcomes`, in order. */
export function flowsOf(outcomes: readonly AdapterOutcome[]): Flow[] {
  return outcomes.flatMap((outcome) => (outcome.kind === 'flow' ? [outcome.flow] : []));
}

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FlowSchema } from '../flow/flow.js';
import { createAdapterFor, type ExtendedFormat } from './format-detectors.js';
import { seededRandom } from '../../../test/fixtures/seeded-random.js';

/**
 * Mutated real lines of every non-Hubble format: truncated, characters replaced, fields blown up,
 * binary noise. An adapter must account for each line (flow, dead letter, quarantine or skip)
 * without throwing, and every flow it produces must pass FlowSchema.
 */

const FLOWS = path.resolve(process.cwd(), '../shared/flows');
const lines = (file: string): string[] => readFileSync(path.join(FLOWS, file), 'utf8').split('\n').filter((line) => line.trim() !== '');
const netobserv = (file: string): string[] => {
  const response = JSON.parse(readFileSync(path.join(FLOWS, file), 'utf8')) as { data: { result: { stream: object; values: [string, string][] }[] } };
  return response.data.result.flatMap((stream) => stream.values.map(([, line]) => JSON.stringify({ ...stream.stream, ...(JSON.parse(line) as object) })));
};

const SEEDS: Readonly<Record<ExtendedFormat, readonly string[]>> = {
  calico: [
    ...lines('calico/tigera-cs-observability-clinic__3CLI_flows.log_deny.jsonl'),
    ...lines('calico/tigera-cs-observability-clinic__3CLI_felix_syslog_hep_deny.txt'),
    readFileSync(path.join(FLOWS, 'calico/tigera-docs__calico-enterprise_flow_datatypes_example.json.txt'), 'utf8').replace(/,\s*\]/g, ']').replace(/\n/g, ' '),
  ],
  'aws-vpc-cni': [...lines('aws-vpc-cni/issue73__old-format_v1.0.x_network-policy-agent.log.jsonl'), ...lines('aws-vpc-cni/issue163__cloudwatch-format.txt')],
  antrea: [
    ...(JSON.parse(readFileSync(path.join(FLOWS, 'antrea/antrea__docs-antctl_get_flowrecords.json'), 'utf8')) as unknown[]).map((record) => JSON.stringify(record)),
    ...lines('antrea/antrea__docs-antrea-network-policy_np.log_examples.txt'),
  ],
  netobserv: netobserv('netobserv/netobserv-console-plugin__mocks_loki_flow_records.json').slice(0, 25),
};

const REPLACEMENTS = ['"', '{', '}', ':', ',', '-', '0', '99999999', 'null', '"x"', '[]', '\u0000', '\n', 'é', '-1', '1e309', '"a\\nb: c"'];

function mutate(line: string, next: () => number): string {
  const at = Math.floor(next() * line.length);
  switch (Math.floor(next() * 6)) {
    case 0:
      return line.slice(0, at);
    case 1:
      return line.slice(0, at) + (REPLACEMENTS[Math.floor(next() * REPLACEMENTS.length)] ?? '') + line.slice(at + 1);
    case 2:
      return line.slice(0, at) + 'A'.repeat(10_000) + line.slice(at);
    case 3:
      return Array.from({ length: 64 }, () => String.fromCharCode(Math.floor(next() * 256))).join('');
    case 4:
      // A number where a string was, or the reverse.
      return line.replace(/"(\d+)"/, '$1').replace(/:(\d+)/, ':"$1"');
    default:
      return line.slice(at) + line.slice(0, at);
  }
}

describe('adapters on mutated real lines', () => {
  it.each(Object.keys(SEEDS) as ExtendedFormat[])('%s: 2000 mutated lines, no throw, every line accounted for, every flow valid', (format) => {
    // Seeded, so a failure can be replayed.
    const next = seededRandom(format.length * 7919).next;
    const adapter = createAdapterFor(format);
    const seeds = SEEDS[format];
    let held = 0;
    let settledLater = 0;
    const check = (outcomes: ReturnType<typeof adapter.finish>) => {
      for (const outcome of outcomes) if (outcome.kind === 'flow') expect(FlowSchema.safeParse(outcome.flow).success).toBe(true);
    };
    for (let index = 0; index < 2000; index++) {
      const seed = seeds[index % seeds.length] ?? '';
      const outcomes = adapter.push(mutate(seed, next), { source: 'fuzz', line: index + 1 });
      check(outcomes);
      // A line with no outcome is held back for orientation and must be settled exactly once later.
      if (outcomes.every((outcome) => outcome.origin !== undefined)) held++;
      settledLater += outcomes.filter((outcome) => outcome.origin !== undefined).length;
    }
    const settled = adapter.finish();
    check(settled);
    settledLater += settled.length;
    expect(settledLater).toBe(held);
  }, 30_000);
});

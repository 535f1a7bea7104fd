import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FLOW_FORMATS } from '../flow/flow.js';
import {
  createAdapterFor,
  detectExtendedFormat,
  looksLikeAntrea,
  looksLikeAwsVpcCni,
  looksLikeCalico,
  looksLikeNetobserv,
  type ExtendedFormat,
} from './format-detectors.js';

const FLOWS = path.resolve(process.cwd(), '../shared/flows');
const lines = (file: string): string[] => readFileSync(path.join(FLOWS, file), 'utf8').split('\n').filter((line) => line.trim() !== '');
const netobservRecords = (file: string): string[] => {
  const response = JSON.parse(readFileSync(path.join(FLOWS, file), 'utf8')) as { data: { result: { values: [string, string][] }[] } };
  return response.data.result.flatMap((stream) => stream.values.map(([, line]) => line));
};

/** Every record line of every real sample, with the format it must be detected as. */
const SAMPLE_LINES: readonly (readonly [string, ExtendedFormat, readonly string[]])[] = [
  ['calico/tigera-cs-observability-clinic__3CLI_flows.log_deny.jsonl', 'calico', lines('calico/tigera-cs-observability-clinic__3CLI_flows.log_deny.jsonl')],
  ['calico/tigera-cs-observability-clinic__3CLI_felix_syslog_hep_deny.txt', 'calico', lines('calico/tigera-cs-observability-clinic__3CLI_felix_syslog_hep_deny.txt')],
  // The documentation example is invalid JSON; joined into one line it is still meant as Calico, so its adapter explains why.
  ['calico/tigera-docs__calico-enterprise_flow_datatypes_example.json.txt', 'calico', [readFileSync(path.join(FLOWS, 'calico/tigera-docs__calico-enterprise_flow_datatypes_example.json.txt'), 'utf8').replace(/\n/g, ' ')]],
  ['aws-vpc-cni/issue73__old-format_v1.0.x_network-policy-agent.log.jsonl', 'aws-vpc-cni', lines('aws-vpc-cni/issue73__old-format_v1.0.x_network-policy-agent.log.jsonl')],
  ['aws-vpc-cni/issue163__cloudwatch-format.txt', 'aws-vpc-cni', lines('aws-vpc-cni/issue163__cloudwatch-format.txt')],
  ['antrea/antrea__docs-antctl_get_flowrecords.json', 'antrea', (JSON.parse(readFileSync(path.join(FLOWS, 'antrea/antrea__docs-antctl_get_flowrecords.json'), 'utf8')) as unknown[]).map((record) => JSON.stringify(record))],
  ['antrea/antrea__docs-antrea-network-policy_np.log_examples.txt', 'antrea', lines('antrea/antrea__docs-antrea-network-policy_np.log_examples.txt')],
  ...['netobserv-console-plugin__mocks_loki_flow_records.json', 'netobserv-console-plugin__mocks_loki_flow_records_has_dropped.json', 'netobserv-console-plugin__mocks_loki_flow_records_sent.json'].map(
    (file) => [`netobserv/${file}`, 'netobserv' as const, netobservRecords(`netobserv/${file}`).filter((line) => line.includes('"SrcAddr"'))] as const,
  ),
];

const RECOGNISERS = { calico: looksLikeCalico, 'aws-vpc-cni': looksLikeAwsVpcCni, antrea: looksLikeAntrea, netobserv: looksLikeNetobserv } as const;

describe('format recognisers on every real sample', () => {
  it.each(SAMPLE_LINES)('%s is %s, and no other recogniser claims it', (_file, format, sampleLines) => {
    expect(sampleLines.length).toBeGreaterThan(0);
    for (const line of sampleLines) {
      expect(detectExtendedFormat(line)).toBe(format);
      for (const [other, recognise] of Object.entries(RECOGNISERS)) if (other !== format) expect(recognise(line)).toBe(false);
    }
  });

  it.each(readdirSync(path.join(FLOWS, 'hubble')))('hubble/%s is left to the Hubble detector', (file) => {
    for (const line of lines(`hubble/${file}`)) expect(detectExtendedFormat(line)).toBeUndefined();
  });

  it('NetObserv ARP records (no addresses) are recognised by their time field', () => {
    const arp = netobservRecords('netobserv/netobserv-console-plugin__mocks_loki_flow_records_sent.json').filter((line) => !line.includes('"SrcAddr"'));
    expect(arp).toHaveLength(4);
    for (const line of arp) expect(looksLikeNetobserv(line)).toBe(true);
  });
});

describe('format recognisers on hand-made lines', () => {
  it.each<[string, string, ExtendedFormat | undefined]>([
    ['a Goldmane flow', '{"Key":{"source_name":"a-*","source_type":"WorkloadEndpoint","dest_port":80},"start_time":1}', 'calico'],
    ['a Goldmane FlowResult (has "flow", which Hubble would claim)', '{"id":1,"flow":{"key":{"sourceName":"a-*","sourceType":1,"destPort":"80"}}}', 'calico'],
    ['an AWS v1.2.2+ line', '{"level":"debug","ts":"2026-04-13T21:18:46.888Z","msg":"Flow Info: Src IP: 10.0.1.28 Src Port: 55484 Dest IP: 10.0.1.132 Dest Port: 80 Proto TCP Verdict ACCEPT Direction egress"}', 'aws-vpc-cni'],
    ['an antctl array on one line', '[{"sourceTransportPort":1,"destinationTransportPort":53}]', 'antrea'],
    ['an empty line', '', undefined],
    ['plain text', 'hello world', undefined],
    ['a JSON object of nothing known', '{"a":1}', undefined],
  ])('%s → %s', (_name, line, format) => {
    expect(detectExtendedFormat(line)).toBe(format);
  });
});

describe('createAdapterFor', () => {
  it.each(FLOW_FORMATS)('%s → an adapter of that format', (format) => {
    const adapter = createAdapterFor(format);
    expect(adapter.format).toBe(format);
    expect(adapter.finish()).toEqual([]);
  });
});

import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { DeadLetter } from '../pipeline/records.js';
import { ingest, ingestLines } from './embedded-ingest.js';
import { HubbleFlowSchema, isHubbleFlow } from '../adapters/hubble/hubble-record.js';

const TCP_SAMPLE = path.resolve(process.cwd(), '../shared/flows/hubble/hubble-otel__basic-sample-400-tcp-flows.json');
const DNS_SAMPLE = path.resolve(process.cwd(), '../shared/flows/hubble/hubble-otel__basic-sample-5-dns-flows.json');

describe('ingest', () => {
  it('streams files and stdin through one set of adapters and accounts for every record', async () => {
    const letters: DeadLetter[] = [];
    const progress: number[] = [];
    const stdin = Readable.from(['{"flow": broken\n', 'src=1.2.3.4 dst=5.6.7.8 action=allow\n', '\n']);
    const { flows, report } = await ingest([TCP_SAMPLE, '-', DNS_SAMPLE], { stdin, onDeadLetter: (letter) => letters.push(letter), onProgress: (n) => progress.push(n), progressEvery: 100 });
    expect(report.recordsRead).toBe(400 + 2 + 5);
    expect(report.flowsProduced).toBe(flows.length);
    expect(report.flowsProduced + report.deadLetters.count + report.quarantined.count + report.skipped.count).toBe(report.recordsRead);
    expect(report.recordsByFormat).toEqual({ hubble: 406, unknown: 1 });
    expect(report.deadLetters.count).toBe(2);
    expect(letters.map((letter) => [letter.source, letter.line])).toEqual([
      ['-', 1],
      ['-', 2],
    ]);
    expect(letters[1]?.reason).toContain('unknown format');
    expect(letters[0]?.record).toBe('{"flow": broken');
    expect(progress).toEqual([100, 200, 300, 400, 407]);
    expect(report.deniedFlows).toBe(0);
    expect(report.skipped.byReason['Cilium health check (reserved:health)']).toBe(1);
  });

  it('fails with the path when a file cannot be opened', async () => {
    await expect(ingest(['/nonexistent/flows.json'])).rejects.toThrow('/nonexistent/flows.json');
  });

  it('ingestLines: quarantined records are counted by reason with their origin', () => {
    const line = JSON.stringify({
      flow: {
        time: '2025-01-01T10:00:00Z',
        verdict: 'DROPPED',
        IP: { source: '10.0.0.1', destination: '10.0.0.2' },
        l4: { TCP: { source_port: 9000, destination_port: 8080 } },
        event_type: { type: 1 },
      },
    });
    const { report } = ingestLines([{ record: line, origin: { source: 'a.json', line: 7 } }], { format: 'hubble' });
    expect(report.quarantined.count).toBe(1);
    expect(report.quarantined.examples).toEqual([{ source: 'a.json', line: 7, reason: expect.stringContaining('direction unknown') }]);
  });
});

describe('isHubbleFlow (the hot-path check) accepts exactly what HubbleFlowSchema accepts', () => {
  const base = {
    time: '2025-01-01T10:00:00Z',
    verdict: 'FORWARDED',
    IP: { source: '10.0.0.1', destination: 'fd00::1' },
    l4: { TCP: { source_port: 1, destination_port: 2, flags: { SYN: true } } },
    source: { identity: 1, namespace: 'a', labels: ['k8s:a=b'], pod_name: 'p', workloads: [{ name: 'w', kind: 'Deployment' }] },
    is_reply: null,
    l7: null,
    event_type: { type: 4, sub_type: 1 },
  };
  it.each<[string, unknown]>([
    ['the base record', base],
    ['a bare empty object', {}],
    ['null', null],
    ['an array', []],
    ['time as a number', { ...base, time: 1 }],
    ['IP not an address', { ...base, IP: { source: 'x', destination: '10.0.0.1' } }],
    ['IP missing destination', { ...base, IP: { source: '10.0.0.1' } }],
    ['port 65536', { ...base, l4: { UDP: { source_port: 65536 } } }],
    ['port 1.5', { ...base, l4: { SCTP: { destination_port: 1.5 } } }],
    ['flag as string', { ...base, l4: { TCP: { flags: { ACK: 'yes' } } } }],
    ['icmp type 256', { ...base, l4: { ICMPv6: { type: 256 } } }],
    ['labels with a number', { ...base, source: { labels: ['a', 1] } }],
    ['negative identity', { ...base, destination: { identity: -1 } }],
    ['workload without kind', { ...base, source: { workloads: [{ name: 'w' }] } }],
    ['reply as string', { ...base, reply: 'true' }],
    ['is_reply true', { ...base, is_reply: true }],
    ['event type missing type', { ...base, event_type: {} }],
    ['l7 as string', { ...base, l7: 'REQUEST' }],
    ['l4 null', { ...base, l4: null }],
    ['destination_service null', { ...base, destination_service: null }],
    ['source_service with numeric name', { ...base, source_service: { name: 1 } }],
    ['unknown fields', { ...base, ethernet: { source: 'x' }, Summary: 'y' }],
  ])('%s', (_, value) => {
    expect(isHubbleFlow(value)).toBe(HubbleFlowSchema.safeParse(value).success);
  });
});

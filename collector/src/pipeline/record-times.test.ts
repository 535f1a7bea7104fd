import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingest, ingestLines } from '../service/embedded-ingest.js';
import { sampleLines } from '../adapters/testing/adapter-samples.js';
import { DEFAULT_RECORD_TIME_LIMITS, RecordTimes } from './record-times.js';

/**
 * Impossible record times are dead letters (issue 11, item 2): one record dated 1970 or 2999 must
 * not stretch an observation window past `apply`'s --min-window gate. The run's time is a clock
 * the test fixes.
 */

const DEMO_RUN = Date.parse('2026-12-01T12:00:00Z');
const clock = () => DEMO_RUN;
/** A real Hubble record of the sample, with its time replaced. */
const [REAL] = sampleLines('hubble', 'hubble-otel__basic-sample-10-flows.json');
const withTime = (time: string, port: number) => (REAL as string).replace(/"time":"[^"]+"/, `"time":"${time}"`).replace(/"destination_port":\d+/, `"destination_port":${port}`);

describe('record times against the time of the run', () => {
  it.each([
    ['1970-01-01T00:00:00Z', /1970-01-01T00:00:00\.000Z is more than 3650d before the time of this run \(2026-12-01T12:00:00\.000Z\)/],
    ['2999-01-01T00:00:00Z', /2999-01-01T00:00:00\.000Z is more than 5m after the time of this run/],
    ['+275760-09-13T00:00:00Z', /is more than 5m after the time of this run/],
    ['2026-12-01T12:06:00Z', /2026-12-01T12:06:00\.000Z is more than 5m after/],
  ])('a flow dated %s is a dead letter with the reason', (time, reason) => {
    const { flows, report } = ingestLines([{ record: withTime(time, 8080), origin: { source: 'test', line: 1 } }], { recordTimes: { clock } });
    expect(flows).toEqual([]);
    expect(report.deadLetters.count).toBe(1);
    expect(report.deadLetters.examples[0]?.reason).toMatch(/^field time: /);
    expect(report.deadLetters.examples[0]?.reason).toMatch(reason);
  });

  it('keeps the believable flows of a run and drops only the impossible ones', () => {
    const lines = [withTime('2024-05-06T00:00:40Z', 8080), withTime('1970-01-01T00:00:00Z', 8081), withTime('2024-05-06T01:00:40Z', 8082), withTime('2999-01-01T00:00:00Z', 8083)];
    const { flows, report } = ingestLines(
      lines.map((record, index) => ({ record, origin: { source: 'test', line: index + 1 } })),
      { recordTimes: { clock } },
    );
    expect(flows.map((flow) => new Date(flow.time).toISOString())).toEqual(['2024-05-06T00:00:40.000Z', '2024-05-06T01:00:40.000Z']);
    expect(report.deadLetters.examples.map((letter) => letter.line)).toEqual([2, 4]);
  });

  it('takes its limits from the options', () => {
    const times = new RecordTimes({ clock, maxFutureSkewMs: 3_600_000, maxAgeMs: 86_400_000 });
    expect(times.reason(DEMO_RUN + 3_000_000)).toBeUndefined();
    expect(times.reason(DEMO_RUN + 3_700_000)).toMatch(/more than 1h after/);
    expect(times.reason(DEMO_RUN - 2 * 86_400_000)).toMatch(/more than 1d before/);
    expect(DEFAULT_RECORD_TIME_LIMITS).toEqual({ maxFutureSkewMs: 300_000, maxAgeMs: 3650 * 86_400_000 });
  });

  it('infers the year of a felix syslog line so that it is not in the future (December read in January)', () => {
    const line = 'Dec 31 23:59:00 bastion calico-felix[312412]: INFO <nil> <nil>:  action="deny" dstIP="147.75.40.148" dstPort="443" proto="6" srcIP="10.0.1.10" srcPort="57312" trafficDir="outbound" updateType=report';
    const january = () => Date.parse('2027-01-01T00:10:00Z');
    const { report } = ingestLines([{ record: line, origin: { source: 'test', line: 1 } }], { recordTimes: { clock: january } });
    // Quarantined (no cluster state to name the addresses), not dead-lettered as a record from the future.
    expect(report.deadLetters.count).toBe(0);
    expect(report.quarantined.count).toBe(1);
  });

  it('accepts every real sample in ../shared/flows at the end of 2026', async () => {
    const root = path.resolve(process.cwd(), '../shared/flows');
    const files = readdirSync(root, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile() && !entry.name.endsWith('.md'));
    expect(files.length).toBeGreaterThan(15);
    for (const entry of files) {
      const file = path.join(entry.parentPath, entry.name);
      const unchecked = await ingest([file], { recordTimes: { clock, maxAgeMs: Number.MAX_SAFE_INTEGER, maxFutureSkewMs: Number.MAX_SAFE_INTEGER } });
      const checked = await ingest([file], { recordTimes: { clock } });
      expect(checked.report.deadLetters.examples.filter((letter) => letter.reason.startsWith('field time:')), file).toEqual([]);
      expect(checked.flows.length, file).toBe(unchecked.flows.length);
    }
  });
});

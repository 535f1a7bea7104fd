import { describe, expect, it } from 'vitest';
import { ingestLines } from '../service/embedded-ingest.js';
import { sampleLines } from './testing/adapter-samples.js';

/**
 * Verdicts (issue 11, item 8): a value the format does not have is a dead letter naming the field,
 * and a missing one never teaches. Hubble leaves the zero value VERDICT_UNKNOWN out of its JSON, so
 * such a record is quarantined (counted, shown, never a flow), and a later record of the same
 * connection that carries a verdict still becomes the flow. The records go through the whole
 * pipeline, as `generate --flows` reads them.
 */

const [FORWARDED] = sampleLines('hubble', 'hubble-otel__basic-sample-10-flows.json').filter((line) => line.includes('"verdict":"FORWARDED"'));
const withVerdict = (verdict: string | undefined) =>
  verdict === undefined ? (FORWARDED as string).replace(/"verdict":"FORWARDED",?/, '') : (FORWARDED as string).replace('"verdict":"FORWARDED"', `"verdict":${JSON.stringify(verdict)}`);
const run = (records: readonly string[]) => ingestLines(records.map((record, index) => ({ record, origin: { source: 'test', line: index + 1 } })));

describe('Hubble verdicts', () => {
  it.each(['FOO', 'forwarded', ''])('%j is a dead letter naming flow.verdict', (verdict) => {
    const { flows, report } = run([withVerdict(verdict)]);
    expect(flows).toEqual([]);
    expect(report.deadLetters.examples.map((letter) => letter.reason)).toEqual([expect.stringMatching(/^field flow\.verdict: .* is not a Hubble verdict \(one of AUDIT, DROPPED, ERROR, FORWARDED/)]);
  });

  it.each([['left out', undefined], ['VERDICT_UNKNOWN', 'VERDICT_UNKNOWN']])('a verdict %s is quarantined and teaches nothing', (_name, verdict) => {
    const { flows, report } = run([withVerdict(verdict)]);
    expect(flows).toEqual([]);
    expect(report.quarantined.byReason).toEqual({ 'no verdict (VERDICT_UNKNOWN, or left out as proto3 does): whether Cilium allowed it is not known': 1 });
  });

  it('a record without a verdict does not hide a later one of the same connection that has one', () => {
    const { flows } = run([withVerdict(undefined), withVerdict('FORWARDED')]);
    expect(flows.map((flow) => flow.verdict)).toEqual(['allowed']);
  });

  it.each([['FORWARDED', 'allowed'], ['AUDIT', 'allowed'], ['DROPPED', 'denied'], ['ERROR', 'denied']])('%s is %s', (verdict, expected) => {
    expect(run([withVerdict(verdict)]).flows.map((flow) => flow.verdict)).toEqual([expected]);
  });
});

describe('Calico felix syslog actions', () => {
  const line = (action: string) =>
    `Aug  4 16:14:12 bastion calico-felix[312412]: INFO <nil> <nil>:  action="${action}" dstIP="147.75.40.148" dstPort="443" proto="6" srcIP="10.0.1.10" srcPort="57312" trafficDir="outbound" updateType=report`;
  it('an action felix does not log is a dead letter naming the field', () => {
    const { report } = run([line('FOO')]);
    expect(report.deadLetters.examples.map((letter) => letter.reason)).toEqual(['field action: expected "allow" or "deny", got "FOO"']);
  });
  it('allow and deny are read (quarantined here only because no cluster state names the addresses)', () => {
    const { report } = run([line('allow'), line('deny').replace('57312', '57313')]);
    expect(report.deadLetters.count).toBe(0);
  });
});

describe('AWS VPC CNI and Calico flow-log verdicts', () => {
  it('an AWS verdict outside ACCEPT, DENY, EXPIRED/DELETED is a dead letter', () => {
    const [real] = sampleLines('aws-vpc-cni', 'issue73__old-format_v1.0.x_network-policy-agent.log.jsonl');
    const { report } = run([(real as string).replace(/"Verdict":"[A-Z/]+"/, '"Verdict":"FOO"')]);
    expect(report.deadLetters.count).toBe(1);
  });
  it('a Calico flow-log action outside allow and deny is a dead letter', () => {
    const [real] = sampleLines('calico', 'tigera-cs-observability-clinic__3CLI_flows.log_deny.jsonl');
    const { report } = run([(real as string).replace(/"action":"deny"/, '"action":"FOO"')]);
    expect(report.deadLetters.examples.map((letter) => letter.reason)).toEqual([expect.stringMatching(/action/)]);
  });
});

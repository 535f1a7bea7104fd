import { describe, expect, it } from 'vitest';
import type { AdapterOutcome } from '../adapter.js';
import { createHubbleAdapter } from './hubble.js';
import { ingestLines } from '../../service/embedded-ingest.js';
import { HUBBLE_SAMPLES, sampleLines } from '../testing/adapter-samples.js';

/**
 * Pins what the Hubble adapter makes of every real sample, record by record, and of hostile and
 * odd variants of those records replayed after them (so they meet connections already known and
 * exercise the skip path). The snapshots were written before the hot path was optimised; a change
 * of any outcome, reason or flow shows here. Update them only for an intended change of behaviour.
 */

const sample = (name: string): string[] => sampleLines('hubble', name);

/** Replaces the first match of `pattern` (a no-op variant, and so harmless, when there is none). */
const sub = (line: string, pattern: RegExp, replacement: string | ((match: string, ...groups: string[]) => string)): string =>
  typeof replacement === 'string' ? line.replace(pattern, replacement) : line.replace(pattern, replacement);

/**
 * Text-level variants of one record: broken JSON, valid JSON spelled differently (whitespace,
 * escapes, number forms, duplicate keys), wrong types, hostile names and labels, other times,
 * verdicts and directions.
 */
const MUTATIONS: ReadonlyArray<readonly [string, (line: string) => string]> = [
  ['truncated third', (line) => line.slice(0, Math.floor(line.length / 3))],
  ['truncated last', (line) => line.slice(0, -1)],
  ['trailing garbage', (line) => `${line}x`],
  ['trailing whitespace', (line) => `${line} \t\r`],
  ['leading whitespace', (line) => `  ${line}`],
  ['spaced', (line) => JSON.stringify(JSON.parse(line), null, '\t').replace(/\n/g, ' ')],
  ['escaped pod name', (line) => sub(line, /"pod_name":"(.)/, (_m: string, c: string) => `"pod_name":"\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)],
  ['escaped key', (line) => sub(line, /"is_reply":/, '"is\\u005freply":')],
  ['escaped slash in label', (line) => sub(line, /"k8s:([a-z.]+)\//, '"k8s:$1\\/')],
  ['port as string', (line) => sub(line, /"destination_port":(\d+)/, '"destination_port":"$1"')],
  ['port as float', (line) => sub(line, /"source_port":(\d+)/, '"source_port":$1.0')],
  ['port with exponent', (line) => sub(line, /"destination_port":(\d+)/, '"destination_port":$1e0')],
  ['port fraction', (line) => sub(line, /"destination_port":(\d+)/, '"destination_port":$1.5')],
  ['port negative', (line) => sub(line, /"source_port":(\d+)/, '"source_port":-$1')],
  ['port too large', (line) => sub(line, /"destination_port":(\d+)/, '"destination_port":7$1')],
  ['port leading zero', (line) => sub(line, /"destination_port":(\d+)/, '"destination_port":0$1')],
  ['port zero', (line) => sub(line, /"destination_port":(\d+)/, '"destination_port":0')],
  ['no destination port', (line) => sub(line, /"destination_port":\d+,?/, '')],
  ['is_reply string', (line) => sub(line, /"is_reply":(true|false)/, '"is_reply":"$1"')],
  ['is_reply null', (line) => sub(line, /"is_reply":(true|false)/, '"is_reply":null')],
  ['is_reply flipped', (line) => sub(line, /"is_reply":(true|false)/, (_m: string, v: string) => `"is_reply":${v === 'true' ? 'false' : 'true'}`)],
  ['is_reply removed', (line) => sub(line, /,"is_reply":(true|false)/, '')],
  ['is_reply duplicated', (line) => sub(line, /"is_reply":(true|false)/, (_m: string, v: string) => `"is_reply":${v === 'true' ? 'false' : 'true'},"is_reply":${v}`)],
  ['is_reply duplicated, last flipped', (line) => sub(line, /"is_reply":(true|false)/, (_m: string, v: string) => `"is_reply":${v},"is_reply":${v === 'true' ? 'false' : 'true'}`)],
  ['IP duplicated', (line) => sub(line, /"IP":\{/, '"IP":{"source":"10.9.9.9","destination":"10.9.9.8"},"IP":{')],
  ['flow key duplicated', (line) => `{"flow":{"verdict":"DROPPED"},${line.slice(1)}`],
  ['time invalid', (line) => sub(line, /"time":"[^"]*"/, '"time":"yesterday"')],
  ['time lower case', (line) => sub(line, /"time":"([^"]*)T([^"]*)Z"/, '"time":"$1t$2z"')],
  ['time offset', (line) => sub(line, /"time":"([^"]*)Z"/, '"time":"$1+02:00"')],
  ['time no fraction', (line) => sub(line, /"time":"([^".]*)\.\d+Z"/, '"time":"$1Z"')],
  ['time millis', (line) => sub(line, /"time":"([^".]*\.\d{3})\d*Z"/, '"time":"$1Z"')],
  ['time one digit fraction', (line) => sub(line, /"time":"([^".]*\.\d)\d*Z"/, '"time":"$1Z"')],
  ['time later', (line) => sub(line, /"time":"(\d{4}-\d\d-\d\d)T\d\d/, '"time":"$1T23')],
  ['time next year', (line) => sub(line, /"time":"\d{4}/, '"time":"2030')],
  ['time day 31 of a 30-day month', (line) => sub(line, /"time":"(\d{4})-\d\d-\d\d/, '"time":"$1-11-31')],
  ['time day 30 of February', (line) => sub(line, /"time":"(\d{4})-\d\d-\d\d/, '"time":"$1-02-30')],
  ['time hour 24', (line) => sub(line, /"time":"(\d{4}-\d\d-\d\d)T\d\d:\d\d:\d\d(\.\d+)?/, '"time":"$1T24:00:00')],
  ['time second 60', (line) => sub(line, /"time":"(\d{4}-\d\d-\d\dT\d\d:\d\d):\d\d/, '"time":"$1:60')],
  ['time year 0', (line) => sub(line, /"time":"\d{4}/, '"time":"0000')],
  ['time space separator', (line) => sub(line, /"time":"(\d{4}-\d\d-\d\d)T/, '"time":"$1 ')],
  ['time missing', (line) => line.replace(/"time":"[^"]*",?/g, '')],
  ['time number', (line) => sub(line, /"time":"[^"]*"/, '"time":1')],
  ['verdict dropped', (line) => sub(line, /"verdict":"[A-Z]+"/, '"verdict":"DROPPED"')],
  ['verdict odd', (line) => sub(line, /"verdict":"[A-Z]+"/, '"verdict":"WHATEVER"')],
  ['event type 3', (line) => sub(line, /"event_type":\{"type":\d+/, '"event_type":{"type":3')],
  ['event type fraction', (line) => sub(line, /"event_type":\{"type":\d+/, '"event_type":{"type":4.5')],
  ['event type as string', (line) => sub(line, /"event_type":\{"type":(\d+)/, '"event_type":{"type":"$1"')],
  ['IP invalid', (line) => sub(line, /"IP":\{"source":"[^"]*"/, '"IP":{"source":"10.0.0.999"')],
  ['IP v6', (line) => sub(line, /"IP":\{"source":"[^"]*"/, '"IP":{"source":"fd00::1"')],
  ['IP missing', (line) => sub(line, /"IP":\{[^}]*\},?/, '')],
  ['l4 UDP', (line) => sub(line, /"l4":\{"TCP":/, '"l4":{"UDP":')],
  ['l4 empty', (line) => sub(line, /"l4":\{/, '"l4":{"other":')],
  ['SYN', (line) => sub(line, /"flags":\{/, '"flags":{"SYN":true,')],
  ['SYN as string', (line) => sub(line, /"flags":\{/, '"flags":{"SYN":"yes",')],
  ['hostile label key', (line) => sub(line, /"labels":\["/, '"labels":["k8s:bad key=x","')],
  ['hostile label value', (line) => sub(line, /"labels":\["/, '"labels":["k8s:app=$(rm -rf)","')],
  ['label not a string', (line) => sub(line, /"labels":\[/, '"labels":[1,')],
  ['health label', (line) => sub(line, /"labels":\[/, '"labels":["reserved:health",')],
  ['labels reordered', (line) => sub(line, /"labels":\[("[^"]*"),("[^"]*")/, '"labels":[$2,$1')],
  ['label added', (line) => sub(line, /"labels":\[/, '"labels":["k8s:extra=yes",')],
  ['namespace invalid', (line) => sub(line, /"namespace":"[^"]*"/, '"namespace":"Bad_NS"')],
  ['namespace label invalid', (line) => sub(line, /io\.kubernetes\.pod\.namespace=[^"]*"/, 'io.kubernetes.pod.namespace=Bad_NS"')],
  ['pod name invalid', (line) => sub(line, /"pod_name":"[^"]*"/, '"pod_name":"Bad_Pod"')],
  ['pod name other', (line) => sub(line, /"pod_name":"([^"]*)"/, '"pod_name":"$1-x"')],
  ['identity negative', (line) => sub(line, /"identity":(\d+)/, '"identity":-$1')],
  ['identity other', (line) => sub(line, /"identity":(\d+)/, '"identity":9$1')],
  ['workloads', (line) => sub(line, /"pod_name":/, '"workloads":[{"name":"my-app","kind":"Deployment"}],"pod_name":')],
  ['workloads invalid', (line) => sub(line, /"pod_name":/, '"workloads":[{"name":"My App","kind":"Deployment"}],"pod_name":')],
  ['service', (line) => sub(line, /"Type":/, '"destination_service":{"name":"reviews","namespace":"bookinfo"},"Type":')],
  ['service invalid', (line) => sub(line, /"Type":/, '"destination_service":{"name":"Reviews!"},"source_service":{"name":"Reviews!"},"Type":')],
  ['control character in a string', (line) => sub(line, /"Type":"/, '"Type":"\u0001')],
  ['tab in a string', (line) => sub(line, /"Type":"/, '"Type":"\t')],
  ['invalid escape', (line) => sub(line, /"Type":"/, '"Type":"\\x')],
  ['lone surrogate escape', (line) => sub(line, /"Type":"/, '"Type":"\\ud800')],
  ['non-ASCII text', (line) => sub(line, /"Type":"/, '"Type":"Übersicht – ')],
  ['literal misspelled', (line) => sub(line, /:(true|false)/, ':tru')],
  ['number malformed', (line) => sub(line, /"identity":(\d+)/, '"identity":1.')],
  ['number minus only', (line) => sub(line, /"identity":(\d+)/, '"identity":-')],
  ['exponent malformed', (line) => sub(line, /"identity":(\d+)/, '"identity":1e')],
  ['nested extra field', (line) => sub(line, /"flow":\{/, '"flow":{"extra":{"a":[1,2,{"b":null}],"c":-0.5e-3},')],
  ['not an envelope', (line) => (JSON.parse(line) as { flow?: unknown }).flow === undefined ? line : JSON.stringify((JSON.parse(line) as { flow: unknown }).flow)],
  ['array', (line) => `[${line}]`],
  ['node status', () => '{"node_status":{"state_change":"NODE_CONNECTED"}}'],
  ['flow null', () => '{"flow":null}'],
];

/** One outcome per line of the snapshot, with the line it belongs to. */
function describeOutcome(outcome: AdapterOutcome, line: number): string {
  const at = outcome.origin?.line ?? line;
  return outcome.kind === 'flow' ? `${at} flow ${JSON.stringify(outcome.flow)}` : `${at} ${outcome.kind} ${outcome.reason}`;
}

/** The sample, then every 9th record again under each mutation (after the originals, so their connections are known). */
function corpus(lines: readonly string[]): string[] {
  const out = [...lines];
  for (let index = 0; index < lines.length; index += 9) for (const [, mutate] of MUTATIONS) out.push(mutate(lines[index] as string));
  return out;
}

describe('Hubble adapter outcomes are pinned on every real sample and its variants', () => {
  it.each(HUBBLE_SAMPLES)('%s', async (name) => {
    const lines = corpus(sample(name));
    const adapter = createHubbleAdapter();
    const described: string[] = [];
    lines.forEach((line, index) => {
      for (const outcome of adapter.push(line, { source: name, line: index + 1 })) described.push(describeOutcome(outcome, index + 1));
    });
    for (const outcome of adapter.finish()) described.push(describeOutcome(outcome, 0));
    const { report } = ingestLines(
      lines.map((record, index) => ({ record, origin: { source: name, line: index + 1 } })),
      // The run's time is fixed: the variants dated 2030 and year 0 are dead letters against it (record-times.ts).
      { format: 'auto', recordTimes: { clock: () => Date.parse('2026-12-01T00:00:00Z') } },
    );
    await expect(`${described.join('\n')}\n${JSON.stringify(report, null, 1)}\n`).toMatchFileSnapshot(`__snapshots__/hubble-pinned/${name.replace(/\.json$/, '')}.txt`);
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEAD_LETTER_HEADERS, decodeFlow, ingestLines, type DeadLetter } from '@palisade/collector';
import { readDeadLetter } from '@palisade/collector/kafka';
import { startCollect } from '@palisade/collector/service';
import { describe, expect, it } from 'vitest';
import { createTestKafka } from '../../helpers/kafka.js';
import { fileLines, freshCollectorTopics, readTopic, sortedByJson, testCollectConfig } from './collector-harness.js';

const SAMPLE = resolve(process.cwd(), '../shared/flows/hubble/hubble-otel__basic-sample-400-tcp-flows.json');

/** Malformed records of the kinds a broken exporter or a torn write produces. */
const MALFORMED = [
  '{"flow":{"time":"2021-06-23T09:21:45.219Z","verdict":"FORWARDED","IP":{"source":"10.0.0.1"',
  '{"flow": 42}',
  'this is not a flow log line at all',
  '{"flow":{"time":"yesterday","verdict":"FORWARDED","IP":{"source":"10.0.0.1","destination":"10.0.0.2","ipVersion":"IPv4"}}}',
  '\u0000\u0001\u0002{"flow"\u00ff\u00fe',
];

describe('palisade collect: malformed records (real broker)', () => {
  it('sends each malformed line to the dead-letter topic with its reason, raw, and carries on with the rest', async () => {
    const kafka = createTestKafka();
    const topics = freshCollectorTopics(kafka);
    const good = fileLines(SAMPLE).slice(0, 60).map((line) => line.record);
    // Malformed lines at the start, in the middle and at the end: the stream must go on past each.
    const records = [MALFORMED[0], ...good.slice(0, 30), ...MALFORMED.slice(1, 4), ...good.slice(30), MALFORMED[4]] as string[];
    const path = join(mkdtempSync(join(tmpdir(), 'palisade-dlq-')), 'events.log');
    writeFileSync(path, `${records.join('\n')}\n`);

    const summary = await (await startCollect({ config: testCollectConfig(topics, { source: `file:${path}` }), handleSignals: false })).done;

    const expectedLetters: DeadLetter[] = [];
    const expected = ingestLines(fileLines(path), { onDeadLetter: (letter) => expectedLetters.push(letter) });
    expect(expectedLetters.map((letter) => letter.record)).toEqual(MALFORMED);
    expect(summary.deadLettered).toBe(MALFORMED.length);
    expect(summary.flowsProduced).toBe(expected.flows.length);
    expect(expected.flows.length).toBeGreaterThan(0);

    const letters = await readTopic(kafka, topics.deadLetterTopic);
    expect(letters.every((message) => typeof message.headers[DEAD_LETTER_HEADERS.reason]?.toString() === 'string')).toBe(true);
    expect(sortedByJson(letters.map((message) => readDeadLetter(message)))).toEqual(sortedByJson(expectedLetters));

    const flows = (await readTopic(kafka, topics.topic)).map((message) => decodeFlow(message.value));
    expect(sortedByJson(flows)).toEqual(sortedByJson(expected.flows.map((flow) => ({ ok: true, flow }))));
  });
});

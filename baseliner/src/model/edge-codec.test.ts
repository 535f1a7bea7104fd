import { describe, expect, it } from 'vitest';
import { decodeEdge, decodeObservation, encodeEdgeValue, encodeObservationValue, edgeOwner } from './edge-codec.js';
import { edgeKey } from './edge.js';
import { foldFlows } from './edge-fold.js';
import { CONTRACT_FLOWS } from '../store/testing/baseline-store-contract.js';
import { expiryCutoff, parseRetention } from './retention.js';
import { isEdgeUnderLock, lockField, lockTableFromFields } from './lock.js';

const { edges, workloads } = foldFlows(CONTRACT_FLOWS).baseline;

describe('edge codec', () => {
  it.each(edges.map((edge) => [edgeKey(edge), edge] as const))('round-trips %s', (key, edge) => {
    expect(decodeEdge(key, encodeEdgeValue(edge))).toEqual(edge);
  });

  it.each(workloads.map((observation) => [`${observation.namespace}/${observation.workload.name}`, observation] as const))('round-trips the observation of %s', (_name, observation) => {
    expect(decodeObservation(`${observation.namespace}/${observation.workload.kind}/${observation.workload.name}`, encodeObservationValue(observation))).toEqual(observation);
  });

  it.each([
    ['a field with too many parts', 'a|b|TCP|80|x', '1|2|3|0|allowed'],
    ['an unknown protocol', 'shop/Deployment/a|shop/Deployment/b|QUIC|80', '1|2|3|0|allowed'],
    ['a bad verdict', 'shop/Deployment/a|shop/Deployment/b|TCP|80', '1|2|3|0|maybe'],
    ['a non-number', 'shop/Deployment/a|shop/Deployment/b|TCP|80', '1|x|3|0|allowed'],
  ])('rejects %s', (_label, field, value) => {
    expect(decodeEdge(field, value)).toBeUndefined();
  });

  it('owns an edge by its destination workload, else its source workload', () => {
    expect(edges.map(edgeOwner)).toEqual(['shop/Deployment/api', 'shop/Deployment/api', 'shop/Deployment/api']);
    expect(edgeOwner({ source: { kind: 'world', ip: '203.0.113.1' }, destination: { kind: 'host' } })).toBe('host');
  });
});

describe('retention and locks', () => {
  it.each([
    ['14d', 14 * 86_400_000],
    ['36h', 36 * 3_600_000],
    ['1h30m', 90 * 60_000],
    ['2w', 14 * 86_400_000],
    ['0d', undefined],
    ['14 days', undefined],
    ['', undefined],
  ])('parses %j', (text, expected) => {
    expect(parseRetention(text)).toBe(expected);
  });

  it('cuts off the retention window before now', () => {
    expect(expiryCutoff(100_000, 40_000)).toBe(60_000);
  });

  it.each([
    ['the source workload', { 'wl:shop/Deployment/web': '1' }, [false, true, true]],
    ['the namespace', { 'ns:shop': '1' }, [true, true, true]],
    ['another namespace', { 'ns:pay': '1', junk: '2' }, [false, false, false]],
  ])('locks edges by %s', (_label, fields, expected) => {
    const locks = lockTableFromFields(fields);
    expect(edges.map((edge) => isEdgeUnderLock(edge, locks))).toEqual(expected);
  });

  it('names lock fields', () => {
    expect([lockField({ kind: 'namespace', namespace: 'shop' }), lockField({ kind: 'workload', workload: 'shop/Deployment/api' })]).toEqual(['ns:shop', 'wl:shop/Deployment/api']);
  });
});

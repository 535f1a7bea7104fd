import { describe, expect, it } from 'vitest';
import { ConnectionTracker, connectionKey, orientByPorts, reverseTuple, type ConnectionTuple } from './connection-tracker.js';

const tuple: ConnectionTuple = { protocol: 'TCP', sourceIp: '10.0.0.1', sourcePort: 40000, destinationIp: '10.0.0.2', destinationPort: 8080 };

describe('orientByPorts', () => {
  it.each([
    [40000, 8080, 'request'],
    [8080, 40000, 'reply'],
    [8080, 9090, undefined],
    [40000, 50000, undefined],
    [32768, 32767, 'request'],
    [undefined, 53, undefined],
  ] as const)('%s → %s is %s', (source, destination, expected) => {
    expect(orientByPorts(source, destination)).toBe(expected);
  });
});

describe('ConnectionTracker', () => {
  it('sees the first record as new, later ones as repeats, and a drop after an allowed one as news', () => {
    const tracker = new ConnectionTracker();
    const key = connectionKey(tuple);
    expect(tracker.observe(key, 1000, false)).toBe('new');
    expect(tracker.observe(key, 2000, false)).toBe('repeat');
    expect(tracker.observe(key, 3000, true)).toBe('newly-denied');
    expect(tracker.observe(key, 4000, true)).toBe('repeat');
  });

  it('forgets a connection idle longer than the timeout: the same 5-tuple later is a new connection', () => {
    const tracker = new ConnectionTracker({ idleTimeoutMs: 120_000 });
    const key = connectionKey(tuple);
    expect(tracker.observe(key, 0, false)).toBe('new');
    expect(tracker.observe(key, 100_000, false)).toBe('repeat');
    expect(tracker.observe(key, 300_001, false)).toBe('new');
  });

  it('stays within its size bound', () => {
    const tracker = new ConnectionTracker({ maxConnections: 100 });
    for (let port = 0; port < 1000; port++) tracker.observe(connectionKey({ ...tuple, sourcePort: 33000 + port }), port, false);
    expect(tracker.size).toBeLessThanOrEqual(100);
    expect(tracker.isKnown(connectionKey({ ...tuple, sourcePort: 33000 + 999 }), 999)).toBe(true);
  });

  it('orients by a known connection, then by a learned listener port', () => {
    const tracker = new ConnectionTracker();
    tracker.observe(connectionKey(tuple), 0, false);
    expect(tracker.orientByHistory(reverseTuple(tuple), 10)).toEqual({ direction: 'reply', evidence: 'known-connection' });
    expect(tracker.orientByHistory(tuple, 10)).toEqual({ direction: 'request', evidence: 'known-connection' });
    const other: ConnectionTuple = { ...tuple, sourceIp: '10.0.0.9', sourcePort: 8081 };
    expect(tracker.orientByHistory(other, 10)).toBeUndefined();
    tracker.learnListener('10.0.0.2', 'TCP', 8080);
    expect(tracker.orientByHistory(other, 10)).toEqual({ direction: 'request', evidence: 'listener-port' });
    expect(tracker.orientByHistory(reverseTuple(other), 10)).toEqual({ direction: 'reply', evidence: 'listener-port' });
  });
});

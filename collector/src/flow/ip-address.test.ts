import { describe, expect, it } from 'vitest';
import { FlowSchema } from './flow.js';
import { canonicalIp } from './ip-address.js';

describe('canonicalIp: one spelling per address', () => {
  it.each([
    ['::ffff:203.0.113.5', '203.0.113.5'],
    ['::FFFF:CB00:7105', '203.0.113.5'],
    ['0:0:0:0:0:ffff:203.0.113.5', '203.0.113.5'],
    ['FD00:0:0::0001', 'fd00::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['::1', '::1'],
    ['203.0.113.5', '203.0.113.5'],
    // Not mapped (an IPv4-compatible or translated address stays IPv6).
    ['::ffff:0:1.2.3.4', '::ffff:0:102:304'],
    ['not an address', 'not an address'],
  ])('%s → %s', (text, canonical) => {
    expect(canonicalIp(text)).toBe(canonical);
  });

  it('is applied by the Flow contract to both ends, so every reader of a Flow sees the IPv4 address', () => {
    const flow = FlowSchema.parse({
      time: 1,
      source: { kind: 'pod', ip: '::ffff:10.0.2.16', namespace: 'shop', workload: { kind: 'Deployment', name: 'api' } },
      destination: { kind: 'world', ip: '::ffff:203.0.113.5' },
      protocol: 'TCP',
      port: 443,
      verdict: 'allowed',
      format: 'hubble',
    });
    expect([flow.source.ip, flow.destination.ip]).toEqual(['10.0.2.16', '203.0.113.5']);
  });
});

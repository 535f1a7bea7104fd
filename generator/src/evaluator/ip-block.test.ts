import { describe, expect, it } from 'vitest';
import { cidrContains, cidrWithin, compileIpBlock, InvalidAddressError, ipBlockMatches, parseCidr, parseIp } from './ip-block.js';

describe('cidrContains', () => {
  it.each([
    ['10.0.0.0/8', '10.255.1.2', true],
    ['10.0.0.0/8', '11.0.0.1', false],
    ['10.0.0.5/24', '10.0.0.200', true],
    ['0.0.0.0/0', '203.0.113.7', true],
    ['0.0.0.0/0', '2001:db8::1', false],
    ['192.168.1.1/32', '192.168.1.1', true],
    ['192.168.1.1/32', '192.168.1.2', false],
    ['2001:db8::/32', '2001:db8:ffff::1', true],
    ['2001:db8::/32', '2001:db9::1', false],
    ['::/0', '::1', true],
    ['fd00::5/128', 'fd00:0:0:0:0:0:0:5', true],
    ['10.0.0.0/8', '::ffff:10.1.2.3', true],
    ['2001:db8::/32', '10.0.0.1', false],
  ])('%s contains %s: %s', (cidr, ip, expected) => {
    const parsed = parseIp(ip);
    expect(parsed).toBeDefined();
    expect(cidrContains(parseCidr(cidr), parsed as NonNullable<typeof parsed>)).toBe(expected);
  });

  it.each([['10.0.0.1'], ['10.0.0.0/33'], ['not-an-ip/8'], ['2001:db8::/129']])('rejects %s', (cidr) => {
    expect(() => parseCidr(cidr)).toThrow(InvalidAddressError);
  });

  it('suggests the host mask when it is missing', () => {
    expect(() => parseCidr('fd00::1')).toThrow('did you mean fd00::1/128?');
  });
});

describe('ipBlockMatches', () => {
  const block = compileIpBlock({ cidr: '10.0.0.0/16', except: ['10.0.1.0/24', '10.0.2.2/32'] });
  it.each([
    ['10.0.0.1', true],
    ['10.0.1.1', false],
    ['10.0.2.2', false],
    ['10.0.2.3', true],
    ['10.1.0.1', false],
  ])('%s: %s', (ip, expected) => {
    expect(ipBlockMatches(block, parseIp(ip) as NonNullable<ReturnType<typeof parseIp>>)).toBe(expected);
  });
});

describe('cidrWithin', () => {
  it.each([
    ['10.0.1.0/24', '10.0.0.0/16', true],
    ['10.0.0.0/8', '10.0.0.0/16', false],
    ['10.1.0.0/24', '10.0.0.0/16', false],
    ['fd00::/64', 'fd00::/48', true],
    ['fd00::/64', '10.0.0.0/8', false],
  ])('%s within %s: %s', (inner, outer, expected) => {
    expect(cidrWithin(parseCidr(inner), parseCidr(outer))).toBe(expected);
  });
});

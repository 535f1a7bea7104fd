import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { clusterStateFromObjects } from '../identity/cluster-state.js';
import { createIdentityResolver } from '../identity/identity-resolver.js';
import { describeIssue } from '../zod-message.js';
import { checkFlow, endpointForIp, IP_ENDPOINT_REASONS, isIcmpError, protocolFromName, protocolFromNumber, translateServiceDestination } from './ip-endpoint.js';

const resolver = createIdentityResolver(
  clusterStateFromObjects([
    { kind: 'Pod', metadata: { name: 'web-0', namespace: 'shop', labels: { app: 'web' } }, spec: { nodeName: 'node-a' }, status: { podIP: '10.0.0.5' } },
    { kind: 'Pod', metadata: { name: 'agent-x7k2p', namespace: 'ops' }, spec: { nodeName: 'node-a', hostNetwork: true }, status: { podIP: '192.168.0.1' } },
    { kind: 'Pod', metadata: { name: 'a-0', namespace: 'shop' }, status: { podIP: '10.0.0.9' } },
    { kind: 'Pod', metadata: { name: 'b-0', namespace: 'shop' }, status: { podIP: '10.0.0.9' } },
    { kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { clusterIP: '10.96.0.5', ports: [{ port: 80, targetPort: 8080 }] } },
    {
      kind: 'EndpointSlice',
      metadata: { name: 'web-1', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'web' } },
      ports: [{ port: 8080, protocol: 'TCP' }],
      endpoints: [{ addresses: ['10.0.0.5'], targetRef: { kind: 'Pod', name: 'web-0' } }],
    },
  ]),
);

describe('endpointForIp', () => {
  it.each([
    ['a pod', '10.0.0.5', undefined, { ok: true, kind: 'pod' }],
    ['a host-network address is the node', '192.168.0.1', undefined, { ok: true, kind: 'node' }],
    ['two pods on one address: never guessed', '10.0.0.9', undefined, { ok: false, reason: IP_ENDPOINT_REASONS.ambiguous }],
    ['an unknown address without a fallback', '203.0.113.1', undefined, { ok: false, reason: IP_ENDPOINT_REASONS.unknown }],
    ['an unknown address with the format’s fallback', '203.0.113.1', { kind: 'world' as const, ip: '203.0.113.1' }, { ok: true, kind: 'world' }],
  ])('%s', (_name, ip, fallback, expected) => {
    const resolved = endpointForIp(resolver, ip, 0, fallback);
    expect(resolved.ok ? { ok: true, kind: resolved.endpoint.kind } : resolved).toEqual(expected);
  });

  it('without a resolver an address is quarantined, unless the format says what it is', () => {
    expect(endpointForIp(undefined, '10.0.0.5', 0)).toEqual({ ok: false, reason: IP_ENDPOINT_REASONS.noClusterState });
    expect(endpointForIp(undefined, '10.0.0.5', 0, { kind: 'host', ip: '10.0.0.5' })).toEqual({ ok: true, endpoint: { kind: 'host', ip: '10.0.0.5' } });
  });
});

describe('translateServiceDestination', () => {
  it.each([
    ['a ClusterIP and port → the backend and its port', '10.96.0.5', 80, { ok: true, port: 8080, serviceName: 'shop/web', pod: 'web-0' }],
    ['a port the Service does not have', '10.96.0.5', 81, { ok: false, reason: IP_ENDPOINT_REASONS.servicePortUnknown }],
    ['an address that is no ClusterIP', '10.0.0.5', 80, undefined],
  ])('%s', (_name, ip, port, expected) => {
    const translated = translateServiceDestination(resolver, ip, port, 'TCP', 0);
    expect(translated?.ok ? { ok: true, port: translated.value.port, serviceName: translated.value.serviceName, pod: translated.value.endpoint.pod } : translated).toEqual(expected);
  });

  it('ICMP has no port to translate', () => {
    expect(translateServiceDestination(resolver, '10.96.0.5', undefined, 'ICMPv4', 0)).toBeUndefined();
  });
});

describe('small helpers', () => {
  it.each([
    [6, 'TCP'],
    [17, 'UDP'],
    [132, 'SCTP'],
    [1, 'ICMPv4'],
    [58, 'ICMPv6'],
    [47, undefined],
  ])('protocol %i is %s', (number, protocol) => {
    expect(protocolFromNumber(number)).toBe(protocol);
  });

  it.each([
    ['ICMPv4', 3, true],
    ['ICMPv4', 8, false],
    ['ICMPv6', 1, true],
    ['ICMPv6', 128, false],
    ['TCP', 3, false],
  ] as const)('%s type %i is an error: %s', (protocol, type, expected) => {
    expect(isIcmpError(protocol, type)).toBe(expected);
  });

  it('describeIssue names the field path, with a prefix', () => {
    const result = z.object({ a: z.object({ b: z.number() }) }).safeParse({ a: { b: 'x' } });
    expect(result.success).toBe(false);
    if (!result.success) expect(describeIssue(result.error, '3')).toMatch(/^field 3\.a\.b: /);
  });

  it('checkFlow turns an invalid flow into a dead letter naming the field', () => {
    const outcome = checkFlow({
      time: 1,
      source: { kind: 'pod', namespace: 'shop', workload: { kind: 'Pod', name: 'x' }, labels: { 'bad key': 'v' } },
      destination: { kind: 'world', ip: '203.0.113.1' },
      protocol: 'TCP',
      port: 443,
      verdict: 'allowed',
      format: 'calico',
    });
    expect(outcome).toEqual({ kind: 'dead-letter', reason: expect.stringMatching(/^field source\.labels\.bad key: invalid label key/) });
  });
});

describe('protocolFromName', () => {
  it.each([
    ['TCP', false, 'TCP'],
    ['udp', false, 'UDP'],
    ['Sctp', false, 'SCTP'],
    ['ICMP', false, 'ICMPv4'],
    ['ICMP', true, 'ICMPv6'],
    ['IPv6-ICMP', false, 'ICMPv6'],
    ['icmp6', false, 'ICMPv6'],
    ['ICMPv6', false, 'ICMPv6'],
    ['17', false, 'UDP'],
    ['GRE', false, undefined],
    ['47', false, undefined],
  ] as const)('%s (IPv6 addresses: %s) is %s', (name, ipv6, protocol) => {
    expect(protocolFromName(name, ipv6)).toBe(protocol);
  });
});

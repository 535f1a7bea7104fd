import type { ContainerPortInfo, Protocol } from '@palisade/collector';
import { describe, expect, it } from 'vitest';
import type { CompiledPort } from './port-match.js';
import { compilePort, InvalidPortError, portsMatch } from './port-match.js';

const DECLARED: ContainerPortInfo[] = [
  { name: 'http', port: 8080, protocol: 'TCP' },
  { name: 'dns', port: 53, protocol: 'UDP' },
];

describe('portsMatch', () => {
  it.each<[string, CompiledPort[] | undefined, Protocol, number | undefined, readonly ContainerPortInfo[] | undefined, boolean]>([
    ['no ports: everything', undefined, 'UDP', 9, undefined, true],
    ['empty ports: everything', [], 'SCTP', 9, undefined, true],
    ['no ports: ICMP too', undefined, 'ICMPv6', undefined, undefined, true],
    ['numeric port', [{ protocol: 'TCP', port: 80 }], 'TCP', 80, undefined, true],
    ['numeric port, other protocol', [{ protocol: 'TCP', port: 80 }], 'UDP', 80, undefined, false],
    ['protocol only', [{ protocol: 'UDP' }], 'UDP', 4242, undefined, true],
    ['range, lower bound', [{ protocol: 'TCP', port: 8000, endPort: 8100 }], 'TCP', 8000, undefined, true],
    ['range, upper bound', [{ protocol: 'TCP', port: 8000, endPort: 8100 }], 'TCP', 8100, undefined, true],
    ['range, past the end', [{ protocol: 'TCP', port: 8000, endPort: 8100 }], 'TCP', 8101, undefined, false],
    ['named port', [{ protocol: 'TCP', port: 'http' }], 'TCP', 8080, DECLARED, true],
    ['named port, other number', [{ protocol: 'TCP', port: 'http' }], 'TCP', 8081, DECLARED, false],
    ['named port, protocol differs from the declaration', [{ protocol: 'TCP', port: 'dns' }], 'TCP', 53, DECLARED, false],
    ['named port on a non-pod destination', [{ protocol: 'TCP', port: 'http' }], 'TCP', 8080, undefined, false],
    ['ports never match ICMP', [{ protocol: 'TCP' }], 'ICMPv4', undefined, undefined, false],
    ['second entry matches', [{ protocol: 'TCP', port: 1 }, { protocol: 'SCTP', port: 2 }], 'SCTP', 2, undefined, true],
  ])('%s', (_name, ports, protocol, port, declared, expected) => {
    expect(portsMatch(ports, protocol, port, declared)).toBe(expected);
  });
});

describe('compilePort', () => {
  it.each([
    [{}, { protocol: 'TCP' }],
    [{ port: 80 }, { protocol: 'TCP', port: 80 }],
    [{ protocol: 'SCTP', port: 'serve-80-sctp' }, { protocol: 'SCTP', port: 'serve-80-sctp' }],
    [{ port: 80, endPort: 90 }, { protocol: 'TCP', port: 80, endPort: 90 }],
  ])('%j → %j', (entry, expected) => {
    expect(compilePort(entry)).toEqual(expected);
  });

  it.each([[{ protocol: 'ICMP' }], [{ port: 'x', endPort: 9 }], [{ port: 90, endPort: 80 }]])('rejects %j', (entry) => {
    expect(() => compilePort(entry)).toThrow(InvalidPortError);
  });
});

import { describe, expect, it } from 'vitest';
import { palisade } from './testing/cli-harness.js';

describe('palisade collect (flags)', () => {
  it('documents its sources and flags', async () => {
    const run = await palisade(['collect', '--help']);
    expect(run.code).toBe(0);
    for (const flag of ['--source', '--format', '--kafka-brokers', '--kubeconfig', '--cluster', '--topic', '--partitions', '--metrics-port'])
      expect(run.stdout).toContain(flag);
    expect(run.stdout).toContain('follow:PATH');
  });

  it.each([
    [['--source', 'tcp:1234', '--kafka-brokers', 'kafka:9092'], '--source: "tcp:1234" is not file:PATH, follow:PATH, stdin or kafka:TOPIC'],
    [['--source', 'stdin', '--kafka-brokers', 'kafka'], '--kafka-brokers'],
    [['--source', 'stdin', '--kafka-brokers', 'kafka:9092', '--partitions', 'many'], '--partitions'],
    [['--source', 'stdin', '--kafka-brokers', 'kafka:9092', '--kubeconfig', 'a', '--cluster', 'b'], 'exclude each other'],
  ])('refuses %j with exit code 2 and names the flag', async (args, message) => {
    const run = await palisade(['collect', ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});

import { describe, expect, it } from 'vitest';
import { MemoryFlowSink } from './memory-sink.js';
import { CONTRACT_DEAD_LETTERS, CONTRACT_FLOWS, describeFlowSinkContract } from './testing/flow-sink-contract.js';

// The same contract the Kafka sink passes against a real broker (test/integration/collector).
describeFlowSinkContract('memory', async () => {
  const sink = new MemoryFlowSink();
  return { sink, delivered: async () => ({ flows: [...sink.flows], deadLetters: [...sink.deadLetters] }) };
});

describe('MemoryFlowSink', () => {
  it('holds each send before it returns, in the order handed over (ingestLines reads it without awaiting)', () => {
    const sink = new MemoryFlowSink();
    void sink.sendFlows(CONTRACT_FLOWS.slice(0, 3));
    void sink.sendDeadLetters(CONTRACT_DEAD_LETTERS.slice(0, 1));
    void sink.sendFlows(CONTRACT_FLOWS.slice(3));
    expect(sink.flows).toEqual(CONTRACT_FLOWS);
    expect(sink.deadLetters).toEqual(CONTRACT_DEAD_LETTERS.slice(0, 1));
  });
});

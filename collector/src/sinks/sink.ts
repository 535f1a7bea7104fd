import type { Flow } from '../flow/flow.js';
import type { DeadLetter } from '../pipeline/records.js';

/**
 * Where the collector puts what it read: oriented Flows, and dead letters for the records it could
 * not read. Two implementations share this interface: the Kafka sink (`kafka/flow-sink.ts`) of the
 * distributed pipeline and `MemoryFlowSink` (`memory-sink.ts`) of the embedded one (and of tests), so
 * the loop that feeds them (`service/record-pump.ts`) is the same for both. One contract suite
 * (`testing/flow-sink-contract.ts`) holds both to these promises.
 */
export interface FlowSink {
  /**
   * Hands flows over. Resolves once they are accepted into the sink's bounded buffer, which may
   * take a while when the transport is slow: that wait is the back-pressure the source feels.
   */
  sendFlows(flows: readonly Flow[]): Promise<void>;
  /** Hands dead letters over, with the same back-pressure as flows. */
  sendDeadLetters(letters: readonly DeadLetter[]): Promise<void>;
  /** Resolves once everything handed over before the call is durably written. */
  flush(): Promise<void>;
  /** Flushes, then releases the transport. Further sends reject. */
  close(): Promise<void>;
}

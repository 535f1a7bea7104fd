import type { Flow } from '../flow/flow.js';
import type { DeadLetter } from '../pipeline/records.js';

/**
 * Where the collector puts what it read: oriented Flows, and dead letters for the records it could
 * not read. Two implementations share this interface: the Kafka sink (`kafka/flow-sink.ts`) of the
 * distributed pipeline and {@link MemoryFlowSink} of the embedded one (and of tests), so the
 * service code is the same for both.
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

/** The embedded sink: keeps everything in memory, in the order it was handed over. */
export class MemoryFlowSink implements FlowSink {
  /** Flows received so far. */
  readonly flows: Flow[] = [];
  /** Dead letters received so far. */
  readonly deadLetters: DeadLetter[] = [];
  private closed = false;

  sendFlows(flows: readonly Flow[]): Promise<void> {
    this.assertOpen();
    for (const flow of flows) this.flows.push(flow);
    return Promise.resolve();
  }

  sendDeadLetters(letters: readonly DeadLetter[]): Promise<void> {
    this.assertOpen();
    for (const letter of letters) this.deadLetters.push(letter);
    return Promise.resolve();
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('MemoryFlowSink: send after close()');
  }
}

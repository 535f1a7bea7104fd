import type { Flow } from '../flow/flow.js';
import type { DeadLetter } from '../pipeline/records.js';
import type { FlowSink } from './sink.js';

/**
 * The embedded sink (`palisade generate --flows`, and tests): keeps everything in memory, in the
 * order it was handed over. There is no transport, so nothing waits: a send has taken effect by the
 * time it returns (its promise is already settled), and a caller that cannot await, such as
 * `ingestLines`, may read {@link MemoryFlowSink.flows} straight after. Memory grows with the input,
 * which suits a file read once, not a long-running service.
 */
export class MemoryFlowSink implements FlowSink {
  /** Flows received so far. */
  readonly flows: Flow[] = [];
  /** Dead letters received so far. */
  readonly deadLetters: DeadLetter[] = [];
  private closed = false;

  sendFlows(flows: readonly Flow[]): Promise<void> {
    if (this.closed) return closedError();
    for (const flow of flows) this.flows.push(flow);
    return Promise.resolve();
  }

  sendDeadLetters(letters: readonly DeadLetter[]): Promise<void> {
    if (this.closed) return closedError();
    for (const letter of letters) this.deadLetters.push(letter);
    return Promise.resolve();
  }

  /** Everything handed over is already held. */
  flush(): Promise<void> {
    return Promise.resolve();
  }

  /** Ends the sink; what it holds stays readable. */
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

function closedError(): Promise<never> {
  return Promise.reject(new Error('MemoryFlowSink: send after close()'));
}

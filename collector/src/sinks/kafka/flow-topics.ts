import type { Flow } from '../../flow/flow.js';
import { firstIssue } from '../../zod-message.js';
import { FlowSchema, describeEndpoint, workloadId } from '../../flow/flow.js';

/**
 * The Kafka contract between the collector and the baseliner (ARCHITECTURE.md, "Kafka topics"):
 * topic names, message keys, the Flow value encoding and the dead-letter headers. Both sides
 * import it from here, so they cannot drift.
 */

/** Topic names; each can be renamed by configuration. */
export interface FlowTopics {
  /** Oriented, validated Flows, keyed by destination workload. */
  readonly flows: string;
  /** Raw records that could not be read, with the reason and format in headers. */
  readonly deadLetters: string;
  /** Edges first seen after their workload's baseline was locked. */
  readonly anomalies: string;
}

/** The default topic names. */
export const DEFAULT_FLOW_TOPICS: FlowTopics = Object.freeze({
  flows: 'palisade.flows.v1',
  deadLetters: 'palisade.flows.dlq',
  anomalies: 'palisade.anomalies.v1',
});

/** Header names on dead-letter records. */
export const DEAD_LETTER_HEADERS = Object.freeze({
  reason: 'palisade-reason',
  format: 'palisade-format',
  source: 'palisade-source',
  line: 'palisade-line',
});

/**
 * Message key of a flow: the destination workload id (`ns/Kind/name`), so every flow into one
 * workload lands on one partition and one baseliner replica folds it; non-pod destinations are
 * keyed by their peer description (`world:203.0.113.7`).
 */
export function flowKey(flow: Flow): string {
  const destination = flow.destination;
  if (destination.kind === 'pod' && destination.namespace !== undefined && destination.workload !== undefined) {
    return workloadId(destination.namespace, destination.workload);
  }
  return describeEndpoint(destination);
}

/** The Kafka value of a flow: its JSON. */
export function encodeFlow(flow: Flow): string {
  return JSON.stringify(flow);
}

/** Why a Kafka value is not a Flow: the first field at fault and its problem. */
export type DecodedFlow = { readonly ok: true; readonly flow: Flow } | { readonly ok: false; readonly reason: string };

/**
 * Reads a Kafka value back into a Flow, validating it with the same schema the collector used,
 * so a message from another producer (or a corrupted one) is dead-lettered, never folded.
 */
export function decodeFlow(value: Buffer | string | null): DecodedFlow {
  if (value === null) return { ok: false, reason: 'empty message value' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: `not JSON: ${(error as Error).message}` };
  }
  const result = FlowSchema.safeParse(parsed);
  if (result.success) return { ok: true, flow: result.data };
  const { field, message } = firstIssue(result.error);
  return { ok: false, reason: `${field || '(root)'}: ${message}` };
}

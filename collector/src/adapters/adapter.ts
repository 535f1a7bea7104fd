import type { ClusterState } from '../identity/cluster-state.js';
import { ConnectionTracker, type ConnectionTrackerOptions } from './connection-tracker.js';
import type { Flow, FlowFormat } from '../flow/flow.js';
import { resolverFor, type IdentityResolver } from '../identity/identity-resolver.js';

/**
 * What an adapter makes of one input record. A record is never lost: it becomes flows, or a
 * dead letter (malformed: the caller keeps the raw line with the reason), or a quarantine (valid,
 * but it cannot be oriented or tied to a workload without guessing; counted, rule 15), or a skip
 * (valid, and carries no new connection: another observation point or the reply of a connection
 * already emitted, Cilium's health checks, ...).
 */
export type AdapterOutcome = (
  | { readonly kind: 'flow'; readonly flow: Flow }
  | { readonly kind: 'dead-letter'; readonly reason: string }
  | { readonly kind: 'quarantine'; readonly reason: string }
  | { readonly kind: 'skip'; readonly reason: string }
) & {
  /**
   * The record this outcome belongs to, when it is not the record just pushed: a record held
   * back for orientation and settled later (by a later push or by `finish()`).
   */
  readonly origin?: RecordOrigin;
};

/** Where a record came from, for error messages and dead letters. */
export interface RecordOrigin {
  /** File path, `-` for stdin, or a topic name. */
  readonly source: string;
  /** 1-based line number in that source. */
  readonly line: number;
}

/**
 * Turns raw records of one flow-log format into oriented, de-duplicated Flows. Adapters keep state
 * (connections already seen, identities learned) so that one connection reported at several
 * observation points, or as request and reply, yields one Flow.
 */
export interface FlowAdapter {
  readonly format: FlowFormat;
  /** Handles one raw record (one line) and returns what became of it. */
  push(record: string, origin: RecordOrigin): readonly AdapterOutcome[];
  /** End of input: settles records held back for orientation. */
  finish(): readonly AdapterOutcome[];
}

/** What {@link ConnectionAdapter} reads from an adapter's options. */
export interface ConnectionAdapterOptions {
  readonly clusterState?: ClusterState | undefined;
  readonly resolver?: IdentityResolver | undefined;
  readonly connections?: ConnectionTrackerOptions | undefined;
}

/**
 * What every adapter holds: the identity lookups (a resolver given, else one over the cluster
 * state given) and a connection table of its own, so that adapters never share connections.
 */
export abstract class ConnectionAdapter implements FlowAdapter {
  abstract readonly format: FlowFormat;
  protected readonly resolver: IdentityResolver | undefined;
  protected readonly tracker: ConnectionTracker;

  /** `connectionDefaults`: the format's own table bounds, which `options.connections` overrides. */
  constructor(options: ConnectionAdapterOptions, connectionDefaults?: ConnectionTrackerOptions) {
    this.resolver = resolverFor(options);
    this.tracker = new ConnectionTracker({ ...connectionDefaults, ...options.connections });
  }

  abstract push(record: string, origin: RecordOrigin): readonly AdapterOutcome[];
  abstract finish(): readonly AdapterOutcome[];
}

/** What an adapter makes of a record for now: an outcome, or `hold` until a later record orients it. */
export type Settled = AdapterOutcome | { readonly kind: 'hold' };

/**
 * The records an adapter holds back until a later record (their request or reply) orients them,
 * at most `max`: past that the oldest is decided with what is known, so memory stays bounded.
 */
export class HeldRecords<T> {
  private readonly held: { readonly record: T; readonly origin: RecordOrigin }[] = [];

  /**
   * @param decide decides a record for good (it must not hold again).
   * @param undecided the quarantine reason of a record `decide` still cannot orient.
   */
  constructor(
    private readonly max: number,
    private readonly decide: (record: T) => Settled,
    private readonly undecided: string,
  ) {}

  /** Holds `record`; returns the outcome of the oldest record when that makes one too many. */
  hold(record: T, origin: RecordOrigin): readonly AdapterOutcome[] {
    this.held.push({ record, origin });
    if (this.held.length <= this.max) return [];
    return [this.settle(this.held.shift() as { readonly record: T; readonly origin: RecordOrigin })];
  }

  /** Decides every record still held (end of input). */
  settleAll(): readonly AdapterOutcome[] {
    const outcomes = this.held.map((held) => this.settle(held));
    this.held.length = 0;
    return outcomes;
  }

  private settle({ record, origin }: { readonly record: T; readonly origin: RecordOrigin }): AdapterOutcome {
    const outcome = this.decide(record);
    // `decide` never holds; the guard keeps the types honest.
    const settled: AdapterOutcome = outcome.kind === 'hold' ? { kind: 'quarantine', reason: this.undecided } : outcome;
    return { ...settled, origin };
  }
}

/** A record's JSON value, or the dead letter of a record that is not JSON. */
export type JsonRecord = { readonly kind: 'json'; readonly value: unknown } | { readonly kind: 'dead-letter'; readonly reason: string };

/** Parses one record as JSON; a syntax error becomes a dead letter with the parser's message. */
export function parseJsonRecord(text: string): JsonRecord {
  try {
    return { kind: 'json', value: JSON.parse(text) as unknown };
  } catch (error) {
    return { kind: 'dead-letter', reason: `not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/**
 * Which record times are believable, measured against the time of the run. A flow log cannot hold
 * a connection from the future, nor one from before Kubernetes had NetworkPolicy; such a time is a
 * broken clock or a zero value (protobuf's unset Timestamp is 1970-01-01), and a single one of them
 * stretches a workload's observation window to decades, which would carry it past `apply`'s
 * `--min-window` gate (issue 11, item 2). Records outside the limits are dead letters with the
 * reason; observation windows are computed from the records that remain.
 */

/** How far record times may lie from the time of the run. */
export interface RecordTimeLimits {
  /**
   * How far after the run's time a record may be dated (clock skew between the nodes and the
   * machine that runs Palisade). Small on purpose: it is the most a record can add to the end of an
   * observation window, so it must stay far below any sensible `--min-window`.
   * @default 5 minutes
   */
  readonly maxFutureSkewMs: number;
  /**
   * How long before the run's time a record may be dated. It refuses the impossible (1970, the
   * zero value), not the merely old: flow logs kept for years are real evidence.
   * @default 3650 days (about ten years: older than networking.k8s.io/v1 NetworkPolicy itself)
   */
  readonly maxAgeMs: number;
}

/** The limits used when none are given. */
export const DEFAULT_RECORD_TIME_LIMITS: RecordTimeLimits = Object.freeze({ maxFutureSkewMs: 5 * 60_000, maxAgeMs: 3650 * 86_400_000 });

/** The limits and the clock that says what "now" is (injected, so tests and replays fix it). */
export interface RecordTimeCheck extends Partial<RecordTimeLimits> {
  /** @default Date.now */
  readonly clock?: () => number;
}

/** Checks record times against the limits; `reason` is undefined for a believable time. */
export class RecordTimes {
  private readonly clock: () => number;
  private readonly limits: RecordTimeLimits;

  constructor(check: RecordTimeCheck = {}) {
    this.clock = check.clock ?? Date.now;
    this.limits = {
      maxFutureSkewMs: check.maxFutureSkewMs ?? DEFAULT_RECORD_TIME_LIMITS.maxFutureSkewMs,
      maxAgeMs: check.maxAgeMs ?? DEFAULT_RECORD_TIME_LIMITS.maxAgeMs,
    };
  }

  /** Why `time` (epoch ms) is not believable now, or undefined when it is. */
  reason(time: number): string | undefined {
    const now = this.clock();
    if (time > now + this.limits.maxFutureSkewMs)
      return `field time: ${describeTime(time)} is more than ${describeDuration(this.limits.maxFutureSkewMs)} after the time of this run (${describeTime(now)}): the record's clock is wrong (limit: --max-clock-skew)`;
    if (time < now - this.limits.maxAgeMs)
      return `field time: ${describeTime(time)} is more than ${describeDuration(this.limits.maxAgeMs)} before the time of this run (${describeTime(now)}): the record's clock is wrong or the time is unset (limit: --max-record-age)`;
    return undefined;
  }
}

function describeTime(time: number): string {
  const date = new Date(time);
  // Beyond ±8.64e15 ms a Date is invalid and toISOString throws: show the number itself.
  return Number.isNaN(date.getTime()) ? `${time} ms since 1970` : date.toISOString();
}

function describeDuration(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}

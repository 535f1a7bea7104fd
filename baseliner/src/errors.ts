import { PalisadeError } from '@palisade/collector';

/**
 * The baseliner's errors. Like KafkaJS's, each says whether retrying the same operation can
 * succeed (`retriable`) and carries its `cause` and context, so Palisade's one retry policy
 * (`withRetries` and `isRetriable` of `@palisade/collector`) decides what to retry and the service
 * decides what ends the process.
 */
export class BaselinerError extends PalisadeError {}

/** Redis refused or lost a command; retriable unless Redis said the data or script is wrong. */
export class BaselineStoreError extends BaselinerError {
  /** The store operation that failed (`apply`, `read`, ...). */
  readonly operation: string;

  constructor(operation: string, message: string, options: { readonly cause?: unknown; readonly retriable?: boolean } = {}) {
    super(`${operation}: ${message}`, options);
    this.operation = operation;
  }
}

/** A Kafka call of the service failed (commit, dead-letter or anomaly send). */
export class BaselinerKafkaError extends BaselinerError {
  readonly topic: string;
  readonly partition: number | undefined;

  constructor(message: string, context: { readonly topic: string; readonly partition?: number }, options: { readonly cause?: unknown; readonly retriable?: boolean } = {}) {
    super(message, options);
    this.topic = context.topic;
    this.partition = context.partition;
  }
}

/** Bad settings (flags or `PALISADE_*` variables); the message names the setting to fix. */
export class BaselinerSettingsError extends BaselinerError {}

import type { Anomaly, BaselineStore, Edge, LockTarget, OwnerSummary, RefreshReport } from '@palisade/baseliner';
import { BaselinerError, expiryCutoff, peerId } from '@palisade/baseliner';
import type { RedisSettings } from '@palisade/baseliner/redis';
import { CliError, InputError } from '../errors.js';
import { RedisUnavailableError, withRedisStore } from './redis-store.js';

/**
 * `palisade baseline …`: the baseliner service, and maintenance of the baseline it keeps in Redis.
 * Every use case opens the store for its own run and closes it after.
 */

/** The baseliner service could not start or stopped on an error (Kafka or Redis). */
export class BaselinerServiceError extends CliError {}

/**
 * `baseline run`: the Kafka → Redis consumer service, until SIGTERM/SIGINT. Its settings come from
 * the flags and `PALISADE_*` variables, parsed by the baseliner itself.
 */
export async function runBaselineService(flags: Readonly<Record<string, string | undefined>>, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { parseBaselinerSettings, runBaselinerService } = await import('@palisade/baseliner/service');
  let settings;
  try {
    settings = parseBaselinerSettings(env, flags);
  } catch (error) {
    if (error instanceof BaselinerError) throw new InputError(error.message, { cause: error });
    throw error;
  }
  try {
    await runBaselinerService(settings);
  } catch (error) {
    // Redis named the cause (authentication, database, refused, timeout): say that, as the other
    // Redis commands do, rather than the service's wrapping of it.
    const { RedisConnectionError } = await import('@palisade/baseliner/redis');
    const redis = error instanceof RedisConnectionError ? error : error instanceof Error && error.cause instanceof RedisConnectionError ? error.cause : undefined;
    if (redis !== undefined) throw redis.isInputError ? new InputError(redis.message, { cause: error }) : new RedisUnavailableError(redis.message, { cause: error });
    if (error instanceof BaselinerError) throw new BaselinerServiceError(error.message, { cause: error });
    throw error;
  }
}

/** What `baseline show` prints, as data. */
export interface BaselineView {
  readonly owners: readonly OwnerSummary[];
  readonly locks: { readonly namespaces: Record<string, number>; readonly workloads: Record<string, number> };
  readonly edges: readonly Edge[];
  readonly anomalies: readonly Anomaly[];
}

/** The view of the stored baseline, restricted to edges into or out of `workload` when given. */
export async function readBaselineView(store: BaselineStore, workload?: string): Promise<BaselineView> {
  const touches = (edge: Edge) => workload === undefined || peerId(edge.source) === workload || peerId(edge.destination) === workload;
  const [baseline, owners, anomalies, locks] = [await store.read(), await store.owners(), await store.anomalies(), await store.locks()];
  return {
    owners: owners.filter((owner) => workload === undefined || owner.owner === workload),
    locks: { namespaces: Object.fromEntries(locks.namespaces), workloads: Object.fromEntries(locks.workloads) },
    edges: baseline.edges.filter(touches),
    anomalies: anomalies.filter((anomaly) => touches(anomaly.edge)),
  };
}

/** `baseline show`. */
export function showBaseline(settings: RedisSettings, workload?: string): Promise<BaselineView> {
  return withRedisStore(settings, (store) => readBaselineView(store, workload));
}

/** `baseline lock`: new edges of the target become anomalies from `now` on. */
export function lockBaseline(settings: RedisSettings, target: LockTarget, now = Date.now()): Promise<void> {
  return withRedisStore(settings, (store) => store.lock(target, now));
}

/** `baseline unlock`: whether the target was locked. */
export function unlockBaseline(settings: RedisSettings, target: LockTarget): Promise<boolean> {
  return withRedisStore(settings, (store) => store.unlock(target));
}

/** `baseline approve`: moves the anomalies (of `owners`, or all) into the allowed baseline. */
export function approveAnomalies(settings: RedisSettings, owners: readonly string[] | undefined): Promise<Anomaly[]> {
  return withRedisStore(settings, (store) => store.approve(owners));
}

/** `baseline refresh` (and `refresh` with Redis): edges unseen for the retention window expire. */
export function refreshBaseline(settings: RedisSettings, retentionMs: number, now = Date.now()): Promise<RefreshReport> {
  return withRedisStore(settings, (store) => store.refresh(expiryCutoff(now, retentionMs), now));
}

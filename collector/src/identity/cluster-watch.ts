import type { PortProtocol } from '../flow/flow.js';
import { ClusterObjectError, clusterStateFromObjects, EMPTY_CLUSTER_STATE, type ClusterState } from './cluster-state.js';
import { createIdentityResolver, type IdentityResolver, type IpResolution, type ServiceTranslation } from './identity-resolver.js';

/**
 * The live cluster state of the `collect` service: Pods, ReplicaSets, Jobs, Services and
 * EndpointSlices kept up to date by informers (list, then watch), turned into a ClusterState with
 * the same pure function that reads `--cluster` files, and read through a live IdentityResolver.
 *
 * Deleted pods are kept for a while as tombstones with their deletion time, because flows reach
 * the collector after the fact: a flow from a pod that is gone must still resolve to it, and an IP
 * reused by a later pod must resolve by the flow's time (identity-resolver.ts keeps the history).
 *
 * The informers come from a factory passed in, as client-node's own cache.ts receives its list
 * function and watcher, so this module is tested with fake informers and never needs a cluster;
 * cluster-informers.ts makes the real ones.
 */

/** The kinds the collector watches. */
export const WATCHED_KINDS = ['Pod', 'ReplicaSet', 'Job', 'Service', 'EndpointSlice'] as const;
/** One of {@link WATCHED_KINDS}. */
export type WatchedKind = (typeof WATCHED_KINDS)[number];

/** An object as informers deliver it (client-node's typed objects fit: kind may be missing in lists). */
export interface WatchedObject {
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string; readonly uid?: string; readonly deletionTimestamp?: Date | string };
}

/** The informer calls the watch makes; client-node's `makeInformer` result satisfies it. */
export interface ObjectInformer {
  on(verb: 'add' | 'update' | 'delete', callback: (object: WatchedObject) => void): void;
  on(verb: 'error', callback: (error?: unknown) => void): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Makes the informer of one kind. */
export type InformerFactory = (kind: WatchedKind) => ObjectInformer;

/** Options of {@link ClusterWatch}. */
export interface ClusterWatchOptions {
  readonly informers: InformerFactory;
  /** @default Date.now */
  readonly clock?: () => number;
  /**
   * How long a deleted pod still resolves flows from before its deletion.
   * @default 15 minutes (flows reach the collector late; log files are tailed after a restart)
   */
  readonly tombstoneRetentionMs?: number;
  /** @default 20000 */
  readonly maxTombstones?: number;
  /**
   * The snapshot is rebuilt on read after a change, at most this often, so a burst of pod events
   * costs one rebuild rather than one per event.
   * @default 1000
   */
  readonly minRebuildIntervalMs?: number;
  /** @default 2000 */
  readonly restartDelayMs?: number;
  /** Told of informer errors (each informer restarts after `restartDelayMs`) and unreadable objects. */
  readonly onError?: (error: unknown, kind: WatchedKind) => void;
}

/** Keeps the cluster state current; see the module comment. */
export class ClusterWatch {
  private readonly objects = new Map<WatchedKind, Map<string, object>>(WATCHED_KINDS.map((kind) => [kind, new Map()]));
  private readonly tombstones = new Map<string, { readonly object: object; readonly deletedAt: number }>();
  private readonly informers = new Map<WatchedKind, ObjectInformer>();
  private readonly clock: () => number;
  private state: ClusterState = EMPTY_CLUSTER_STATE;
  private current: IdentityResolver = createIdentityResolver(EMPTY_CLUSTER_STATE);
  private dirty = true;
  private rebuiltAt = Number.NEGATIVE_INFINITY;
  private stopped = false;
  private readonly restarts = new Set<ReturnType<typeof setTimeout>>();

  /** A resolver that answers from the latest snapshot at each call. */
  readonly resolver: IdentityResolver = {
    podByName: (namespace, name) => this.resolverNow().podByName(namespace, name),
    resolveIp: (ip: string, time: number): IpResolution => this.resolverNow().resolveIp(ip, time),
    isServiceIp: (ip) => this.resolverNow().isServiceIp(ip),
    translateService: (ip: string, port: number, protocol: PortProtocol, time: number): ServiceTranslation | undefined =>
      this.resolverNow().translateService(ip, port, protocol, time),
  };

  constructor(private readonly options: ClusterWatchOptions) {
    this.clock = options.clock ?? Date.now;
  }

  /** Starts every informer; resolves once each has listed its objects. */
  async start(): Promise<void> {
    await Promise.all(
      WATCHED_KINDS.map(async (kind) => {
        const informer = this.options.informers(kind);
        this.informers.set(kind, informer);
        informer.on('add', (object) => this.upsert(kind, object));
        informer.on('update', (object) => this.upsert(kind, object));
        informer.on('delete', (object) => this.remove(kind, object));
        informer.on('error', (error) => this.restart(kind, informer, error));
        await informer.start();
      }),
    );
  }

  /** Stops every informer. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.restarts) clearTimeout(timer);
    await Promise.all([...this.informers.values()].map((informer) => informer.stop()));
  }

  /** The cluster state now (rebuilt after changes, at most every `minRebuildIntervalMs`). */
  snapshot(): ClusterState {
    this.refresh();
    return this.state;
  }

  /** Objects known per kind, and deleted pods still remembered. */
  get counts(): Readonly<Record<WatchedKind | 'deletedPods', number>> {
    return {
      ...(Object.fromEntries(WATCHED_KINDS.map((kind) => [kind, this.objects.get(kind)?.size ?? 0])) as Record<WatchedKind, number>),
      deletedPods: this.tombstones.size,
    };
  }

  private resolverNow(): IdentityResolver {
    this.refresh();
    return this.current;
  }

  private upsert(kind: WatchedKind, object: WatchedObject): void {
    const key = keyOf(object);
    if (key === undefined) return;
    // Informers deliver typed objects with Date fields and, from lists, without `kind`; the pure
    // reader wants manifests as kubectl prints them.
    this.objects.get(kind)?.set(key, { ...(JSON.parse(JSON.stringify(object)) as object), kind });
    this.dirty = true;
  }

  private remove(kind: WatchedKind, object: WatchedObject): void {
    const key = keyOf(object);
    if (key === undefined) return;
    const known = this.objects.get(kind)?.get(key);
    this.objects.get(kind)?.delete(key);
    this.dirty = true;
    if (kind !== 'Pod') return;
    const now = this.clock();
    const latest = { ...(JSON.parse(JSON.stringify(object)) as Record<string, unknown>), kind } as { metadata?: Record<string, unknown> };
    const marked = (latest.metadata?.['deletionTimestamp'] as string | undefined) ?? (known as typeof latest | undefined)?.metadata?.['deletionTimestamp'];
    // Kubernetes timestamps have one-second resolution: the deletion happened within the second
    // the timestamp names, so the pod is taken to hold its address to the end of that second.
    const markedAt = marked === undefined ? Number.NaN : Date.parse(marked as string) + 999;
    const deletedAt = Number.isNaN(markedAt) ? now : Math.min(now, markedAt);
    // The pod held its address until it was deleted: keep it, with that time, for late flows.
    this.tombstones.set(key, { object: { ...latest, metadata: { ...latest.metadata, deletionTimestamp: new Date(deletedAt).toISOString() } }, deletedAt });
    this.pruneTombstones(now);
  }

  private pruneTombstones(now: number): void {
    const retention = this.options.tombstoneRetentionMs ?? 15 * 60_000;
    for (const [key, { deletedAt }] of this.tombstones) if (now - deletedAt > retention) this.tombstones.delete(key);
    const max = this.options.maxTombstones ?? 20_000;
    // Map order is insertion order: the oldest deletions go first.
    for (const key of this.tombstones.keys()) {
      if (this.tombstones.size <= max) break;
      this.tombstones.delete(key);
    }
  }

  private refresh(): void {
    if (!this.dirty) return;
    const now = this.clock();
    if (now - this.rebuiltAt < (this.options.minRebuildIntervalMs ?? 1000)) return;
    this.dirty = false;
    this.rebuiltAt = now;
    this.pruneTombstones(now);
    const objects: object[] = [...[...this.objects.values()].flatMap((byKey) => [...byKey.values()]), ...[...this.tombstones.values()].map(({ object }) => object)];
    this.state = buildLeniently(objects, (error) => this.options.onError?.(error, 'Pod'));
    this.current = createIdentityResolver(this.state);
  }

  private restart(kind: WatchedKind, informer: ObjectInformer, error: unknown): void {
    // Stopping aborts the open watches: those errors are the stop itself, not a problem to report.
    if (this.stopped) return;
    this.options.onError?.(error, kind);
    // client-node's informer stops on a watch error; it lists again when started.
    const timer = setTimeout(() => {
      this.restarts.delete(timer);
      if (!this.stopped) informer.start().catch((failure: unknown) => this.restart(kind, informer, failure));
    }, this.options.restartDelayMs ?? 2000);
    timer.unref();
    this.restarts.add(timer);
  }
}

function keyOf(object: WatchedObject): string | undefined {
  const metadata = object.metadata;
  if (metadata?.name === undefined) return undefined;
  return metadata.uid ?? `${metadata.namespace ?? ''}/${metadata.name}`;
}

/** Builds the state, leaving out (and reporting) any object the reader refuses, instead of failing all. */
function buildLeniently(objects: object[], report: (error: unknown) => void): ClusterState {
  let remaining = objects;
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      return clusterStateFromObjects(remaining);
    } catch (error) {
      if (!(error instanceof ClusterObjectError)) throw error;
      report(error);
      remaining = remaining.filter((_, index) => index !== error.objectIndex);
    }
  }
  return EMPTY_CLUSTER_STATE;
}

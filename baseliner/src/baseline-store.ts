import type { Baseline } from './baseline.js';

/**
 * Where the baseline lives: in memory for the embedded `palisade generate --flows`, in Redis for
 * the distributed pipeline. Both implementations pass one shared contract suite
 * (`baseliner/src/testing/baseline-store-contract.ts`), so the embedded path never drifts.
 */
export interface BaselineStore {
  /** Merges a partial baseline (a folded batch) into the stored one. */
  merge(delta: Baseline): Promise<void>;
  /** The whole stored baseline, sorted. */
  read(): Promise<Baseline>;
  /** Removes everything this store holds. */
  clear(): Promise<void>;
}

import type { Baseline } from './baseline.js';
import { BaselineAccumulator } from './baseline.js';
import type { BaselineStore } from './baseline-store.js';

/** The in-memory baseline store of the embedded default: one process, no Redis. */
export class MemoryBaselineStore implements BaselineStore {
  private accumulator = new BaselineAccumulator();

  async merge(delta: Baseline): Promise<void> {
    this.accumulator.addBaseline(delta);
  }

  async read(): Promise<Baseline> {
    return this.accumulator.toBaseline();
  }

  async clear(): Promise<void> {
    this.accumulator = new BaselineAccumulator();
  }
}

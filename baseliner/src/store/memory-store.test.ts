import { MemoryBaselineStore } from './memory-store.js';
import { describeBaselineStoreContract } from './testing/baseline-store-contract.js';

describeBaselineStoreContract('memory', async () => new MemoryBaselineStore());

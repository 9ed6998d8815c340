import { consumerContract } from './contract/consumer';
import { pendingContract } from './contract/pending';
import { streamsContract } from './contract/streams';
import type { HarnessFactory } from './harness';

/**
 * The one contract every Queue implementation passes, run by memory-queue.test.ts and
 * redis-queue.test.ts (the engine's engine.contract.ts does the same for Engines).
 */
export function queueContract(name: string, harness: HarnessFactory): void {
  describe(`Queue contract: ${name}`, () => {
    describe('streams', () => streamsContract(harness));
    describe('pending entries', () => pendingContract(harness));
    describe('runConsumer', () => consumerContract(harness));
  });
}

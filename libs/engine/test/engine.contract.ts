import { lifecycleContract } from './contract/lifecycle';
import { nodesContract } from './contract/nodes';
import { recoveryContract } from './contract/recovery';
import { stateContract } from './contract/state';
import { streamsContract } from './contract/streams';
import type { HarnessFactory } from './harness';

/**
 * The one contract every Engine implementation passes (DESIGN section 5), run by
 * memory-engine.test.ts, redis-engine.test.ts and redis-engine-sharded.test.ts.
 */
export function engineContract(name: string, harness: HarnessFactory): void {
  describe(`Engine contract: ${name}`, () => {
    streamsContract(harness);
    recoveryContract(harness);
    stateContract(harness);
    nodesContract(harness);
    lifecycleContract(harness);
  });
}

import { engineContract } from './engine.contract';
import { memoryHarness } from './harness';

engineContract('MemoryEngine', memoryHarness);

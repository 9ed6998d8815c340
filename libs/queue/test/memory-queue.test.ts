import { memoryHarness } from './harness';
import { queueContract } from './queue.contract';

queueContract('MemoryQueue', memoryHarness);

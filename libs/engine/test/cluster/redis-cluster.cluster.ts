import { closeAfterAll, START_TEST_TIMEOUT_MS } from '@defi-realtime/runtime/testing';
import { engineContract } from '../engine.contract';
import { redisHarness, type HarnessFactory } from '../harness';
import { startCluster, type TestCluster } from './start-cluster';

/**
 * The contract on a real 3-master Redis Cluster (redis+cluster://, sharded pub/sub).
 * Not part of `npx jest` (it needs the redis-server and redis-cli binaries); run it with
 * `npx jest -c jest.cluster.config.js`.
 */
let cluster: TestCluster | undefined;

// Three redis-server processes: stopped even if they finish starting after the hook timed out.
const started = closeAfterAll();
beforeAll(async () => {
  cluster = await started.add(startCluster(), (c) => c.stop());
}, START_TEST_TIMEOUT_MS);

const onCluster: HarnessFactory = () => {
  if (!cluster) throw new Error('the test cluster did not start');
  return redisHarness(true, cluster.url)();
};

engineContract('RedisEngine on Redis Cluster (sharded pub/sub)', onCluster);

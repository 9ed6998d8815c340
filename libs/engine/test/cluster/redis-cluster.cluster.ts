import { engineContract } from '../engine.contract';
import { redisHarness, type HarnessFactory } from '../harness';
import { startCluster, type TestCluster } from './start-cluster';

/**
 * The contract on a real 3-master Redis Cluster (redis+cluster://, sharded pub/sub).
 * Not part of `npx jest` (it needs the redis-server and redis-cli binaries); run it with
 * `npx jest -c jest.cluster.config.js`.
 */
let cluster: TestCluster | undefined;

beforeAll(async () => {
  cluster = await startCluster();
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
});

const onCluster: HarnessFactory = () => {
  if (!cluster) throw new Error('the test cluster did not start');
  return redisHarness(true, cluster.url)();
};

engineContract('RedisEngine on Redis Cluster (sharded pub/sub)', onCluster);

import { engineContract } from './engine.contract';
import { redisHarness } from './harness';

// Sharded pub/sub (SSUBSCRIBE/SPUBLISH), as on Redis Cluster, against a standalone Redis 7.
engineContract('RedisEngine (sharded pub/sub)', redisHarness(true));

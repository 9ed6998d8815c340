import type { Logger, RedisClient, RedisKeys, ScriptRunner } from '@defi-realtime/redis';

/** What the Redis engine's parts share: one command connection, its scripts, the keys. */
export interface RedisContext {
  client: RedisClient;
  run: ScriptRunner;
  keys: RedisKeys;
  nodeId: string;
  logger: Logger;
}

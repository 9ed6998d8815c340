import { closeRedis, createRedis, type RedisClient } from '../src/client';
import { createKeys, type RedisKeys } from '../src/keys';
import { cleanupPrefix, redisUrlForTests, requireRedis, uniquePrefix } from '../src/testing';
import { eventually, sleep } from '@defi-realtime/runtime/testing';

export interface RedisTestContext {
  url: string;
  client: RedisClient;
  prefix: string;
  keys: RedisKeys;
  /** Delete the test's keys and close every connection opened through `track`. */
  cleanup(): Promise<void>;
  /** Close this connection in cleanup. */
  track<C extends RedisClient>(connection: C): C;
}

/** A connected client and a key prefix of its own; fails fast when Redis is not there. */
export async function setup(name: string): Promise<RedisTestContext> {
  const url = redisUrlForTests();
  await requireRedis(url);
  const connections: RedisClient[] = [];
  const track = <C extends RedisClient>(connection: C): C => {
    connections.push(connection);
    return connection;
  };
  const client = track(createRedis(url));
  const prefix = uniquePrefix(name);
  return {
    url,
    client,
    prefix,
    keys: createKeys(prefix),
    track,
    async cleanup() {
      await cleanupPrefix(client, prefix);
      await Promise.all(connections.map(closeRedis));
    },
  };
}

export { eventually, sleep };

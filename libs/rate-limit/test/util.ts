import { createServer } from 'node:net';
import { createRedis, type RedisClient } from '@defi-realtime/redis';
import { cleanupPrefix, redisUrlForTests, requireRedis, uniquePrefix } from '@defi-realtime/redis/testing';

export interface RedisContext {
  /** A connected client on the test Redis. */
  client: RedisClient;
  /** A key prefix no other test uses. */
  prefix: string;
  /** Another connection to the same Redis, as a second process would have. */
  connect(): Promise<RedisClient>;
  /** Delete the test's keys and close every connection. */
  cleanup(): Promise<void>;
}

/** A Redis connection and prefix for one test; fails clearly when Redis is not running. */
export async function setupRedis(name: string): Promise<RedisContext> {
  const url = redisUrlForTests();
  await requireRedis(url);
  const connections: RedisClient[] = [];
  const connect = async (): Promise<RedisClient> => {
    const client = createRedis(url, { connectionName: `rate-limit-test:${name}` });
    connections.push(client);
    await ready(client);
    return client;
  };
  const client = await connect();
  const prefix = uniquePrefix(name);
  return {
    client,
    prefix,
    connect,
    async cleanup() {
      await cleanupPrefix(client, prefix);
      await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}

/**
 * A client for a port nothing listens on, failing every command at once (no offline
 * queue, no retries, no reconnects): Redis "down".
 */
export async function deadRedis(): Promise<RedisClient> {
  const port = await closedPort();
  const client = createRedis(`redis://127.0.0.1:${port}`, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    reconnect: false,
    connectTimeout: 500,
  });
  client.on('error', () => undefined); // expected: connection refused
  return client;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function ready(client: RedisClient): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    client.once('ready', resolve);
    client.once('error', reject);
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createRedisWith, isCluster, type RedisClient } from './client';
import { redactRedisUrl } from './url';

/**
 * Test helpers (import from `@defi-realtime/redis/testing`). Tests run against a real
 * Redis; when it is missing they fail at once with a message saying how to start one,
 * never hang and never skip.
 */

/** REDIS_URL, or the local default. */
export function redisUrlForTests(): string {
  return process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
}

/**
 * Ping Redis once (10 s at most: a busy machine can take seconds to answer; a server that is
 * down refuses at once); throw an Error naming the URL and how to start Redis.
 */
export async function requireRedis(url: string = redisUrlForTests(), timeoutMs = 10_000): Promise<void> {
  // No ready check: ioredis, disconnected during its INFO ready check, leaves a 2 s timer
  // behind (jest would not exit at once); the PING below checks readiness anyway.
  const client = createRedisWith(
    url,
    {
      lazyConnect: true,
      connectTimeout: timeoutMs,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      reconnect: false,
    },
    { enableReadyCheck: false },
  );
  let problem: unknown;
  client.on('error', (error: unknown) => (problem ??= error));
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    await Promise.race([client.connect().then(() => client.ping()), timeout]);
  } catch (error) {
    const cause = problem ?? error;
    throw new Error(
      `Redis is not reachable at ${redactRedisUrl(url)} (${describe(cause)}). ` +
        "These tests need a real Redis: start one with `redis-server --daemonize yes --port 6379 --save ''`, " +
        'or set REDIS_URL to a reachable server.',
      { cause },
    );
  } finally {
    clearTimeout(timer);
    // ioredis' disconnect() on a connection that already ended leaves a 2 s timer behind.
    if (client.status !== 'end') client.disconnect();
  }
}

/** A key prefix no other test (or test run) uses: `t:<name>:<random>`. */
export function uniquePrefix(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 40);
  return `t:${safe}:${randomBytes(4).toString('hex')}`;
}

/** Delete every key under `prefix` (SCAN + UNLINK; on a cluster, on every master). */
export async function cleanupPrefix(client: RedisClient, prefix: string): Promise<number> {
  const nodes: Redis[] = isCluster(client) ? client.nodes('master') : [client];
  let deleted = 0;
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length === 0) continue;
      // On a cluster one batch spans several slots, which one UNLINK may not.
      if (isCluster(client)) for (const key of keys) deleted += await node.unlink(key);
      else deleted += await node.unlink(...keys);
    } while (cursor !== '0');
  }
  return deleted;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}

export { startRedisServer } from './redis-server';
export type { RedisServer } from './redis-server';

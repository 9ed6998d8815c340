import { Redis } from 'ioredis';

/** Fail fast, naming the URL, when Redis is not there: every target publishes through it. */
export async function assertRedisReachable(url: string, timeoutMs = 3000): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null, // one attempt: this is a check, not a client
  });
  redis.on('error', () => undefined); // reported through connect() below
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new Error(
      `Redis is not reachable at ${url} (${err instanceof Error ? err.message : String(err)}). ` +
        'Start it (redis-server --port 6379) or pass --redis-url / set REDIS_URL.',
      { cause: err },
    );
  } finally {
    redis.disconnect();
  }
}

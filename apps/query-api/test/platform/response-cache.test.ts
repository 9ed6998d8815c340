import { closeRedis, createKeys, createRedis, type RedisClient } from '@defi-realtime/redis';
import { createLogger, createMetricsRegistry } from '@defi-realtime/runtime';
import { sleep } from '@defi-realtime/runtime/testing';
import { MemoryResponseCache } from '../../src/http/cache/memory-cache';
import { RedisResponseCache } from '../../src/http/cache/redis-cache';
import { cacheTags, type CacheLookup, type CachedAnswer, type ResponseCache } from '../../src/http/cache/response-cache';
import { createQueryApiMetrics } from '../../src/http/metrics';
import { testRedis } from './helpers';

const answer = (body: string): CachedAnswer => ({ etag: `"${body}"`, contentType: 'application/json; charset=utf-8', body });
const ETH = cacheTags(['price:coingecko:ethereum', 'prices']);
const BTC = cacheTags(['price:coingecko:bitcoin', 'prices']);

function versionsOf(found: CacheLookup): string {
  if (found.status !== 'miss') throw new Error(`expected a miss, got ${found.status}`);
  return found.versions;
}

describe('response cache semantics', () => {
  let redis: Awaited<ReturnType<typeof testRedis>>;
  let n = 0;
  beforeAll(async () => (redis = await testRedis('response-cache')));
  afterAll(() => redis.cleanup());

  const backends: Array<[string, (ttlMs: number) => ResponseCache]> = [
    ['memory', (ttlMs) => new MemoryResponseCache({ ttlMs })],
    [
      'redis',
      (ttlMs) =>
        new RedisResponseCache(redis.redis, {
          keys: createKeys(`${redis.prefix}:${++n}`),
          ttlMs,
          logger: createLogger('test', 'silent'),
          metrics: createQueryApiMetrics(createMetricsRegistry('query-api')),
        }),
    ],
  ];

  describe.each(backends)('%s', (_name, create) => {
    it('serves a stored answer while none of its tags moved', async () => {
      const cache = create(60_000);
      const versions = versionsOf(await cache.lookup('GET /a', ETH));
      await cache.store('GET /a', ETH, versions, answer('a'));
      expect(await cache.lookup('GET /a', ETH)).toEqual({ status: 'hit', answer: answer('a') });
      await cache.invalidate(['price:coingecko:bitcoin']);
      expect((await cache.lookup('GET /a', ETH)).status).toBe('hit');
      await cache.invalidate(['prices']);
      expect((await cache.lookup('GET /a', ETH)).status).toBe('miss');
    });

    it('treats an entry as a miss when a version moved between the read and the store', async () => {
      const cache = create(60_000);
      const readBefore = versionsOf(await cache.lookup('GET /b', BTC));
      await cache.invalidate(['price:coingecko:bitcoin']);
      await cache.store('GET /b', BTC, readBefore, answer('computed before the change'));
      const next = await cache.lookup('GET /b', BTC);
      expect(next.status).toBe('miss');
      // Stored with the fresh versions, the next answer is served.
      await cache.store('GET /b', BTC, versionsOf(next), answer('after'));
      expect(await cache.lookup('GET /b', BTC)).toEqual({ status: 'hit', answer: answer('after') });
    });

    it('peeks by key alone with the tags the entry was stored with', async () => {
      const cache = create(60_000);
      expect(await cache.peek('GET /p')).toBeNull();
      await cache.store('GET /p', ETH, versionsOf(await cache.lookup('GET /p', ETH)), answer('p'));
      expect(await cache.peek('GET /p')).toEqual(answer('p'));
      await cache.invalidate(['price:coingecko:bitcoin']);
      expect(await cache.peek('GET /p')).toEqual(answer('p'));
      await cache.invalidate(['price:coingecko:ethereum']);
      expect(await cache.peek('GET /p')).toBeNull();
      // Stored before a change landed: never served by the fast path either.
      const readBefore = versionsOf(await cache.lookup('GET /q', BTC));
      await cache.invalidate(['prices']);
      await cache.store('GET /q', BTC, readBefore, answer('stale'));
      expect(await cache.peek('GET /q')).toBeNull();
    });

    it('drops everything on *', async () => {
      const cache = create(60_000);
      await cache.store('GET /c', ETH, versionsOf(await cache.lookup('GET /c', ETH)), answer('c'));
      await cache.store('GET /d', BTC, versionsOf(await cache.lookup('GET /d', BTC)), answer('d'));
      await cache.invalidate(['*']);
      expect((await cache.lookup('GET /c', ETH)).status).toBe('miss');
      expect((await cache.lookup('GET /d', BTC)).status).toBe('miss');
    });

    it('expires entries after the TTL even when nothing changed', async () => {
      const cache = create(200);
      await cache.store('GET /e', ETH, versionsOf(await cache.lookup('GET /e', ETH)), answer('e'));
      expect((await cache.lookup('GET /e', ETH)).status).toBe('hit');
      await sleep(300);
      expect((await cache.lookup('GET /e', ETH)).status).toBe('miss');
    });
  });

  it('keeps at most maxEntries in memory, dropping the oldest', async () => {
    const cache = new MemoryResponseCache({ ttlMs: 60_000, maxEntries: 2 });
    for (const key of ['1', '2', '3']) await cache.store(key, ETH, versionsOf(await cache.lookup(key, ETH)), answer(key));
    expect(cache.size).toBe(2);
    expect((await cache.lookup('1', ETH)).status).toBe('miss');
    expect((await cache.lookup('3', ETH)).status).toBe('hit');
  });

  describe('in Redis', () => {
    const metrics = createQueryApiMetrics(createMetricsRegistry('query-api'));
    const make = (client: RedisClient, prefix: string) =>
      new RedisResponseCache(client, { keys: createKeys(prefix), ttlMs: 60_000, logger: createLogger('test', 'silent'), metrics });

    it('answers a hit with one round trip', async () => {
      const cache = make(redis.redis, `${redis.prefix}:trip`);
      await cache.store('GET /f', ETH, versionsOf(await cache.lookup('GET /f', ETH)), answer('f'));
      const sent = jest.spyOn(redis.redis, 'sendCommand');
      try {
        expect((await cache.lookup('GET /f', ETH)).status).toBe('hit');
        expect(sent.mock.calls.map(([command]) => command.name)).toEqual(['evalsha']);
      } finally {
        sent.mockRestore();
      }
    });

    it('gives every key it writes a TTL', async () => {
      const prefix = `${redis.prefix}:ttl`;
      const cache = make(redis.redis, prefix);
      await cache.store('GET /g', ETH, versionsOf(await cache.lookup('GET /g', ETH)), answer('g'));
      await cache.invalidate(['prices']);
      const keys = await redis.redis.keys(`${prefix}:*`);
      expect(keys).toHaveLength(2);
      expect(keys).toContain(createKeys(prefix).cacheVersions());
      expect(keys.find((k) => k !== createKeys(prefix).cacheVersions())).toMatch(`${prefix}:{cache}:entry:`);
      for (const key of keys) expect(await redis.redis.pttl(key)).toBeGreaterThan(0);
    });

    it('never matches old entries again once the versions hash is lost (expired or evicted)', async () => {
      const prefix = `${redis.prefix}:epoch`;
      const cache = make(redis.redis, prefix);
      await cache.store('GET /h', ETH, versionsOf(await cache.lookup('GET /h', ETH)), answer('h'));
      await redis.redis.del(createKeys(prefix).cacheVersions());
      expect((await cache.lookup('GET /h', ETH)).status).toBe('miss');
    });

    it('applies invalidations missed while disconnected before serving the next hit', async () => {
      const client = createRedis(redis.url);
      await client.ping();
      const cache = make(client, `${redis.prefix}:outage`);
      try {
        await cache.store('GET /i', ETH, versionsOf(await cache.lookup('GET /i', ETH)), answer('i'));
        client.disconnect();
        await cache.invalidate(['price:coingecko:ethereum']);
        expect((await cache.lookup('GET /i', ETH)).status).toBe('bypass');
        await client.connect();
        expect((await cache.lookup('GET /i', ETH)).status).toBe('miss');
      } finally {
        await closeRedis(client);
      }
    });
  });
});

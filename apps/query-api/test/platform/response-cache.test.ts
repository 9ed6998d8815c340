import { closeRedis, createKeys, createRedis, type RedisClient } from '@defi-realtime/redis';
import { createLogger, createMetricsRegistry } from '@defi-realtime/runtime';
import { sleep } from '@defi-realtime/runtime/testing';
import { MemoryResponseCache } from '../../src/http/cache/memory-cache';
import { RedisResponseCache } from '../../src/http/cache/redis-cache';
import { TieredResponseCache } from '../../src/http/cache/tiered-cache';
import {
  cacheTags,
  type CacheLookup,
  type CachedAnswer,
  type ResponseCache,
} from '../../src/http/cache/response-cache';
import { createQueryApiMetrics } from '../../src/http/metrics';
import { testRedis } from './helpers';

const answer = (body: string): CachedAnswer => ({
  etag: `"${body}"`,
  contentType: 'application/json; charset=utf-8',
  body,
});
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
      expect(await cache.peek('GET /p')).toMatchObject({ ...answer('p'), tags: ETH });
      await cache.invalidate(['price:coingecko:bitcoin']);
      expect(await cache.peek('GET /p')).toMatchObject({ ...answer('p'), tags: ETH });
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
    for (const key of ['1', '2', '3'])
      await cache.store(key, ETH, versionsOf(await cache.lookup(key, ETH)), answer(key));
    expect(cache.size).toBe(2);
    expect((await cache.lookup('1', ETH)).status).toBe('miss');
    expect((await cache.lookup('3', ETH)).status).toBe('hit');
  });

  describe('in Redis', () => {
    const metrics = createQueryApiMetrics(createMetricsRegistry('query-api'));
    const make = (client: RedisClient, prefix: string) =>
      new RedisResponseCache(client, {
        keys: createKeys(prefix),
        ttlMs: 60_000,
        logger: createLogger('test', 'silent'),
        metrics,
      });

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

describe('two tiers: memory in front of Redis', () => {
  let redis: Awaited<ReturnType<typeof testRedis>>;
  let n = 0;
  beforeAll(async () => (redis = await testRedis('tiered-cache')));
  afterAll(() => redis.cleanup());
  const shared = (prefix: string) =>
    new RedisResponseCache(redis.redis, {
      keys: createKeys(prefix),
      ttlMs: 60_000,
      logger: createLogger('test', 'silent'),
      metrics: createQueryApiMetrics(createMetricsRegistry('query-api')),
    });

  it("fills memory from another process's Redis entry and drops it on a change heard by both", async () => {
    const prefix = `${redis.prefix}:t${++n}`;
    const a = new TieredResponseCache(new MemoryResponseCache({ ttlMs: 60_000 }), shared(prefix));
    const b = new TieredResponseCache(new MemoryResponseCache({ ttlMs: 60_000 }), shared(prefix));
    await a.store('GET /x', ETH, versionsOf(await a.lookup('GET /x', ETH)), answer('x'));
    // b never computed it: its first peek comes from Redis and fills its memory.
    expect(await b.peek('GET /x')).toMatchObject(answer('x'));
    expect(await b.peek('GET /x')).toMatchObject(answer('x'));
    await a.invalidate(['price:coingecko:ethereum']);
    await b.invalidate(['price:coingecko:ethereum']);
    expect(await a.peek('GET /x')).toBeNull();
    expect(await b.peek('GET /x')).toBeNull();
    expect((await b.lookup('GET /x', ETH)).status).toBe('miss');
  });

  it('never copies a Redis answer into memory when a change landed during the lookup', async () => {
    const prefix = `${redis.prefix}:t${++n}`;
    const writer = new TieredResponseCache(new MemoryResponseCache({ ttlMs: 60_000 }), shared(prefix));
    await writer.store('GET /y', BTC, versionsOf(await writer.lookup('GET /y', BTC)), answer('old'));
    const local = new MemoryResponseCache({ ttlMs: 60_000 });
    const reader = new TieredResponseCache(local, shared(prefix));
    const readBefore = versionsOf(await reader.lookup('GET /z', BTC));
    // A change arrives locally only (Redis bump lost): memory must not keep the old answer.
    await local.invalidate(['price:coingecko:bitcoin']);
    await reader.store('GET /z', BTC, readBefore, answer('computed before the change'));
    expect(await local.peek('GET /z')).toBeNull();
  });
});

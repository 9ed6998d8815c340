import { createTestDatabase, type TestDatabase } from '@defi-realtime/db/testing';
import { closeRedis, createRedis } from '@defi-realtime/redis';
import { eventually } from '@defi-realtime/runtime/testing';
import { etagOf } from '../../src/http/cache/etag';
import { cacheTags } from '../../src/http/cache/response-cache';
import { insertPrice, metricValue, platformApp, recordingLogger, testRedis, type PlatformApp } from './helpers';

const ETH = 'coingecko:ethereum';
const BTC = 'coingecko:bitcoin';

describe('query-api response cache', () => {
  let tdb: TestDatabase;
  let redis: Awaited<ReturnType<typeof testRedis>>;

  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
    redis = await testRedis('query-cache');
  });
  afterAll(async () => {
    await redis.cleanup();
    await tdb.cleanup();
  });

  describe.each(['memory', 'redis'] as const)('in %s', (store) => {
    let platform: PlatformApp;
    let key: string;
    // Each backend gets its own tokens: the database is shared by both.
    const eth = `${ETH}-${store}`;
    const btc = `${BTC}-${store}`;

    beforeAll(async () => {
      // Before the app listens: a late notification of these would turn a test's hit into a miss.
      await insertPrice(tdb.db, eth, 100, new Date(Date.now() - 60_000));
      await insertPrice(tdb.db, btc, 50_000, new Date(Date.now() - 60_000));
      platform = await platformApp({
        db: tdb.db,
        cache: store,
        ...(store === 'redis' ? { redis: redis.redis, prefix: `${redis.prefix}:${store}` } : {}),
      });
      key = (await platform.keys.create({ name: `cache ${store}`, tier: 'enterprise', owner: 'frank' })).key;
    });
    afterAll(() => platform.close());
    const get = (url: string, headers: Record<string, string> = {}) =>
      platform.app.inject({ url, headers: { 'x-api-key': key, ...headers } });

    it('answers the second identical request from the cache: same body, same ETag, not recomputed', async () => {
      const first = await get('/protocols?chain=ethereum');
      const second = await get('/protocols?chain=ethereum');
      expect(first.headers['x-cache']).toBe('miss');
      expect(second.headers['x-cache']).toBe('hit');
      expect(second.body).toBe(first.body);
      expect(second.headers.etag).toBe(first.headers.etag);
      expect(first.headers.etag).toMatch(/^"[\w-]+"$/);
      expect(second.headers['content-type']).toBe(first.headers['content-type']);
      expect(second.headers['cache-control']).toBe('no-cache');
      expect(platform.computed.protocols).toBe(first.json()[0].n);
      expect(second.json()[0].n).toBe(first.json()[0].n);
    });

    it('shares one entry between query orders and credential forms (the key never enters the cache key)', async () => {
      const first = await get('/protocols?limit=2&chain=bsc');
      const reordered = await get('/protocols?chain=bsc&limit=2');
      const pathForm = await platform.app.inject(`/${key}/api/protocols?chain=bsc&limit=2`);
      const queryForm = await platform.app.inject(`/protocols?limit=2&apiKey=${key}&chain=bsc`);
      expect(first.headers['x-cache']).toBe('miss');
      expect([reordered, pathForm, queryForm].map((r) => r.headers['x-cache'])).toEqual(['hit', 'hit', 'hit']);
      expect(new Set([first, reordered, pathForm, queryForm].map((r) => r.body)).size).toBe(1);
    });

    it('answers If-None-Match with 304 and no body, on a hit and on a recomputed answer', async () => {
      const url = `/prices/current/${btc}?etag=1`;
      const first = await get(url);
      const etag = String(first.headers.etag);
      const hit = await get(url, { 'if-none-match': etag });
      expect(hit.statusCode).toBe(304);
      expect(hit.body).toBe('');
      expect(hit.headers.etag).toBe(etag);
      expect(hit.headers['x-cache']).toBe('hit');
      // A miss computes the answer, then compares: the same data gives the same ETag.
      await platform.cache!.invalidate([`price:${btc}`]);
      const recomputed = await get(url, { 'if-none-match': `"stale", ${etag}` });
      expect(recomputed.headers['x-cache']).toBe('miss');
      expect(recomputed.statusCode).toBe(304);
      expect(recomputed.body).toBe('');
      const otherTag = await get(url, { 'if-none-match': '"stale"' });
      expect(otherTag.statusCode).toBe(200);
      expect(otherTag.body).toBe(first.body);
    });

    it('makes the next answer a miss with the new price as soon as a price point is inserted (NOTIFY, no TTL)', async () => {
      const url = `/prices/current/${eth},${btc}`;
      await get(url);
      const cached = await get(url);
      expect(cached.headers['x-cache']).toBe('hit');
      expect(cached.json().coins[eth].price).toBe(100);

      await insertPrice(tdb.db, eth, 123.45);
      await eventually(async () => {
        const res = await get(url);
        expect(res.headers['x-cache']).toBe('miss');
        expect(res.json().coins[eth].price).toBe(123.45);
      }, 3_000);
      expect((await get(url)).headers['x-cache']).toBe('hit');
    });

    it('keeps answers whose tags did not change', async () => {
      const url = `/prices/current/${btc}`;
      await get(url);
      await insertPrice(tdb.db, eth, 130);
      await eventually(
        async () => expect((await get(`/prices/current/${eth}`)).json().coins[eth].price).toBe(130),
        3_000,
      );
      expect((await get(url)).headers['x-cache']).toBe('hit');
    });

    it('never serves an answer computed while its data changed (version bumped between read and store)', async () => {
      const url = `/prices/current/${btc}?race=1`;
      // The version of this answer's tags, as a miss reads it (a counter of all invalidations
      // could be moved by an earlier test's notification arriving late).
      const version = async () => {
        const probe = await platform.cache!.lookup('version probe', cacheTags([`price:${btc}`]));
        return probe.status === 'miss' ? probe.versions : undefined;
      };
      platform.during.price = async () => {
        // The answer (50,000) is already read; the change, and its NOTIFY bumping the
        // version, land before the answer is stored.
        const before = await version();
        await insertPrice(tdb.db, btc, 60_000);
        await eventually(async () => expect(await version()).not.toBe(before), 3_000);
      };
      try {
        const racing = await get(url);
        expect(racing.json().coins[btc].price).toBe(50_000);
      } finally {
        platform.during.price = undefined;
      }
      const next = await get(url);
      expect(next.headers['x-cache']).toBe('miss');
      expect(next.json().coins[btc].price).toBe(60_000);
      expect((await get(url)).headers['x-cache']).toBe('hit');
    });

    it('drops every answer on the * tag', async () => {
      await get('/protocols?chain=star');
      await get(`/prices/current/${btc}?star=1`);
      await platform.cache!.invalidate(['*']);
      expect((await get('/protocols?chain=star')).headers['x-cache']).toBe('miss');
      expect((await get(`/prices/current/${btc}?star=1`)).headers['x-cache']).toBe('miss');
    });

    it('caches only 200 answers, and only routes that ask for it', async () => {
      const before = platform.computed.protocol ?? 0;
      const notFound = [await get('/protocol/nope'), await get('/protocol/nope')];
      expect(notFound.map((r) => r.statusCode)).toEqual([404, 404]);
      expect(notFound.map((r) => r.headers['x-cache'])).toEqual(['miss', 'miss']);
      expect(notFound[0]!.headers.etag).toBeUndefined();
      expect(platform.computed.protocol).toBe(before + 2);
      const uncached = [await get('/uncached'), await get('/uncached')];
      expect(uncached.map((r) => r.headers['x-cache'])).toEqual([undefined, undefined]);
      expect(uncached[1]!.json().n).toBe(uncached[0]!.json().n + 1);
    });

    it('counts hits and misses in /metrics', async () => {
      const metrics = (await platform.app.inject('/metrics')).body;
      expect(metricValue(metrics, 'query_api_cache_lookups_total', { result: 'hit' })).toBeGreaterThan(0);
      expect(metricValue(metrics, 'query_api_cache_lookups_total', { result: 'miss' })).toBeGreaterThan(0);
      expect(metricValue(metrics, 'query_api_cache_invalidations_total')).toBeGreaterThan(0);
      expect(
        metricValue(metrics, 'query_api_requests_total', {
          method: 'GET',
          route: '/prices/current/:coins',
          status: '200',
        }),
      ).toBeGreaterThan(0);
      expect(metricValue(metrics, 'query_api_requests_total', { route: '/protocol/:slug', status: '404' })).toBe(2);
      expect(metricValue(metrics, 'query_api_request_duration_ms_count', { route: '/protocols' })).toBeGreaterThan(0);
    });
  });

  it('serves uncached when Redis is unreachable, logging it once and counting it', async () => {
    const log = recordingLogger();
    const unreachable = createRedis('redis://127.0.0.1:1', { connectTimeout: 200, reconnect: false });
    unreachable.on('error', () => undefined);
    const platform = await platformApp({ db: tdb.db, cache: 'redis', cacheRedis: unreachable, logger: log.logger });
    try {
      const { key } = await platform.keys.create({ name: 'outage', tier: 'pro', owner: 'gina' });
      const answers = [];
      for (let i = 0; i < 3; i++)
        answers.push(await platform.app.inject({ url: '/protocols?outage=1', headers: { 'x-api-key': key } }));
      expect(answers.map((r) => r.statusCode)).toEqual([200, 200, 200]);
      expect(answers.map((r) => r.headers['x-cache'])).toEqual(['miss', 'miss', 'miss']);
      // Still revalidatable: the ETag does not need the cache.
      expect(answers.map((r) => r.headers.etag)).toEqual(answers.map((r) => etagOf(r.body)));
      expect(answers.map((r) => r.json()[0].n)).toEqual([1, 2, 3]);
      expect(log.lines.filter((l) => l.includes('response cache unavailable'))).toHaveLength(1);
      const metrics = (await platform.app.inject('/metrics')).body;
      expect(metricValue(metrics, 'query_api_cache_lookups_total', { result: 'bypass' })).toBe(3);
      expect(metricValue(metrics, 'query_api_cache_errors_total', { operation: 'lookup' })).toBe(3);
    } finally {
      await platform.close();
      await closeRedis(unreachable);
    }
  });
});

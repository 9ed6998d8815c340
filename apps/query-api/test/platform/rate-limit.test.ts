import { createTestDatabase, type TestDatabase } from '@defi-realtime/db/testing';
import { platformApp, testRedis, type PlatformApp } from './helpers';

const LIMIT = 5;
const tierLimits = { pro: { restRequestsPerMinute: LIMIT } };

describe('query-api rate limits', () => {
  let tdb: TestDatabase;
  let redis: Awaited<ReturnType<typeof testRedis>>;

  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
    redis = await testRedis('query-rate');
  });
  afterAll(async () => {
    await redis.cleanup();
    await tdb.cleanup();
  });

  describe.each(['memory', 'redis'] as const)('counted in %s', (store) => {
    let platform: PlatformApp;
    let key: string;
    beforeAll(async () => {
      platform = await platformApp({
        db: tdb.db,
        tierLimits,
        ...(store === 'redis' ? { redis: redis.redis, prefix: `${redis.prefix}:one`, cache: 'redis' } : {}),
      });
    });
    afterAll(() => platform.close());
    beforeEach(async () => {
      key = (await platform.keys.create({ name: `rl ${store}`, tier: 'pro', owner: 'carol' })).key;
    });
    const get = (url: string, headers: Record<string, string> = {}) =>
      platform.app.inject({ url, headers: { 'x-api-key': key, ...headers } });

    it('puts RateLimit-* on every answer: computed, cached, 304, 404 and 400', async () => {
      const computed = await get('/protocols');
      const cached = await get('/protocols');
      const notModified = await get('/protocols', { 'if-none-match': String(cached.headers.etag) });
      const notFound = await get('/protocol/unknown');
      const invalid = await get('/protocols?limit=0');
      expect([computed, cached, notModified, notFound, invalid].map((r) => r.statusCode)).toEqual([
        200, 200, 304, 404, 400,
      ]);
      expect(cached.headers['x-cache']).toBe('hit');
      [computed, cached, notModified, notFound, invalid].forEach((res, i) => {
        expect(res.headers['ratelimit-limit']).toBe(String(LIMIT));
        expect(res.headers['ratelimit-remaining']).toBe(String(LIMIT - 1 - i));
        expect(Number(res.headers['ratelimit-reset'])).toBeGreaterThan(0);
        expect(Number(res.headers['ratelimit-reset'])).toBeLessThanOrEqual(60);
        expect(res.headers['retry-after']).toBeUndefined();
      });
    });

    it('refuses request N+1 of the window with 429 RATE_LIMITED and Retry-After', async () => {
      for (let i = 0; i < LIMIT; i++) expect((await get('/uncached')).statusCode).toBe(200);
      const before = platform.computed.uncached;
      const refused = await get('/uncached');
      expect(refused.statusCode).toBe(429);
      expect(refused.json()).toEqual({ code: 'RATE_LIMITED', message: expect.stringMatching(/5 requests per minute/) });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(refused.headers['ratelimit-remaining']).toBe('0');
      // Refused before the handler ran.
      expect(platform.computed.uncached).toBe(before);
      const metrics = (await platform.app.inject('/metrics')).body;
      expect(metrics).toMatch(/query_api_rate_limited_total\{tier="pro",app="query-api"\} [1-9]/);
    });

    it('counts each key on its own', async () => {
      for (let i = 0; i < LIMIT; i++) await get('/uncached');
      expect((await get('/uncached')).statusCode).toBe(429);
      const other = (await platform.keys.create({ name: 'other', tier: 'pro', owner: 'dave' })).key;
      expect((await platform.app.inject({ url: '/uncached', headers: { 'x-api-key': other } })).statusCode).toBe(200);
    });
  });

  it('refuses a tier whose budget is 0 with 403 LIMIT_EXCEEDED (waiting would not help)', async () => {
    const platform = await platformApp({ db: tdb.db, tierLimits: { free: { restRequestsPerMinute: 0 } } });
    try {
      const { key } = await platform.keys.create({ name: 'no rest', tier: 'free', owner: 'ivan' });
      const res = await platform.app.inject({ url: '/uncached', headers: { 'x-api-key': key } });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual({
        code: 'LIMIT_EXCEEDED',
        message: expect.stringMatching(/restRequestsPerMinute is 0/),
      });
      expect(platform.computed.uncached).toBeUndefined();
    } finally {
      await platform.close();
    }
  });

  it('shares one budget between two app instances on one Redis', async () => {
    const prefix = `${redis.prefix}:shared`;
    const a = await platformApp({ db: tdb.db, tierLimits, redis: redis.redis, prefix });
    const b = await platformApp({ db: tdb.db, tierLimits, redis: redis.redis, prefix });
    try {
      const { key } = await a.keys.create({ name: 'shared', tier: 'pro', owner: 'erin' });
      const statuses: number[] = [];
      for (let i = 0; i <= LIMIT; i++) {
        const app = i % 2 === 0 ? a : b;
        statuses.push((await app.app.inject({ url: '/uncached', headers: { 'x-api-key': key } })).statusCode);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      // The budget lives in Redis (every key with a TTL), not in either process.
      const keys = await redis.redis.keys(`${prefix}:limit:rest:*`);
      expect(keys.length).toBe(1);
      expect(await redis.redis.pttl(keys[0] as string)).toBeGreaterThan(0);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

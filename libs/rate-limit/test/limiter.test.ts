import type { RedisClient } from '@defi-realtime/redis';
import { createLimiter, RateLimitStoreError, type Limiter, type LimiterOptions } from '../src/index';
import { deadRedis, setupRedis, sleep, type RedisContext } from './util';

type Kind = 'memory' | 'redis';

describe.each<Kind>(['memory', 'redis'])('createLimiter on %s', (kind) => {
  let redis: RedisContext | undefined;
  let n = 0;

  beforeAll(async () => {
    if (kind === 'redis') redis = await setupRedis('limiter');
  });
  afterAll(async () => {
    await redis?.cleanup();
  });

  // A fresh prefix per limiter, under the test's unique one, so tests never share counters.
  const limiter = (options: Omit<LimiterOptions, 'prefix' | 'redis'>): Limiter =>
    createLimiter({
      ...options,
      prefix: `${redis?.prefix ?? 'mem'}:l${++n}`,
      ...(redis ? { redis: redis.client } : {}),
    });

  it('allows up to the budget, then refuses with a retry time within the window', async () => {
    const l = limiter({ points: 3, durationMs: 60_000 });
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await l.consume('1.2.3.4'));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect(results.map((r) => r.remaining)).toEqual([2, 1, 0, 0]);
    expect(results[0]?.retryAfterMs).toBe(0);
    const refused = results[3];
    expect(refused?.retryAfterMs).toBeGreaterThan(55_000);
    expect(refused?.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(refused?.resetMs).toBe(refused?.retryAfterMs);
  });

  it('keeps keys apart', async () => {
    const l = limiter({ points: 1, durationMs: 60_000 });
    expect((await l.consume('a')).allowed).toBe(true);
    expect((await l.consume('a')).allowed).toBe(false);
    expect((await l.consume('b')).allowed).toBe(true);
  });

  it('takes several points at once and refuses what does not fit', async () => {
    const l = limiter({ points: 5, durationMs: 60_000 });
    expect(await l.consume('k', 4)).toMatchObject({ allowed: true, remaining: 1 });
    expect(await l.consume('k', 2)).toMatchObject({ allowed: false, remaining: 0 });
  });

  it('gives the full budget back when the window ends', async () => {
    const l = limiter({ points: 2, durationMs: 1_000 });
    await l.consume('k');
    await l.consume('k');
    const refused = await l.consume('k');
    expect(refused.allowed).toBe(false);
    await sleep(refused.retryAfterMs + 50);
    expect(await l.consume('k')).toMatchObject({ allowed: true, remaining: 1 });
  });

  it('reset gives a key its budget back at once', async () => {
    const l = limiter({ points: 1, durationMs: 60_000 });
    await l.consume('k');
    expect((await l.consume('k')).allowed).toBe(false);
    await l.reset('k');
    expect((await l.consume('k')).allowed).toBe(true);
  });

  it('refuses invalid options and points with a TypeError naming them', () => {
    expect(() => limiter({ points: 0, durationMs: 1_000 })).toThrow(/points/);
    expect(() => limiter({ points: 1, durationMs: 1_500 })).toThrow(/durationMs.*whole seconds/);
    expect(() => createLimiter({ points: 1, durationMs: 1_000, prefix: 'has space' })).toThrow(/prefix/);
    return expect(limiter({ points: 1, durationMs: 1_000 }).consume('k', 1.5)).rejects.toThrow(TypeError);
  });
});

describe('createLimiter on Redis across processes and outages', () => {
  let redis: RedisContext;
  const dead: RedisClient[] = [];

  beforeAll(async () => {
    redis = await setupRedis('limiter-shared');
  });
  afterAll(async () => {
    for (const client of dead) client.disconnect();
    await redis.cleanup();
  });

  it('two limiters on one prefix, over two connections, share one budget (two gateway nodes)', async () => {
    const other = await redis.connect();
    const options = { points: 4, durationMs: 60_000, prefix: `${redis.prefix}:shared` };
    const nodeA = createLimiter({ ...options, redis: redis.client });
    const nodeB = createLimiter({ ...options, redis: other });
    const answers = [];
    for (let i = 0; i < 3; i++) {
      answers.push((await nodeA.consume('key-1')).allowed, (await nodeB.consume('key-1')).allowed);
    }
    expect(answers.filter(Boolean)).toHaveLength(4);
    expect(answers.slice(4)).toEqual([false, false]);
  });

  it('every counter it writes expires with its window', async () => {
    const prefix = `${redis.prefix}:ttl`;
    await createLimiter({ points: 5, durationMs: 30_000, prefix, redis: redis.client }).consume('x');
    const ttl = await redis.client.pttl(`${prefix}:x`);
    expect(ttl).toBeGreaterThan(25_000);
    expect(ttl).toBeLessThanOrEqual(30_000);
  });

  it('with Redis down and the insurance limiter on, still limits (per process) and reports the fallback', async () => {
    const client = await deadRedis();
    dead.push(client);
    const fallbacks: string[] = [];
    const l = createLimiter({
      points: 2,
      durationMs: 60_000,
      prefix: `${redis.prefix}:down`,
      redis: client,
      onFallback: (p) => fallbacks.push(p),
    });
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push((await l.consume('k')).allowed);
    expect(answers).toEqual([true, true, false]);
    expect(fallbacks).toEqual([`${redis.prefix}:down`, `${redis.prefix}:down`, `${redis.prefix}:down`]);
  });

  it('with Redis down and no insurance, rejects with a RateLimitStoreError (never a silent allow or refuse)', async () => {
    const client = await deadRedis();
    dead.push(client);
    const l = createLimiter({
      points: 2,
      durationMs: 60_000,
      prefix: `${redis.prefix}:down2`,
      redis: client,
      insuranceLimiter: false,
    });
    const error = await l.consume('k').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(RateLimitStoreError);
    expect(error).toMatchObject({
      name: 'RateLimitStoreError',
      code: 'RATE_LIMIT_STORE_UNAVAILABLE',
      prefix: `${redis.prefix}:down2`,
    });
    expect((error as Error).cause).toBeDefined();
    await expect(l.reset('k')).rejects.toBeInstanceOf(RateLimitStoreError);
  });

  it('insuranceLimiter without redis is ignored, so one configuration serves embedded and clustered runs', async () => {
    const l = createLimiter({ points: 1, durationMs: 1_000, prefix: 'p', insuranceLimiter: true, redis: undefined });
    expect((await l.consume('k')).allowed).toBe(true);
    expect((await l.consume('k')).allowed).toBe(false);
  });
});

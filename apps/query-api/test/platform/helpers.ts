import { Writable } from 'node:stream';
import { ApiKeyStore, Authenticator, resolveTierLimits, type TierOverrides } from '@defi-realtime/auth';
import type { Database } from '@defi-realtime/db';
import { ProtocolError } from '@defi-realtime/protocol';
import { closeRedis, createKeys, createRedis, type RedisClient } from '@defi-realtime/redis';
import { cleanupPrefix, redisUrlForTests, requireRedis, uniquePrefix } from '@defi-realtime/redis/testing';
import {
  Health,
  createLogger,
  createMetricsRegistry,
  type ApiApp,
  type Logger,
  type ZodTypeProvider,
} from '@defi-realtime/runtime';
import pino from 'pino';
import { z } from 'zod';
import { createQueryApiApp } from '../../src/http/app';
import { invalidateOnDataChanges } from '../../src/http/cache/invalidation';
import { MemoryResponseCache } from '../../src/http/cache/memory-cache';
import { RedisResponseCache } from '../../src/http/cache/redis-cache';
import type { ResponseCache } from '../../src/http/cache/response-cache';
import { createQueryApiMetrics, type QueryApiMetrics } from '../../src/http/metrics';

/** A logger whose JSON lines are kept, so tests can read what was logged. */
export function recordingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

/** A Redis connection and a key prefix of the test's own; `cleanup` deletes the keys. */
export async function testRedis(
  name: string,
): Promise<{ redis: RedisClient; url: string; prefix: string; cleanup(): Promise<void> }> {
  const url = redisUrlForTests();
  await requireRedis(url);
  const redis = createRedis(url);
  await redis.ping();
  const prefix = uniquePrefix(name);
  return {
    redis,
    url,
    prefix,
    async cleanup() {
      await cleanupPrefix(redis, prefix);
      await closeRedis(redis);
    },
  };
}

export interface PlatformOptions {
  db: Database;
  /** Shared Redis for limits and (with cache 'redis') the response cache. */
  redis?: RedisClient;
  /** A separate client for the response cache. @default redis */
  cacheRedis?: RedisClient;
  prefix?: string;
  cache?: 'memory' | 'redis' | 'none';
  cacheTtlMs?: number;
  anonymous?: boolean;
  tierLimits?: TierOverrides;
  logger?: Logger;
  /** Subscribe the cache to `<schema>.data_changed`. @default true */
  listen?: boolean;
}

/** An app as start() builds it, with test routes instead of the data routes. */
export interface PlatformApp {
  app: ApiApp;
  keys: ApiKeyStore;
  cache: ResponseCache | undefined;
  metrics: QueryApiMetrics;
  /** How many times each test route's handler ran (a hit runs none). */
  computed: Record<string, number>;
  /** Hooks a test route runs while computing its answer (race tests). */
  during: { price?: () => Promise<void> };
  close(): Promise<void>;
}

/**
 * Build the platform app (auth, limits, cache, metrics, OpenAPI) with a few routes:
 * `/protocols` (cached, tags tvl + meta), `/prices/current/:coins` (cached, reads
 * price_points, tags price:<id>), `/protocol/:slug` (404 for anything but `known`),
 * `/uncached` (config.cache false), `/boom` (fails with a 500, hidden from the docs).
 */
export async function platformApp(options: PlatformOptions): Promise<PlatformApp> {
  const { db } = options;
  const logger = options.logger ?? createLogger('query-api-test', 'silent');
  const registry = createMetricsRegistry('query-api');
  const metrics = createQueryApiMetrics(registry);
  const tiers = resolveTierLimits(options.tierLimits);
  const keys = new ApiKeyStore(db, { tiers });
  const prefix = options.prefix ?? 'rt';
  const kind = options.cache ?? 'memory';
  const ttlMs = options.cacheTtlMs ?? 60_000;
  let cache: ResponseCache | undefined;
  if (kind === 'memory') cache = new MemoryResponseCache({ ttlMs });
  if (kind === 'redis') {
    const cacheRedis = options.cacheRedis ?? options.redis;
    if (!cacheRedis) throw new TypeError('cache "redis" needs options.redis or options.cacheRedis');
    cache = new RedisResponseCache(cacheRedis, { keys: createKeys(prefix), ttlMs, logger, metrics });
  }
  const app = await createQueryApiApp({
    logger,
    health: new Health().addCheck('database', () => db.query('SELECT 1')),
    registry,
    metrics,
    authenticator: new Authenticator({ apiKeys: keys }),
    anonymousLimits: options.anonymous ? tiers.free : undefined,
    redis: options.redis,
    rateLimitPrefix: `${prefix}:limit:rest`,
    cache,
  });
  const computed: Record<string, number> = {};
  const count = (route: string) => (computed[route] = (computed[route] ?? 0) + 1);
  const during: PlatformApp['during'] = {};
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/protocols',
    {
      schema: {
        summary: 'Protocols (test)',
        tags: ['TVL (DefiLlama-compatible)'],
        querystring: z.object({ chain: z.string().optional(), limit: z.coerce.number().int().min(1).optional() }),
        response: { 200: z.array(z.object({ id: z.string(), n: z.number() })) },
      },
      config: { cache: { tags: () => ['tvl', 'meta'] } },
    },
    async () => [{ id: 'uniswap-v3', n: count('protocols') }],
  );
  api.get(
    '/prices/current/:coins',
    {
      schema: {
        summary: 'Current prices (test)',
        tags: ['Coins (DefiLlama-compatible)'],
        params: z.object({ coins: z.string() }),
        response: { 200: z.object({ coins: z.record(z.string(), z.object({ price: z.number() })) }) },
      },
      config: {
        cache: { tags: (req) => (req.params as { coins: string }).coins.split(',').map((id) => `price:${id}`) },
      },
    },
    async (req) => {
      count('prices');
      const ids = req.params.coins.split(',');
      const { rows } = await db.query<{ token_id: string; price: number }>(
        'SELECT DISTINCT ON (token_id) token_id, price FROM price_points WHERE token_id = ANY($1) ORDER BY token_id, ts DESC',
        [ids],
      );
      await during.price?.();
      return { coins: Object.fromEntries(rows.map((r) => [r.token_id, { price: r.price }])) };
    },
  );
  api.get(
    '/protocol/:slug',
    {
      schema: {
        summary: 'One protocol (test)',
        tags: ['TVL (DefiLlama-compatible)'],
        params: z.object({ slug: z.string() }),
        response: { 200: z.object({ slug: z.string() }) },
      },
      config: { cache: { tags: (req) => [`tvl:${(req.params as { slug: string }).slug}`] } },
    },
    async (req) => {
      count('protocol');
      if (req.params.slug !== 'known') throw new ProtocolError('NOT_FOUND', 'Protocol not found');
      return { slug: 'known' };
    },
  );
  api.get(
    '/uncached',
    {
      schema: {
        summary: 'Never cached (test)',
        tags: ['Advanced queries'],
        response: { 200: z.object({ n: z.number() }) },
      },
      config: { cache: false },
    },
    async () => ({ n: count('uncached') }),
  );

  api.get('/boom', { schema: { hide: true }, config: { cache: false } }, async () => {
    throw new Error('boom');
  });

  const unlisten =
    cache && options.listen !== false ? await invalidateOnDataChanges(db, cache, { logger, metrics }) : undefined;
  await app.ready();
  return {
    app,
    keys,
    cache,
    metrics,
    computed,
    during,
    async close() {
      await app.close();
      await unlisten?.();
      await keys.flush();
    },
  };
}

/** Insert a price point; with migration 002 the statement announces `price:<id>` on data_changed. */
export async function insertPrice(db: Database, tokenId: string, price: number, ts = new Date()): Promise<void> {
  await db.query('INSERT INTO price_points (token_id, ts, price, source) VALUES ($1, $2, $3, $4)', [
    tokenId,
    ts,
    price,
    'test',
  ]);
}

/** The value of the sample `name` whose labels include `labels` in a Prometheus text exposition; undefined when absent. */
export function metricValue(exposition: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of exposition.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = new Map([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => have.get(k) === v)) return Number(match[3]);
  }
  return undefined;
}

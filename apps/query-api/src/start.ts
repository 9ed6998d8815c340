import { ApiKeyStore, Authenticator, jwtVerifierFromEnv, resolveTierLimits } from '@defi-realtime/auth';
import { openDatabase, type Database } from '@defi-realtime/db';
import { createKeys, createRedis, type RedisClient } from '@defi-realtime/redis';
import {
  Closer,
  startClosing,
  Health,
  createMetricsRegistry,
  describeConfig,
  listenHttpApp,
  type ApiApp,
  type Logger,
  type RunningApp,
} from '@defi-realtime/runtime';
import type { QueryApiConfig } from './config';
import { startReferenceRefresher } from './data';
import { createQueryApiApp } from './http/app';
import { invalidateOnDataChanges } from './http/cache/invalidation';
import { MemoryResponseCache } from './http/cache/memory-cache';
import { RedisResponseCache } from './http/cache/redis-cache';
import { TieredResponseCache } from './http/cache/tiered-cache';
import type { ResponseCache } from './http/cache/response-cache';
import { createQueryApiMetrics, type QueryApiMetrics } from './http/metrics';
import { registerRoutes } from './routes';

export interface QueryApiDeps {
  logger: Logger;
  /** A shared database (one-process mode); when absent the app opens, migrates and owns its own. */
  db?: Database;
  /** A shared Redis client (rate limits, response cache); when absent one is opened for REDIS_URL, if set. */
  redis?: RedisClient;
}

/** A started query API: its URL, how to stop it, and its app and key store for tests and tools. */
export interface RunningQueryApi extends RunningApp {
  readonly app: ApiApp;
  readonly keys: ApiKeyStore;
}

/** Start the query API: DefiLlama-compatible and advanced routes behind keys, rate limits and the response cache. */
export async function start(config: QueryApiConfig, deps: QueryApiDeps): Promise<RunningQueryApi> {
  return startClosing(deps.logger, (closer) => startWith(config, deps, closer));
}

async function startWith(config: QueryApiConfig, deps: QueryApiDeps, closer: Closer): Promise<RunningQueryApi> {
  const { logger } = deps;
  const db =
    deps.db ?? closer.add('database', await openDatabase({ url: config.DATABASE_URL, logger }), (d) => d.close());
  const redis =
    deps.redis ??
    (config.REDIS_URL
      ? closer.add('redis', createRedis(config.REDIS_URL, { connectionName: 'query-api', logger }), (r) => r.quit())
      : undefined);
  // Connected before the first request: until then limits and cache would run degraded.
  await redis?.ping();

  const tiers = resolveTierLimits(config.TIER_LIMITS, 'TIER_LIMITS');
  const keys = closer.add('api key store', new ApiKeyStore(db, { tiers, logger }), (k) => k.flush());
  const registry = createMetricsRegistry('query-api');
  const metrics = createQueryApiMetrics(registry);
  const cache = createCache(config, redis, logger, metrics);
  const health = new Health().addCheck('database', () => db.query('SELECT 1'));
  if (redis) health.addCheck('redis', () => redis.ping());

  const app = await createQueryApiApp({
    logger,
    health,
    registry,
    metrics,
    authenticator: new Authenticator({ apiKeys: keys, jwt: jwtVerifierFromEnv(config, { tiers }) }),
    anonymousLimits: config.ANONYMOUS_ACCESS ? tiers.free : undefined,
    redis,
    rateLimitPrefix: `${config.REDIS_PREFIX}:limit:rest`,
    cache,
    trustProxy: config.TRUST_PROXY,
    publicUrl: config.PUBLIC_URL,
  });
  registerRoutes(app, { db, logger });
  if (cache)
    closer.add('cache invalidation', await invalidateOnDataChanges(db, cache, { logger, metrics }), (unlisten) =>
      unlisten(),
    );
  if (config.REFERENCE_REFRESH_MS > 0) {
    closer.add(
      'reference refresher',
      startReferenceRefresher(db, { intervalMs: config.REFERENCE_REFRESH_MS, logger }),
      (r) => r.stop(),
    );
  }

  const url = await listenHttpApp(app, config.PORT, config.HOST);
  closer.add('http', app, (a) => a.close());
  logger.info({ url, config: describeConfig(config) }, 'query-api listening');
  return {
    url,
    app,
    keys,
    close: async () => {
      health.setDraining();
      await closer.closeAll();
    },
  };
}

/** The response cache: in process memory, in front of Redis when there is one; none when CACHE_TTL_MS is 0. */
function createCache(
  config: QueryApiConfig,
  redis: RedisClient | undefined,
  logger: Logger,
  metrics: QueryApiMetrics,
): ResponseCache | undefined {
  if (config.CACHE_TTL_MS === 0) return undefined;
  const memory = new MemoryResponseCache({ ttlMs: config.CACHE_TTL_MS, maxEntries: config.CACHE_MAX_ENTRIES });
  if (!redis) return memory;
  // This process's memory in front of the cache shared through Redis: a hit costs no round trip.
  return new TieredResponseCache(
    memory,
    new RedisResponseCache(redis, {
      keys: createKeys(config.REDIS_PREFIX),
      ttlMs: config.CACHE_TTL_MS,
      logger,
      metrics,
    }),
  );
}

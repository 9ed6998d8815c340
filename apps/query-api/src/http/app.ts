import type { Authenticator, TierLimits } from '@defi-realtime/auth';
import { MAX_HEADER_BYTES, createApiApp, type ApiApp, type Health, type Logger } from '@defi-realtime/runtime';
import type { Cluster, Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { registerAuth } from './auth/auth-hook';
import { rewriteCredentialsOutOfUrl } from './auth/credentials';
import { registerCacheHooks, registerCachePeek } from './cache/cache-hooks';
import type { ResponseCache } from './cache/response-cache';
import type { QueryApiMetrics } from './metrics';
import { registerRequestMetrics } from './metrics';
import { openApiOptions } from './openapi';
import { registerRateLimit } from './rate-limit/rate-limit-hook';

export interface QueryApiAppOptions {
  logger: Logger;
  health: Health;
  registry: Registry;
  metrics: QueryApiMetrics;
  authenticator: Authenticator;
  /** Limits of requests without credentials; undefined refuses them (401). @default undefined */
  anonymousLimits?: TierLimits;
  /** Count rate limits here (shared by every process). @default undefined (in process memory) */
  redis?: Redis | Cluster;
  /** Prefix of the rate-limit keys. @default 'rt:limit:rest' */
  rateLimitPrefix?: string;
  /** Serve `config.cache` routes from this cache. @default undefined (no response cache) */
  cache?: ResponseCache;
  /** Take client addresses from X-Forwarded-For. @default false */
  trustProxy?: boolean;
  /** Listed as the OpenAPI document's server. @default undefined (relative) */
  publicUrl?: string;
  /** The API's version in the OpenAPI document. @default '1.0.0' */
  version?: string;
}

/**
 * Longest path parameter: DefiLlama's coin lists travel in the path, and 100 coins of up to
 * ~70 characters (`<chain>:<address>`) pass Fastify's default of 100 by far. As long as
 * the HTTP server reads a request line at all, so a list too long is refused by the coins
 * schema (`params.coins: expected at most 100 coins`), not by the router with a vaguer text.
 */
export const MAX_PARAM_LENGTH = MAX_HEADER_BYTES;

/**
 * The query API's Fastify app without its data routes: API keys from header, query or
 * path, per-key rate limits, the response cache, request metrics, OpenAPI at
 * `/openapi.json` and `/docs`. Add the routes (registerRoutes), then `ready()`/listen.
 * Hooks run in order: auth, cache peek started, rate limit, cache hit served (onRequest),
 * validation, full cache lookup (preHandler).
 */
export async function createQueryApiApp(options: QueryApiAppOptions): Promise<ApiApp> {
  const { logger, metrics } = options;
  const app = await createApiApp({
    logger,
    health: options.health,
    metrics: options.registry,
    rewriteUrl: rewriteCredentialsOutOfUrl,
    trustProxy: options.trustProxy ?? false,
    maxParamLength: MAX_PARAM_LENGTH,
    openapi: openApiOptions({
      version: options.version ?? '1.0.0',
      publicUrl: options.publicUrl,
      anonymous: options.anonymousLimits !== undefined,
    }),
  });
  registerRequestMetrics(app, metrics);
  registerAuth(app, { authenticator: options.authenticator, anonymousLimits: options.anonymousLimits, metrics });
  if (options.cache) registerCachePeek(app, options.cache);
  registerRateLimit(app, { redis: options.redis, prefix: options.rateLimitPrefix ?? 'rt:limit:rest', metrics, logger });
  if (options.cache) registerCacheHooks(app, { cache: options.cache, metrics, logger });
  return app;
}

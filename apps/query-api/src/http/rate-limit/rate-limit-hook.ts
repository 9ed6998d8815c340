import { createLimiter, rateLimitHeaders, type Limiter } from '@defi-realtime/rate-limit';
import { ProtocolError } from '@defi-realtime/protocol';
import type { Logger } from '@defi-realtime/runtime';
import type { FastifyInstance } from 'fastify';
import type { Cluster, Redis } from 'ioredis';
import type { QueryApiMetrics } from '../metrics';

/** The window of `restRequestsPerMinute`. */
const WINDOW_MS = 60_000;
/** The free tier's default budget: the limiter built at start-up (see registerRateLimit). */
const WARM_BUDGET = 60;

export interface RateLimitHookOptions {
  /** Count in this Redis, shared by every query-api process. @default undefined (in process memory) */
  redis?: Redis | Cluster;
  /** Prefix of the limiter keys, e.g. `rt:limit:rest`. */
  prefix: string;
  metrics: QueryApiMetrics;
  logger: Logger;
}

/**
 * Spend one request of the caller's `restRequestsPerMinute` on every API request. Every
 * answer carries `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (and
 * `RateLimit-Policy`); a refusal is 429 `{code: "RATE_LIMITED", message}` with `Retry-After`.
 * Runs after the auth hook (it reads `request.caller`).
 */
export function registerRateLimit(app: FastifyInstance, options: RateLimitHookOptions): void {
  const { metrics, logger } = options;
  // createLimiter takes its budget up front: one limiter per budget, created on first use.
  // Keys of different budgets never collide (each has its own prefix).
  const limiters = new Map<number, Limiter>();
  const limiterFor = (points: number): Limiter => {
    let limiter = limiters.get(points);
    if (!limiter) {
      limiter = createLimiter({
        points,
        durationMs: WINDOW_MS,
        prefix: `${options.prefix}:${points}`,
        redis: options.redis,
        onFallback: () => metrics.rateLimitFallbacks.inc(),
      });
      limiters.set(points, limiter);
    }
    return limiter;
  };
  // rate-limiter-flexible defines its Lua command on the client when a limiter is built.
  // ioredis (up to 5.11, redis/ioredis#1931) garbles an auto-pipeline being filled when a
  // command is defined meanwhile, which the cache peek's call can be. Build one now, before
  // any request, so the command exists first; any later limiter only redefines it.
  if (options.redis) limiterFor(WARM_BUDGET);
  let storeFailureLogged = false;

  app.addHook('onRequest', async (req, reply) => {
    const caller = req.caller;
    if (!caller) return;
    const points = caller.limits.restRequestsPerMinute;
    if (points === 0) {
      throw new ProtocolError(
        'LIMIT_EXCEEDED',
        `the ${caller.tier} tier has no query API access (restRequestsPerMinute is 0)`,
      );
    }
    let result;
    try {
      result = await limiterFor(points).consume(caller.rateKey);
    } catch (err) {
      // Only without an insurance limiter; admitting beats failing every request on a Redis outage.
      if (!storeFailureLogged) logger.warn({ err }, 'rate limits cannot be counted: admitting requests uncounted');
      storeFailureLogged = true;
      return;
    }
    storeFailureLogged = false;
    reply.headers(rateLimitHeaders(result, points, WINDOW_MS));
    if (!result.allowed) {
      metrics.rateLimited.inc({ tier: caller.tier });
      const seconds = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
      throw new ProtocolError(
        'RATE_LIMITED',
        `rate limit of ${points} requests per minute reached (${caller.tier} tier); retry in ${seconds} s`,
      );
    }
  });
}

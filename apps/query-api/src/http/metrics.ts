import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, type Registry } from 'prom-client';

/** The query-api's Prometheus metrics (served at `/metrics` with the process metrics). */
export function createQueryApiMetrics(registry: Registry) {
  const registers = [registry];
  return {
    requests: new Counter({
      name: 'query_api_requests_total',
      help: 'Answered requests, by route pattern and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers,
    }),
    latency: new Histogram({
      name: 'query_api_request_duration_ms',
      help: 'Request to answer, in milliseconds, by route pattern',
      labelNames: ['method', 'route'] as const,
      buckets: [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000],
      registers,
    }),
    cacheLookups: new Counter({
      name: 'query_api_cache_lookups_total',
      help: 'Response cache lookups: hit, miss, or bypass (cache unavailable)',
      labelNames: ['result'] as const,
      registers,
    }),
    cacheErrors: new Counter({
      name: 'query_api_cache_errors_total',
      help: 'Response cache operations that failed (the request was served uncached)',
      labelNames: ['operation'] as const,
      registers,
    }),
    cacheInvalidations: new Counter({
      name: 'query_api_cache_invalidations_total',
      help: 'data_changed notifications applied to the response cache',
      registers,
    }),
    rateLimited: new Counter({
      name: 'query_api_rate_limited_total',
      help: 'Requests refused with 429, by tier',
      labelNames: ['tier'] as const,
      registers,
    }),
    rateLimitFallbacks: new Counter({
      name: 'query_api_rate_limit_fallbacks_total',
      help: 'Rate-limit checks counted in process memory because Redis failed',
      registers,
    }),
    authFailures: new Counter({
      name: 'query_api_auth_failures_total',
      help: 'Requests refused or not checked by authentication, by reason',
      labelNames: ['reason'] as const,
      registers,
    }),
  };
}

export type QueryApiMetrics = ReturnType<typeof createQueryApiMetrics>;

/** Count every answer by route pattern (not URL: ids in paths would make unbounded series) and status. */
export function registerRequestMetrics(app: FastifyInstance, metrics: QueryApiMetrics): void {
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    metrics.requests.inc({ method: req.method, route, status: String(reply.statusCode) });
    metrics.latency.observe({ method: req.method, route }, reply.elapsedTime);
  });
}

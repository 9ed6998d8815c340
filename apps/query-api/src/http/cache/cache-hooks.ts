import type { Logger } from '@defi-realtime/runtime';
import type { FastifyInstance } from 'fastify';
import type { QueryApiMetrics } from '../metrics';
import { cacheKey } from './cache-key';
import { etagOf, ifNoneMatchMatches } from './etag';
import { cacheTags, type ResponseCache } from './response-cache';
import './route-config';

/** What the lookup hands to the onSend hook for one request that was not a hit. */
interface PendingStore {
  key: string;
  tags: string[];
  /** The versions read before the answer was computed; undefined when the cache is unavailable. */
  versions: string | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    responseCache: PendingStore | null;
  }
}

export interface CacheHooksOptions {
  cache: ResponseCache;
  metrics: QueryApiMetrics;
  logger: Logger;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Serve GET routes that declare `config.cache` from the response cache. A hit is written
 * as stored (`x-cache: hit`); a miss is computed, answered (`x-cache: miss`) and, when
 * 200, stored with the versions read before it was computed. Every such answer carries a
 * strong ETag and `Cache-Control: no-cache` (clients revalidate), and `If-None-Match`
 * answers 304. Runs as preHandler: after auth, rate limit and validation.
 */
export function registerCacheHooks(app: FastifyInstance, options: CacheHooksOptions): void {
  const { cache, metrics, logger } = options;
  app.decorateRequest('responseCache', null);

  app.addHook('preHandler', async (req, reply) => {
    const config = req.routeOptions.config.cache;
    if (!config || req.method !== 'GET') return;
    let tags: string[];
    try {
      tags = cacheTags(config.tags(req));
    } catch (err) {
      // A route's tag function failing must not fail the request: serve it uncached.
      logger.error({ err, route: req.routeOptions.url }, 'cache tags failed: serving uncached');
      return;
    }
    const key = cacheKey(req.method, req.url);
    const found = await cache.lookup(key, tags);
    metrics.cacheLookups.inc({ result: found.status });
    reply.header('cache-control', 'no-cache');
    if (found.status === 'hit') {
      const { etag, contentType, body } = found.answer;
      reply.header('x-cache', 'hit').header('etag', etag);
      if (ifNoneMatchMatches(req.headers['if-none-match'], etag)) return reply.code(304).send();
      return reply.header('content-type', contentType).send(body);
    }
    reply.header('x-cache', 'miss');
    req.responseCache = { key, tags, versions: found.status === 'miss' ? found.versions : undefined };
  });

  app.addHook('onSend', async (req, reply, payload) => {
    const pending = req.responseCache;
    if (!pending || reply.statusCode !== 200 || typeof payload !== 'string') return payload;
    const etag = etagOf(payload);
    reply.header('etag', etag);
    if (pending.versions !== undefined) {
      const contentType = String(reply.getHeader('content-type') ?? JSON_TYPE);
      // Not awaited: the answer need not wait for Redis; a failed store only logs.
      void cache.store(pending.key, pending.tags, pending.versions, { etag, contentType, body: payload });
    }
    if (ifNoneMatchMatches(req.headers['if-none-match'], etag)) {
      reply.code(304).removeHeader('content-type');
      return null;
    }
    return payload;
  });
}

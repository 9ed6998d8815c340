import type { Logger } from '@defi-realtime/runtime';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { QueryApiMetrics } from '../metrics';
import { cacheKey } from './cache-key';
import { etagOf, ifNoneMatchMatches } from './etag';
import { cacheTags, type CachedAnswer, type ResponseCache } from './response-cache';
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
    /** The fast-path lookup started by registerCachePeek, awaited by registerCacheHooks. */
    cachePeek: Promise<CachedAnswer | null> | null;
  }
}

export interface CacheHooksOptions {
  cache: ResponseCache;
  metrics: QueryApiMetrics;
  logger: Logger;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Start the fast-path lookup (`peek`: by key alone, before validation) as soon as the
 * caller is known. Register it after auth and before the rate limit: its Redis call and
 * the rate limit's then leave in the same auto-pipelined write, one round trip for both.
 */
export function registerCachePeek(app: FastifyInstance, cache: ResponseCache): void {
  app.decorateRequest('cachePeek', null);
  app.addHook('onRequest', async (req) => {
    if (req.method !== 'GET' || !req.routeOptions.config.cache) return;
    req.cachePeek = cache.peek(cacheKey(req.method, req.url));
  });
}

/**
 * Serve GET routes that declare `config.cache` from the response cache. A hit is written
 * as stored (`x-cache: hit`); a miss is computed, answered (`x-cache: miss`) and, when
 * 200, stored with the versions read before it was computed. Every such answer carries a
 * strong ETag and `Cache-Control: no-cache` (clients revalidate), and `If-None-Match`
 * answers 304. A hit found by registerCachePeek is written in onRequest (after auth and
 * rate limit, before validation: a hit costs no parsing and no tag building); otherwise
 * the full lookup runs as preHandler, after validation, with the route's tags.
 */
export function registerCacheHooks(app: FastifyInstance, options: CacheHooksOptions): void {
  const { cache, metrics, logger } = options;
  app.decorateRequest('responseCache', null);

  const sendHit = (req: FastifyRequest, reply: FastifyReply, answer: CachedAnswer) => {
    metrics.cacheLookups.inc({ result: 'hit' });
    reply.header('cache-control', 'no-cache').header('x-cache', 'hit').header('etag', answer.etag);
    if (ifNoneMatchMatches(req.headers['if-none-match'], answer.etag)) return reply.code(304).send();
    return reply.header('content-type', answer.contentType).send(answer.body);
  };

  app.addHook('onRequest', async (req, reply) => {
    const peek = req.cachePeek;
    if (!peek) return;
    const answer = await peek;
    if (answer) return sendHit(req, reply, answer);
  });

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
    if (found.status === 'hit') return sendHit(req, reply, found.answer);
    metrics.cacheLookups.inc({ result: found.status });
    reply.header('cache-control', 'no-cache').header('x-cache', 'miss');
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

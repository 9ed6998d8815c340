import type { FastifyRequest } from 'fastify';

/** How a route's answers are cached: the data tags the answer depends on. */
export interface CacheRouteConfig {
  /**
   * Tags of the data this request's answer is computed from (`price:<tokenId>`, `prices`,
   * `tvl:<protocolId>`, `tvl`, `meta`); the answer is dropped when any of them changes.
   * Called after validation, so `req.params`/`req.query` hold the parsed values.
   */
  tags: (req: FastifyRequest) => readonly string[];
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Cache this route's 200 answers (see CacheRouteConfig), or `false` never to. */
    cache?: CacheRouteConfig | false;
  }
}

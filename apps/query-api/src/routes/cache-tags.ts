import type { FastifyRequest } from 'fastify';
import type { CacheRouteConfig } from '../http/cache/route-config';

// The data tags each answer depends on (vocabulary of migration 002's data_changed):
// price:<tokenId>, prices, tvl:<protocolId>, tvl, meta. The platform's response cache drops
// an answer when one of its tags changes.

/** A route whose answer depends on the same tags whatever the request. */
export function fixedTags(...tags: string[]): CacheRouteConfig {
  return { tags: () => tags };
}

/** `/prices/*`, `/chart`, `/percentage`: each coin's prices, and token metadata (symbols, decimals). */
export const coinTags: CacheRouteConfig = {
  tags: (req: FastifyRequest) => [
    ...new Set(coinIds((req.params as { coins?: unknown }).coins).map((id) => `price:${id}`)),
    'meta',
  ],
};

/** `/protocol/:slug`, `/tvl/:slug`: that protocol's TVL and metadata. */
export const protocolTags: CacheRouteConfig = {
  tags: (req: FastifyRequest) => [`tvl:${String((req.params as { slug?: unknown }).slug ?? '').toLowerCase()}`, 'meta'],
};

/** Stored ids of the coins param, parsed (`[{key, id}]`) or, defensively, still raw (`a,b`). */
function coinIds(coins: unknown): string[] {
  if (typeof coins === 'string') return coins.split(',').map((coin) => coin.toLowerCase());
  if (Array.isArray(coins)) return coins.map((coin: { id?: unknown }) => String(coin.id));
  return [];
}

/** A cached 200 answer, stored serialized so a hit is written as is. */
export interface CachedAnswer {
  /** Strong ETag of the body, quoted: `"<hash>"`. */
  readonly etag: string;
  readonly contentType: string;
  readonly body: string;
}

/** A peek's answer, with the tags its entry was stored with. */
export interface PeekedAnswer extends CachedAnswer {
  readonly tags: readonly string[];
}

/**
 * What a lookup found. A miss carries the tag versions read before the answer is
 * computed: the answer is stored with them, so a change that lands while it is being
 * computed makes it a miss at once. `bypass`: the cache is unavailable; serve uncached.
 */
export type CacheLookup =
  | { readonly status: 'hit'; readonly answer: CachedAnswer }
  | { readonly status: 'miss'; readonly versions: string }
  | { readonly status: 'bypass' };

/**
 * The response cache: answers keyed by request, each valid while none of its tags'
 * versions moved and its TTL has not passed. Implementations never reject: a failing
 * store answers `bypass` (lookup) or does nothing (store), so a request never fails
 * because of the cache.
 */
export interface ResponseCache {
  /**
   * The fast path of a hit, before the request is validated or its tags computed: the
   * answer under `key` when the tags it was stored with are all still at their stored
   * versions, else null (then take the full path: `lookup`, compute, `store`).
   */
  peek(key: string): Promise<PeekedAnswer | null>;
  /** Look `key` up; `tags` (from `cacheTags`) are the ones the answer depends on. */
  lookup(key: string, tags: readonly string[]): Promise<CacheLookup>;
  /** Keep `answer` under `key`, valid while `tags` still have `versions` (from the miss). */
  store(key: string, tags: readonly string[], versions: string, answer: CachedAnswer): Promise<void>;
  /** Data behind `tags` changed: every answer depending on one of them is stale. `*`: all of them. */
  invalidate(tags: readonly string[]): Promise<void>;
}

/** The tag that every answer depends on: invalidating it drops everything. */
export const ALL_TAGS = '*';

/**
 * A route's tags as the cache uses them: `*` added, duplicates removed, sorted (two
 * requests for one key always read their versions in the same order).
 */
export function cacheTags(routeTags: readonly string[]): string[] {
  return [...new Set([ALL_TAGS, ...routeTags])].sort();
}

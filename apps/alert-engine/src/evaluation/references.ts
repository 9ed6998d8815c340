import type { Queryable } from '@defi-realtime/db';

/** Whose history a reference comes from: a token's prices, or a protocol's TVL (chain '' = total). */
export interface ReferenceTarget {
  /** Unique per target: the cache key. */
  readonly key: string;
  readonly kind: 'price' | 'tvl';
  readonly id: string;
  readonly chain: string;
}

/** A token's price history (price_points has no chain: one price per token id). */
export function priceTarget(tokenId: string): ReferenceTarget {
  return { key: `p|${tokenId}`, kind: 'price', id: tokenId, chain: '' };
}

/** A protocol's TVL history on one chain, or its total when `chain` is absent. */
export function tvlTarget(protocolId: string, chain?: string | null): ReferenceTarget {
  const c = chain ?? '';
  return { key: `t|${protocolId}|${c}`, kind: 'tvl', id: protocolId, chain: c };
}

/** "What were the values at or before `ts - windowMs`, for each of these times?" */
export interface ReferenceRequest {
  target: ReferenceTarget;
  windowMs: number;
  /** Observation times, oldest first. */
  times: readonly number[];
}

export interface ReferenceOptions {
  /**
   * Cached (target, window) pairs kept; the oldest are dropped past it.
   * @default 100000
   */
  maxEntries?: number;
}

/** Counters for metrics and the benchmark. */
export interface ReferenceStats {
  /** Answers served from the cache. */
  hits: number;
  /** (target, window, time) lookups sent to PostgreSQL. */
  lookups: number;
  /** Round trips (one per `resolve` with misses). */
  queries: number;
}

interface Bucket {
  /** The observation time the reference was looked up for. */
  forTs: number;
  value: number | null;
}

/** Buckets kept per (target, window): enough for a batch whose events span a few TTLs. */
const BUCKETS_PER_KEY = 4;

/**
 * Window references (the value at or before `ts - window`) from PostgreSQL
 * (`price_points`, `tvl_points`), cached per (target, window) for max(1 s, window/60)
 * of observation time: a 1 h window's reference is reused for a minute of events, which
 * moves the window's start by at most 1/60 of its length. A missing reference (history
 * too short) is cached the same way. Every miss of a batch is answered by one query per
 * table.
 */
export class ReferenceStore {
  private readonly cache = new Map<string, Bucket[]>();
  private readonly maxEntries: number;
  readonly stats: ReferenceStats = { hits: 0, lookups: 0, queries: 0 };

  constructor(
    private readonly db: Queryable,
    options: ReferenceOptions = {},
  ) {
    this.maxEntries = options.maxEntries ?? 100_000;
    if (!(Number.isInteger(this.maxEntries) && this.maxEntries > 0)) {
      throw new TypeError(`Invalid maxEntries option ${String(options.maxEntries)}: expected a whole number > 0`);
    }
  }

  /** How long (observation ms) a reference for `windowMs` is reused. */
  static ttlMs(windowMs: number): number {
    return Math.max(1_000, windowMs / 60);
  }

  /**
   * The reference for every time of every request (same shapes): a number, or null when
   * history is too short. Every miss is looked up in one round trip.
   */
  async resolve(requests: readonly ReferenceRequest[]): Promise<Array<Array<number | null>>> {
    const answers: Array<Array<number | null | undefined>> = [];
    const misses = new Map<string, { request: ReferenceRequest; times: number[] }>();
    for (const request of requests) {
      const key = cacheKey(request);
      const ttl = ReferenceStore.ttlMs(request.windowMs);
      const buckets = this.cache.get(key);
      const answer = request.times.map((ts) => {
        const bucket = buckets && findBucket(buckets, ts, ttl);
        if (bucket) {
          this.stats.hits += 1;
          return bucket.value;
        }
        let miss = misses.get(key);
        if (!miss) misses.set(key, (miss = { request, times: [] }));
        miss.times.push(ts);
        return undefined;
      });
      answers.push(answer);
    }
    if (misses.size === 0) return answers as Array<Array<number | null>>;
    const found = await this.lookUp(misses);
    // Second pass for the misses (from what was just found: the cache keeps only the latest few).
    return answers.map((answer, r) => {
      const request = requests[r]!;
      if (!answer.includes(undefined)) return answer as Array<number | null>;
      const buckets = found.get(cacheKey(request)) ?? [];
      const ttl = ReferenceStore.ttlMs(request.windowMs);
      return answer.map((value, i) =>
        value !== undefined ? value : (findBucket(buckets, request.times[i]!, ttl)?.value ?? null),
      );
    });
  }

  /** Query the misses (one lookup covers every time within a TTL after it), cache them and return them by key. */
  private async lookUp(
    misses: Map<string, { request: ReferenceRequest; times: number[] }>,
  ): Promise<Map<string, Bucket[]>> {
    const lookups: Array<{ key: string; request: ReferenceRequest; forTs: number }> = [];
    for (const [key, { request, times }] of misses) {
      times.sort((a, b) => a - b);
      const ttl = ReferenceStore.ttlMs(request.windowMs);
      let covered = -Infinity;
      for (const ts of times) {
        if (ts < covered) continue;
        lookups.push({ key, request, forTs: ts });
        covered = ts + ttl;
      }
    }
    const values = await this.query(
      lookups.map(({ request, forTs }) => ({ target: request.target, at: forTs - request.windowMs })),
    );
    this.stats.queries += 1;
    this.stats.lookups += lookups.length;
    const found = new Map<string, Bucket[]>();
    lookups.forEach(({ key, forTs }, i) => {
      const bucket = { forTs, value: values[i] ?? null };
      this.store(key, bucket);
      const list = found.get(key);
      if (list) list.push(bucket);
      else found.set(key, [bucket]);
    });
    return found;
  }

  private store(key: string, bucket: Bucket): void {
    const buckets = this.cache.get(key) ?? [];
    buckets.push(bucket);
    buckets.sort((a, b) => b.forTs - a.forTs);
    if (buckets.length > BUCKETS_PER_KEY) buckets.length = BUCKETS_PER_KEY;
    // Re-insert so Map order is least recently stored first: eviction drops those.
    this.cache.delete(key);
    this.cache.set(key, buckets);
    if (this.cache.size > this.maxEntries) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
  }

  /** Value at or before `at` for each lookup (null when none), in order; one query per table. */
  private async query(lookups: Array<{ target: ReferenceTarget; at: number }>): Promise<Array<number | null>> {
    const values: Array<number | null> = lookups.map(() => null);
    const prices: number[] = [];
    const tvls: number[] = [];
    lookups.forEach((lookup, i) => (lookup.target.kind === 'price' ? prices : tvls).push(i));
    const fill = async (positions: number[], sql: string, params: unknown[]) => {
      if (positions.length === 0) return;
      const { rows } = await this.db.query<{ i: number; value: number }>(sql, params);
      for (const row of rows) values[positions[row.i - 1]!] = row.value;
    };
    const at = (positions: number[]) => positions.map((i) => new Date(lookups[i]!.at).toISOString());
    await Promise.all([
      fill(
        prices,
        `SELECT q.i::int AS i, p.price AS value
           FROM unnest($1::text[], $2::timestamptz[]) WITH ORDINALITY AS q(token_id, at, i)
           CROSS JOIN LATERAL (
             SELECT price FROM price_points
              WHERE token_id = q.token_id AND ts <= q.at
              ORDER BY ts DESC LIMIT 1) p`,
        [prices.map((i) => lookups[i]!.target.id), at(prices)],
      ),
      fill(
        tvls,
        `SELECT q.i::int AS i, t.tvl AS value
           FROM unnest($1::text[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS q(protocol_id, chain, at, i)
           CROSS JOIN LATERAL (
             SELECT tvl FROM tvl_points
              WHERE protocol_id = q.protocol_id AND chain = q.chain AND ts <= q.at
              ORDER BY ts DESC LIMIT 1) t`,
        [tvls.map((i) => lookups[i]!.target.id), tvls.map((i) => lookups[i]!.target.chain), at(tvls)],
      ),
    ]);
    return values;
  }
}

function cacheKey(request: ReferenceRequest): string {
  return `${request.target.key}|${request.windowMs}`;
}

/** The bucket whose TTL covers `ts`, if any. */
function findBucket(buckets: Bucket[], ts: number, ttl: number): Bucket | undefined {
  for (const bucket of buckets) if (bucket.forTs <= ts && ts < bucket.forTs + ttl) return bucket;
  return undefined;
}

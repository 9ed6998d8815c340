import type { Queryable } from '@defi-realtime/db';

/** What a source knows about a token (DefiLlama id, lower-case). */
export interface TokenReference {
  id: string;
  symbol: string;
  name?: string;
  /** The chain of a `<chain>:<address>` token, or a coin's native chain. */
  chain?: string;
  decimals?: number;
  coingeckoId?: string;
}

/** What a source knows about a protocol (by slug). */
export interface ProtocolReference {
  id: string;
  name: string;
  symbol?: string;
  category?: string;
  /** Chain keys; replaces the stored list when non-empty (the source is the authority). */
  chains?: string[];
  url?: string;
  logo?: string;
  geckoId?: string;
  /** Milliseconds since the epoch. */
  listedAt?: number;
  /** Anything else worth keeping (description, twitter, DefiLlama's numeric id...), merged into `metadata`. */
  metadata?: Record<string, unknown>;
}

/**
 * Upserts tokens' and protocols' metadata (names, symbols, categories, chains, decimals) as
 * sources report it: the simulator from its fixtures, the DefiLlama poller from `/protocols`
 * and `/prices/current`. A field a source leaves out keeps its stored value; a row whose
 * values would not change is not written, so repeating a poll every minute writes (and
 * announces, migration 002's `meta` tag) nothing. Rows are written in id order so that
 * concurrent writers lock them in the same order.
 */
export class ReferenceWriter {
  constructor(private readonly db: Queryable) {}

  /** Upsert tokens; resolves with the number of rows inserted or changed. */
  async writeTokens(tokens: readonly TokenReference[]): Promise<number> {
    const rows = lastById(tokens).map((t) => ({
      id: t.id,
      symbol: t.symbol,
      name: t.name ?? null,
      chain: t.chain ?? null,
      decimals: t.decimals ?? null,
      coingecko_id: t.coingeckoId ?? null,
    }));
    if (rows.length === 0) return 0;
    const { rowCount } = await this.db.query(
      `INSERT INTO tokens AS t (id, symbol, name, chain, decimals, coingecko_id)
       SELECT id, symbol, name, chain, decimals, coingecko_id
       FROM jsonb_to_recordset($1::jsonb) AS x(id text, symbol text, name text, chain text, decimals integer, coingecko_id text)
       ORDER BY id
       ON CONFLICT (id) DO UPDATE SET
         symbol = excluded.symbol,
         name = coalesce(excluded.name, t.name),
         chain = coalesce(excluded.chain, t.chain),
         decimals = coalesce(excluded.decimals, t.decimals),
         coingecko_id = coalesce(excluded.coingecko_id, t.coingecko_id),
         updated_at = now()
       WHERE (t.symbol, t.name, t.chain, t.decimals, t.coingecko_id) IS DISTINCT FROM
         (excluded.symbol, coalesce(excluded.name, t.name), coalesce(excluded.chain, t.chain),
          coalesce(excluded.decimals, t.decimals), coalesce(excluded.coingecko_id, t.coingecko_id))`,
      [JSON.stringify(rows)],
    );
    return rowCount;
  }

  /**
   * Upsert protocols; resolves with the number of rows inserted or changed. A protocol a
   * source lists is listed: a stored `delisted_at` is cleared.
   */
  async writeProtocols(protocols: readonly ProtocolReference[]): Promise<number> {
    const rows = lastById(protocols).map((p) => ({
      id: p.id,
      name: p.name,
      symbol: p.symbol ?? null,
      category: p.category ?? null,
      // Sorted like the TVL trigger's list, so the same chains always compare equal.
      chains: [...new Set(p.chains ?? [])].sort(),
      url: p.url ?? null,
      logo: p.logo ?? null,
      gecko_id: p.geckoId ?? null,
      listed_at: p.listedAt === undefined ? null : new Date(p.listedAt).toISOString(),
      metadata: p.metadata ?? {},
    }));
    if (rows.length === 0) return 0;
    const { rowCount } = await this.db.query(
      `INSERT INTO protocols AS p (id, name, symbol, category, chains, url, logo, gecko_id, listed_at, metadata)
       SELECT id, name, symbol, category, chains, url, logo, gecko_id, listed_at, metadata
       FROM jsonb_to_recordset($1::jsonb) AS x(id text, name text, symbol text, category text, chains text[], url text,
         logo text, gecko_id text, listed_at timestamptz, metadata jsonb)
       ORDER BY id
       ON CONFLICT (id) DO UPDATE SET
         name = excluded.name,
         symbol = coalesce(excluded.symbol, p.symbol),
         category = coalesce(excluded.category, p.category),
         chains = CASE WHEN cardinality(excluded.chains) > 0 THEN excluded.chains ELSE p.chains END,
         url = coalesce(excluded.url, p.url),
         logo = coalesce(excluded.logo, p.logo),
         gecko_id = coalesce(excluded.gecko_id, p.gecko_id),
         listed_at = coalesce(excluded.listed_at, p.listed_at),
         delisted_at = NULL,
         metadata = p.metadata || excluded.metadata,
         updated_at = now()
       WHERE (p.name, p.symbol, p.category, p.chains, p.url, p.logo, p.gecko_id, p.listed_at, p.delisted_at, p.metadata) IS DISTINCT FROM
         (excluded.name, coalesce(excluded.symbol, p.symbol), coalesce(excluded.category, p.category),
          CASE WHEN cardinality(excluded.chains) > 0 THEN excluded.chains ELSE p.chains END,
          coalesce(excluded.url, p.url), coalesce(excluded.logo, p.logo), coalesce(excluded.gecko_id, p.gecko_id),
          coalesce(excluded.listed_at, p.listed_at), NULL::timestamptz, p.metadata || excluded.metadata)`,
      [JSON.stringify(rows)],
    );
    return rowCount;
  }
}

/** One entry per id, the last one given (an upsert may not touch a row twice in one statement). */
function lastById<R extends { id: string }>(rows: readonly R[]): R[] {
  return [...new Map(rows.map((row) => [row.id, row])).values()];
}

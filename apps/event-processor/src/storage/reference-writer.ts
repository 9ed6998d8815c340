import type { Queryable } from '@defi-realtime/db';
import { parseTokenId } from '@defi-realtime/protocol';
import type { ObservationRecord } from '../pipeline/records';

/** What a source knows about a token (DefiLlama id, lower-case). */
export interface TokenReference {
  id: string;
  /** Absent: the stored symbol is kept, and a token not stored yet is not written (a symbol is required). */
  symbol?: string;
  name?: string;
  /** The chain of a `<chain>:<address>` token, or a coin's native chain. */
  chain?: string;
  decimals?: number;
  coingeckoId?: string;
}

/** A protocol's display name, as ingested TVL records carry it. */
export interface ProtocolName {
  id: string;
  name: string;
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
      symbol: t.symbol ?? null,
      name: t.name ?? null,
      chain: t.chain ?? null,
      decimals: t.decimals ?? null,
      coingecko_id: t.coingeckoId ?? null,
    }));
    if (rows.length === 0) return 0;
    // Rows that would not change are left out before the upsert: ON CONFLICT locks every
    // conflicting row until commit, even when its WHERE then skips the update.
    const { rowCount } = await this.db.query(
      `INSERT INTO tokens AS t (id, symbol, name, chain, decimals, coingecko_id)
       SELECT x.id, coalesce(x.symbol, k.symbol), x.name, x.chain, x.decimals, x.coingecko_id
       FROM jsonb_to_recordset($1::jsonb) AS x(id text, symbol text, name text, chain text, decimals integer, coingecko_id text)
       LEFT JOIN tokens k ON k.id = x.id
       WHERE coalesce(x.symbol, k.symbol) IS NOT NULL
         AND (k.symbol, k.name, k.chain, k.decimals, k.coingecko_id) IS DISTINCT FROM
           (coalesce(x.symbol, k.symbol), coalesce(x.name, k.name), coalesce(x.chain, k.chain),
            coalesce(x.decimals, k.decimals), coalesce(x.coingecko_id, k.coingecko_id))
       ORDER BY x.id
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

  /**
   * Set protocols' display names (inserting unknown protocols), leaving every other field
   * as stored: a name sent with ingested TVL neither lists nor relists a protocol.
   */
  async writeProtocolNames(names: readonly ProtocolName[]): Promise<number> {
    if (names.length === 0) return 0;
    const { rowCount } = await this.db.query(
      `INSERT INTO protocols AS p (id, name)
       SELECT x.id, x.name
       FROM jsonb_to_recordset($1::jsonb) AS x(id text, name text)
       WHERE NOT EXISTS (SELECT 1 FROM protocols k WHERE k.id = x.id AND k.name = x.name)
       ORDER BY x.id
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, updated_at = now()
       WHERE p.name IS DISTINCT FROM excluded.name`,
      [JSON.stringify(lastById(names))],
    );
    return rowCount;
  }
}

/**
 * What ingested records say about their tokens (symbol, decimals, chain) and protocols
 * (name), one entry per id with the latest value of each field. Only records from HTTP
 * ingest: the simulator and the poller store their own, richer, references.
 */
export function ingestedReferences(records: readonly ObservationRecord[]): {
  tokens: TokenReference[];
  protocols: ProtocolName[];
} {
  const tokens = new Map<string, TokenReference>();
  const protocols = new Map<string, ProtocolName>();
  for (const r of records) {
    if (r.origin !== 'ingest') continue;
    if (r.kind === 'tvl') {
      if (r.name !== undefined) protocols.set(r.protocolId, { id: r.protocolId, name: r.name });
      continue;
    }
    if (r.symbol === undefined && r.decimals === undefined) continue;
    const parsed = parseTokenId(r.tokenId);
    const chain = r.chain ?? (parsed.ok ? parsed.chain : undefined);
    const known = tokens.get(r.tokenId);
    tokens.set(r.tokenId, {
      ...known,
      id: r.tokenId,
      ...(r.symbol !== undefined ? { symbol: r.symbol } : {}),
      ...(r.decimals !== undefined ? { decimals: r.decimals } : {}),
      ...(chain !== undefined ? { chain } : {}),
    });
  }
  return { tokens: [...tokens.values()], protocols: [...protocols.values()] };
}

/** One entry per id, the last one given (an upsert may not touch a row twice in one statement). */
function lastById<R extends { id: string }>(rows: readonly R[]): R[] {
  return [...new Map(rows.map((row) => [row.id, row])).values()];
}

import type { Queryable } from '@defi-realtime/db';

// Rows written with plain SQL, as other writers would: the triggers of migration 002 do
// the rest (current tables, daily history, announcements).

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export interface PricePoint {
  token: string;
  at: number;
  price: number;
  confidence?: number;
}

export interface TvlPoint {
  protocol: string;
  /** '' (default) for the protocol's total. */
  chain?: string;
  at: number;
  tvl: number;
}

/** Insert price points in one statement. */
export async function insertPrices(db: Queryable, points: readonly PricePoint[]): Promise<void> {
  await db.query(
    `INSERT INTO price_points (token_id, ts, price, confidence, source)
     SELECT t, ts, p, c, 'test' FROM unnest($1::text[], $2::timestamptz[], $3::float8[], $4::float8[]) AS x(t, ts, p, c)`,
    [
      points.map((p) => p.token),
      points.map((p) => new Date(p.at).toISOString()),
      points.map((p) => p.price),
      points.map((p) => p.confidence ?? null),
    ],
  );
}

/** Insert TVL points in one statement. */
export async function insertTvl(db: Queryable, points: readonly TvlPoint[]): Promise<void> {
  await db.query(
    `INSERT INTO tvl_points (protocol_id, chain, ts, tvl)
     SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::float8[])`,
    [
      points.map((p) => p.protocol),
      points.map((p) => p.chain ?? ''),
      points.map((p) => new Date(p.at).toISOString()),
      points.map((p) => p.tvl),
    ],
  );
}

export interface ProtocolRow {
  id: string;
  name: string;
  symbol?: string;
  category?: string;
  chains?: string[];
  url?: string;
  listedAt?: number;
  delistedAt?: number;
}

/** Insert or replace protocols' metadata. */
export async function upsertProtocols(db: Queryable, rows: readonly ProtocolRow[]): Promise<void> {
  for (const row of rows) {
    await db.query(
      `INSERT INTO protocols (id, name, symbol, category, chains, url, listed_at, delisted_at) VALUES ($1, $2, $3, $4, $5::text[], $6, $7, $8)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, symbol = excluded.symbol, category = excluded.category, chains = excluded.chains,
         url = excluded.url, listed_at = excluded.listed_at, delisted_at = excluded.delisted_at`,
      [
        row.id,
        row.name,
        row.symbol ?? null,
        row.category ?? null,
        row.chains ?? [],
        row.url ?? null,
        row.listedAt === undefined ? null : new Date(row.listedAt),
        row.delistedAt === undefined ? null : new Date(row.delistedAt),
      ],
    );
  }
}

/** Insert or replace tokens' metadata. */
export async function upsertTokens(
  db: Queryable,
  rows: ReadonlyArray<{ id: string; symbol: string; decimals?: number }>,
): Promise<void> {
  for (const row of rows) {
    await db.query(
      'INSERT INTO tokens (id, symbol, decimals) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET symbol = excluded.symbol, decimals = excluded.decimals',
      [row.id, row.symbol, row.decimals ?? null],
    );
  }
}

import type { Queryable } from '@defi-realtime/db';

/** A coin as the caller sent it (`key`, echoed in answers) and as stored (`id`, lower-cased). */
export interface CoinRef {
  key: string;
  id: string;
}

/** What tokens (and the current price's confidence) say about a coin. */
export interface CoinMeta {
  /** '' when no source gave the token's metadata yet. */
  symbol: string;
  decimals?: number;
  confidence?: number;
}

/** Distinct stored ids of the coins asked for. */
export function distinctIds(coins: readonly CoinRef[]): string[] {
  return [...new Set(coins.map((coin) => coin.id))];
}

/** Symbol, decimals and current confidence of each id (every id gets an entry). */
export async function coinMeta(db: Queryable, ids: readonly string[]): Promise<Map<string, CoinMeta>> {
  const { rows } = await db.query<{
    id: string;
    symbol: string | null;
    decimals: number | null;
    confidence: number | null;
  }>(
    `SELECT k.id, t.symbol, t.decimals, c.confidence
     FROM unnest($1::text[]) AS k(id)
     LEFT JOIN tokens t ON t.id = k.id
     LEFT JOIN price_current c ON c.token_id = k.id`,
    [ids],
  );
  return new Map(
    rows.map((row) => [
      row.id,
      withOptional({ symbol: row.symbol ?? '' }, { decimals: row.decimals, confidence: row.confidence }),
    ]),
  );
}

/** `base` plus the fields of `optional` that are not null (answers omit unknown fields, as DefiLlama does). */
export function withOptional<T extends object, O extends Record<string, unknown>>(
  base: T,
  optional: O,
): T & { [K in keyof O]?: NonNullable<O[K]> } {
  const out = { ...base } as Record<string, unknown>;
  for (const [name, value] of Object.entries(optional)) if (value !== null && value !== undefined) out[name] = value;
  return out as T & { [K in keyof O]?: NonNullable<O[K]> };
}

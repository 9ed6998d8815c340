import type { Queryable } from '@defi-realtime/db';
import { unixSeconds } from '../time';
import { distinctIds, withOptional, type CoinRef } from './coins';

/** One coin in a `/prices/current` or `/prices/historical` answer (DefiLlama's shape). */
export interface CoinPrice {
  price: number;
  symbol: string;
  /** Unix seconds of the price point. */
  timestamp: number;
  decimals?: number;
  confidence?: number;
}

export interface CurrentPricesOptions {
  /** Prices older than this (seconds before `nowMs`) are left out, as DefiLlama does. */
  searchWidthSec: number;
  nowMs: number;
}

/**
 * The latest price of each coin from price_current (one primary-key lookup each), keyed by
 * the ids as sent. Coins without a price, or whose latest is older than the search width,
 * are absent.
 */
export async function currentPrices(
  db: Queryable,
  coins: readonly CoinRef[],
  options: CurrentPricesOptions,
): Promise<Record<string, CoinPrice>> {
  const { rows } = await db.query<{
    token_id: string;
    price: number;
    ts: Date;
    confidence: number | null;
    symbol: string | null;
    decimals: number | null;
  }>(
    `SELECT c.token_id, c.price, c.ts, c.confidence, t.symbol, t.decimals
     FROM price_current c
     LEFT JOIN tokens t ON t.id = c.token_id
     WHERE c.token_id = ANY($1::text[]) AND c.ts >= $2`,
    [distinctIds(coins), new Date(options.nowMs - options.searchWidthSec * 1000)],
  );
  const byId = new Map(
    rows.map((row) => [
      row.token_id,
      withOptional(
        { price: row.price, symbol: row.symbol ?? '', timestamp: unixSeconds(row.ts) },
        { decimals: row.decimals, confidence: row.confidence },
      ),
    ]),
  );
  return keyed(coins, byId);
}

/** An answer keyed by the coins as sent; ids without a value are left out. */
export function keyed<V>(coins: readonly CoinRef[], byId: ReadonlyMap<string, V>): Record<string, V> {
  const out: Record<string, V> = {};
  for (const coin of coins) {
    const value = byId.get(coin.id);
    if (value !== undefined) out[coin.key] = value;
  }
  return out;
}

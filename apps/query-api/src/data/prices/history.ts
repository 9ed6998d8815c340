import type { Queryable } from '@defi-realtime/db';
import { unixSeconds } from '../time';
import { closestPoints, type ClosestPoint } from './closest';
import { coinMeta, distinctIds, withOptional, type CoinRef } from './coins';
import { keyed, type CoinPrice } from './current';

/** Each coin's price nearest to `timestampSec` within the search width (DefiLlama's /prices/historical). */
export async function historicalPrices(
  db: Queryable,
  coins: readonly CoinRef[],
  options: { timestampSec: number; searchWidthSec: number },
): Promise<Record<string, CoinPrice>> {
  const ids = distinctIds(coins);
  const [points, meta] = await Promise.all([
    closestPoints(db, ids, [options.timestampSec], options.searchWidthSec),
    coinMeta(db, ids),
  ]);
  const byId = new Map<string, CoinPrice>();
  for (const point of points) {
    const info = meta.get(point.tokenId);
    byId.set(
      point.tokenId,
      withOptional(
        { price: point.price, symbol: info?.symbol ?? '', timestamp: unixSeconds(point.ts) },
        { decimals: info?.decimals, confidence: point.confidence },
      ),
    );
  }
  return keyed(coins, byId);
}

/** One coin in a `/chart` answer (DefiLlama's shape). */
export interface CoinChart {
  symbol: string;
  confidence?: number;
  decimals?: number;
  prices: Array<{ timestamp: number; price: number }>;
}

/**
 * Each coin's price nearest to every target time, oldest first. A point nearest to two
 * consecutive targets (data sparser than the period) is listed once. Coins with no point
 * near any target are absent.
 */
export async function priceChart(
  db: Queryable,
  coins: readonly CoinRef[],
  options: { targetsSec: readonly number[]; searchWidthSec: number },
): Promise<Record<string, CoinChart>> {
  const ids = distinctIds(coins);
  const [points, meta] = await Promise.all([
    closestPoints(db, ids, options.targetsSec, options.searchWidthSec),
    coinMeta(db, ids),
  ]);
  const byId = new Map<string, CoinChart>();
  for (const point of points) {
    let chart = byId.get(point.tokenId);
    if (!chart) {
      const info = meta.get(point.tokenId);
      chart = withOptional(
        { symbol: info?.symbol ?? '', prices: [] as CoinChart['prices'] },
        { confidence: info?.confidence, decimals: info?.decimals },
      );
      byId.set(point.tokenId, chart);
    }
    const timestamp = unixSeconds(point.ts);
    if (chart.prices.at(-1)?.timestamp !== timestamp) chart.prices.push({ timestamp, price: point.price });
  }
  return keyed(coins, byId);
}

/**
 * Percent change of each coin's price from `fromSec` to `toSec`, from the points nearest
 * to both ends. As DefiLlama does, the change is scaled to the requested interval when the
 * points found are not exactly that far apart. Coins without both points are absent.
 */
export async function pricePercentages(
  db: Queryable,
  coins: readonly CoinRef[],
  options: { fromSec: number; toSec: number; searchWidthSec: number },
): Promise<Record<string, number>> {
  const points = await closestPoints(db, distinctIds(coins), [options.fromSec, options.toSec], options.searchWidthSec);
  const ends = new Map<string, { from?: ClosestPoint; to?: ClosestPoint }>();
  for (const point of points) {
    const entry = ends.get(point.tokenId) ?? {};
    if (point.target === 0) entry.from = point;
    else entry.to = point;
    ends.set(point.tokenId, entry);
  }
  const requested = options.toSec - options.fromSec;
  const byId = new Map<string, number>();
  for (const [id, { from, to }] of ends) {
    if (!from || !to || from.price <= 0) continue;
    const actual = (to.ts.getTime() - from.ts.getTime()) / 1000;
    if (actual <= 0) continue;
    byId.set(id, ((to.price - from.price) / from.price) * 100 * (requested / actual));
  }
  return keyed(coins, byId);
}

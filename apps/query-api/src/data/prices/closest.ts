import type { Queryable } from '@defi-realtime/db';
import type { SqlQuery } from '../sql';

/** The price point nearest to one asked-for time. */
export interface ClosestPoint {
  tokenId: string;
  /** Index of the target time it answers (0-based, in the order given). */
  target: number;
  ts: Date;
  price: number;
  confidence: number | null;
}

/**
 * For every (token, target time), the point nearest to the target within `widthSec` on
 * either side: two primary-key range scans (the last point at or before, the first after),
 * the nearer one kept. DefiLlama's `searchWidth` means the same.
 */
export function closestPointsQuery(ids: readonly string[], targetsSec: readonly number[], widthSec: number): SqlQuery {
  return {
    text: `SELECT k.id AS token_id, t.n::int - 1 AS target, p.ts, p.price, p.confidence
      FROM unnest($1::text[]) AS k(id)
      CROSS JOIN unnest($2::timestamptz[]) WITH ORDINALITY AS t(at, n)
      CROSS JOIN LATERAL (
        SELECT near.ts, near.price, near.confidence FROM (
          (SELECT ts, price, confidence FROM price_points
            WHERE token_id = k.id AND ts <= t.at AND ts >= t.at - make_interval(secs => $3::float8)
            ORDER BY ts DESC LIMIT 1)
          UNION ALL
          (SELECT ts, price, confidence FROM price_points
            WHERE token_id = k.id AND ts > t.at AND ts <= t.at + make_interval(secs => $3::float8)
            ORDER BY ts LIMIT 1)
        ) near
        ORDER BY abs(extract(epoch FROM near.ts - t.at)), near.ts
        LIMIT 1
      ) p
      ORDER BY k.id, t.n`,
    values: [ids, targetsSec.map((sec) => new Date(sec * 1000).toISOString()), widthSec],
  };
}

/** Run closestPointsQuery. */
export async function closestPoints(
  db: Queryable,
  ids: readonly string[],
  targetsSec: readonly number[],
  widthSec: number,
): Promise<ClosestPoint[]> {
  if (ids.length === 0 || targetsSec.length === 0) return [];
  const { text, values } = closestPointsQuery(ids, targetsSec, widthSec);
  const { rows } = await db.query<{
    token_id: string;
    target: number;
    ts: Date;
    price: number;
    confidence: number | null;
  }>(text, values);
  return rows.map((row) => ({
    tokenId: row.token_id,
    target: row.target,
    ts: row.ts,
    price: row.price,
    confidence: row.confidence,
  }));
}

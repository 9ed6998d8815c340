import type { Queryable } from '@defi-realtime/db';
import type { SqlQuery } from '../sql';

export type MoverWindow = '1h' | '1d' | '7d';
export type MoverKind = 'price' | 'tvl';
export type MoverDirection = 'up' | 'down' | 'both';

export interface MoversRequest {
  window: MoverWindow;
  kind: MoverKind;
  direction: MoverDirection;
  limit: number;
}

/** One mover: a protocol (`name`, its total TVL as `value`) or a token (`symbol`, its price). */
export interface Mover {
  id: string;
  name?: string;
  symbol?: string;
  value: number;
  /** Percent change over the window. */
  change: number;
}

/**
 * The largest moves over a window. `up`/`down` read one end of the index on the change
 * column; `both` reads both ends (the n largest absolute moves are among the n highest and
 * the n lowest) and keeps the n largest.
 */
export function moversQuery(request: MoversRequest): SqlQuery {
  const change = `c.change_${request.window}`;
  const select =
    request.kind === 'tvl'
      ? `SELECT c.protocol_id AS id, p.name, c.tvl AS value, ${change} AS change
         FROM tvl_current c JOIN protocols p ON p.id = c.protocol_id
         WHERE c.chain = '' AND p.delisted_at IS NULL AND ${change} IS NOT NULL`
      : `SELECT c.token_id AS id, coalesce(t.symbol, '') AS symbol, c.price AS value, ${change} AS change
         FROM price_current c LEFT JOIN tokens t ON t.id = c.token_id
         WHERE ${change} IS NOT NULL`;
  const up = `(${select} AND ${change} > 0 ORDER BY ${change} DESC LIMIT $1)`;
  const down = `(${select} AND ${change} < 0 ORDER BY ${change} ASC LIMIT $1)`;
  const text =
    request.direction === 'up'
      ? up
      : request.direction === 'down'
        ? down
        : `SELECT * FROM (${up} UNION ALL ${down}) m ORDER BY abs(change) DESC, id LIMIT $1`;
  return { text, values: [request.limit] };
}

/** Run moversQuery. */
export async function movers(db: Queryable, request: MoversRequest): Promise<Mover[]> {
  const { text, values } = moversQuery(request);
  const { rows } = await db.query<Mover>(text, values);
  return rows;
}

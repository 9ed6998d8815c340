import type { Queryable } from '@defi-realtime/db';
import type { SqlQuery } from '../sql';

export type AggregateGroupBy = 'chain' | 'category';

/** One group of /v2/aggregate/tvl. */
export interface TvlGroup {
  /** The chain key or the category (null for protocols without one). */
  key: string | null;
  tvl: number;
  /** Protocols counted in the group. */
  protocols: number;
  /** Percent change over a day of the group's protocols that have a value a day ago; null if none has. */
  change_1d: number | null;
}

/**
 * Current TVL summed per chain (each protocol's TVL on that chain) or per category (each
 * protocol's total), largest first. One pass over tvl_current: it holds one row per
 * protocol and chain, so this is the cheap way to sum them all (no index can beat reading
 * every row an aggregate needs).
 */
export function aggregateTvlQuery(groupBy: AggregateGroupBy): SqlQuery {
  const key = groupBy === 'chain' ? 'c.chain' : 'p.category';
  const rows = groupBy === 'chain' ? "c.chain <> ''" : "c.chain = ''";
  return {
    text: `SELECT ${key} AS key, sum(c.tvl) AS tvl, count(*)::int AS protocols,
        100 * (sum(c.tvl) FILTER (WHERE c.tvl_1d > 0) - sum(c.tvl_1d) FILTER (WHERE c.tvl_1d > 0))
          / nullif(sum(c.tvl_1d) FILTER (WHERE c.tvl_1d > 0), 0) AS change_1d
      FROM tvl_current c JOIN protocols p ON p.id = c.protocol_id
      WHERE ${rows} AND p.delisted_at IS NULL
      GROUP BY ${key}
      ORDER BY tvl DESC, key`,
    values: [],
  };
}

/** Run aggregateTvlQuery. */
export async function aggregateTvl(db: Queryable, groupBy: AggregateGroupBy): Promise<TvlGroup[]> {
  const { text, values } = aggregateTvlQuery(groupBy);
  const { rows } = await db.query<TvlGroup>(text, values);
  return rows;
}

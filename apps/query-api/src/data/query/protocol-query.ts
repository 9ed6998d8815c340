import type { Queryable } from '@defi-realtime/db';
import type { SqlQuery } from '../sql';
import { unixSeconds } from '../time';
import { encodeCursor, type ProtocolCursor, type ProtocolSort, type SortOrder } from './cursor';

/** The filters, sort and page of /v2/query/protocols, validated. */
export interface ProtocolQuery {
  /** TVL and changes on this chain (rows of tvl_current for it); unset: the protocols' totals. */
  chain?: string;
  category?: string;
  minTvl?: number;
  maxTvl?: number;
  minChange1d?: number;
  maxChange1d?: number;
  sort: ProtocolSort;
  order: SortOrder;
  limit: number;
  cursor?: ProtocolCursor;
}

/** One protocol in the answer. `chains` are chain keys (ours and DefiLlama's coins API's). */
export interface QueriedProtocol {
  id: string;
  name: string;
  symbol: string | null;
  category: string | null;
  chains: string[];
  tvl: number;
  change_1h: number | null;
  change_1d: number | null;
  change_7d: number | null;
  /** Unix seconds of the TVL point. */
  timestamp: number;
}

/** A result row: the answer's fields, with the point's time as a Date. */
type Row = Omit<QueriedProtocol, 'timestamp'> & { ts: Date };

const SORT_COLUMN: Record<ProtocolSort, string> = {
  tvl: 'c.tvl',
  change_1h: 'c.change_1h',
  change_1d: 'c.change_1d',
  change_7d: 'c.change_7d',
  name: 'p.name',
};
const ID_COLUMN: Record<ProtocolSort, string> = {
  tvl: 'c.protocol_id',
  change_1h: 'c.protocol_id',
  change_1d: 'c.protocol_id',
  change_7d: 'c.protocol_id',
  name: 'p.id',
};

/**
 * The statement of one page. Keyset pagination: `(sort value, id)` past the cursor's, in
 * the order of the index `tvl_current (chain, <column>, protocol_id)` (or `protocols (name,
 * id)`), so every page is an index range however deep. Change sorts run in two phases:
 * rows with a value (`phase: 'values'`), then rows without one by id (`phase: 'nulls'`).
 */
export function protocolPageQuery(query: ProtocolQuery, phase: 'values' | 'nulls', limit: number): SqlQuery {
  const values: unknown[] = [query.chain ?? ''];
  const where = ['c.chain = $1', 'p.delisted_at IS NULL'];
  const param = (value: unknown): string => {
    values.push(value);
    return `$${values.length}`;
  };
  if (query.category !== undefined) where.push(`p.category = ${param(query.category)}`);
  if (query.minTvl !== undefined) where.push(`c.tvl >= ${param(query.minTvl)}`);
  if (query.maxTvl !== undefined) where.push(`c.tvl <= ${param(query.maxTvl)}`);
  if (query.minChange1d !== undefined) where.push(`c.change_1d >= ${param(query.minChange1d)}`);
  if (query.maxChange1d !== undefined) where.push(`c.change_1d <= ${param(query.maxChange1d)}`);

  const column = SORT_COLUMN[query.sort];
  const id = ID_COLUMN[query.sort];
  const cursor = query.cursor;
  let orderBy: string;
  if (phase === 'values') {
    const dir = query.order === 'desc' ? 'DESC' : 'ASC';
    where.push(`${column} IS NOT NULL`);
    if (cursor)
      where.push(
        `(${column}, ${id}) ${query.order === 'desc' ? '<' : '>'} (${param(cursor.value)}, ${param(cursor.id)})`,
      );
    orderBy = `${column} ${dir}, ${id} ${dir}`;
  } else {
    where.push(`${column} IS NULL`);
    if (cursor && cursor.value === null) where.push(`${id} > ${param(cursor.id)}`);
    orderBy = `${id}`;
  }
  return {
    text: `SELECT c.protocol_id AS id, p.name, p.symbol, p.category, p.chains, c.tvl, c.change_1h, c.change_1d, c.change_7d, c.ts
      FROM tvl_current c JOIN protocols p ON p.id = c.protocol_id
      WHERE ${where.join(' AND ')}
      ORDER BY ${orderBy}
      LIMIT ${param(limit)}`,
    values,
  };
}

/** One page of protocols and the cursor of the next (null on the last page). */
export async function queryProtocols(
  db: Queryable,
  query: ProtocolQuery,
): Promise<{ protocols: QueriedProtocol[]; nextCursor: string | null }> {
  const want = query.limit + 1; // one more than a page says whether another page follows
  const nullable = query.sort.startsWith('change_');
  const rows: Row[] = [];
  if (!(query.cursor && query.cursor.value === null)) {
    const page = protocolPageQuery(query, 'values', want);
    rows.push(...(await db.query<Row>(page.text, page.values)).rows);
  }
  if (nullable && rows.length < want) {
    const page = protocolPageQuery(query, 'nulls', want - rows.length);
    rows.push(...(await db.query<Row>(page.text, page.values)).rows);
  }
  const pageRows = rows.slice(0, query.limit);
  const last = pageRows.at(-1);
  const nextCursor =
    rows.length > query.limit && last
      ? encodeCursor({ sort: query.sort, order: query.order, value: sortValue(last, query.sort), id: last.id })
      : null;
  return {
    protocols: pageRows.map((row) => ({
      id: row.id,
      name: row.name,
      symbol: row.symbol,
      category: row.category,
      chains: row.chains,
      tvl: row.tvl,
      change_1h: row.change_1h,
      change_1d: row.change_1d,
      change_7d: row.change_7d,
      timestamp: unixSeconds(row.ts),
    })),
    nextCursor,
  };
}

function sortValue(row: Row, sort: ProtocolSort): number | string | null {
  return sort === 'name' ? row.name : row[sort];
}

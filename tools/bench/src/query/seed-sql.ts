// The SQL of the query benchmark's seeder. Histories are generated inside PostgreSQL
// (generate_series + a random walk summed with a window function): shipping ~130 million
// rows from Node would cost more than generating them.
//
// Every walk runs BACKWARDS from the catalog's current value: value(t) = current *
// exp(sum of the log-steps after t), so the newest point of each series is exactly the
// catalog's value and the current figures the API serves are the ones the catalog chose.
// A step is uniform(-0.5, 0.5) * sqrt(12) * volatility (mean 0, standard deviation =
// volatility): cheaper than a Gaussian draw, and over thousands of steps the walk is the same.

/** Marks a finished seed. One row; its absence (or the table's) means "not seeded". */
export const MARKER_TABLE_SQL = `
CREATE TABLE IF NOT EXISTS bench_seed (
  id                boolean PRIMARY KEY DEFAULT true CHECK (id),
  seeded_at         timestamptz NOT NULL DEFAULT now(),
  params            jsonb NOT NULL,
  migration_version integer NOT NULL,
  report            jsonb NOT NULL
)`;

/** $1: jsonb [{id, name, symbol, category, chains, url}], $2: listed_at. */
export const INSERT_PROTOCOLS_SQL = `
INSERT INTO protocols (id, name, symbol, category, chains, url, listed_at)
SELECT p.id, p.name, p.symbol, p.category, ARRAY(SELECT jsonb_array_elements_text(p.chains)), p.url, $2::timestamptz
FROM jsonb_to_recordset($1::jsonb) AS p(id text, name text, symbol text, category text, chains jsonb, url text)`;

/** $1: jsonb [{id, symbol, name, chain, decimals}]. */
export const INSERT_TOKENS_SQL = `
INSERT INTO tokens (id, symbol, name, chain, decimals, coingecko_id)
SELECT t.id, t.symbol, t.name, t.chain, t.decimals,
       CASE WHEN t.id LIKE 'coingecko:%' THEN substr(t.id, 11) END
FROM jsonb_to_recordset($1::jsonb) AS t(id text, symbol text, name text, chain text, decimals int)`;

/**
 * One batch of protocols' hourly TVL: every chain's walk, and the total (chain '') as
 * their sum at each hour. $1: jsonb [{id, tvl, vol, chains: [{chain, share}]}],
 * $2: the newest hour, $3: hours per series.
 *
 * With `daily` (migration 002's tvl_daily exists), the same statement also writes what
 * 002's trigger would have kept there: the last point of each UTC day per series. The
 * points are whole hours, so that is the 23:00 UTC point of every day and the newest
 * point of today: a filter, not a sort of the batch.
 */
export function tvlBatchSql(options: { daily: boolean }): string {
  return `
WITH series AS (
  SELECT row_number() OVER () AS sid, p.id AS protocol_id, c.chain, p.tvl * c.share AS current, p.vol * 3.4641016151377544 AS scale
  FROM jsonb_to_recordset($1::jsonb) AS p(id text, tvl float8, vol float8, chains jsonb)
  CROSS JOIN LATERAL jsonb_to_recordset(p.chains) AS c(chain text, share float8)
), walk AS MATERIALIZED (
  SELECT protocol_id, chain, ts, current * exp(sum(step) OVER w - step) AS tvl
  FROM (
    SELECT s.sid, s.protocol_id, s.chain, s.current, h.ts, s.scale * (random() - 0.5) AS step
    FROM series s
    CROSS JOIN generate_series($2::timestamptz - ($3::int - 1) * interval '1 hour', $2::timestamptz, interval '1 hour') AS h(ts)
  ) steps
  -- An integer partition key: sorting ~2 million rows by it is several times cheaper than by text.
  WINDOW w AS (PARTITION BY sid ORDER BY ts DESC ROWS UNBOUNDED PRECEDING)
), points AS (
  SELECT protocol_id, chain, ts, tvl FROM walk
  UNION ALL
  SELECT protocol_id, '', ts, sum(tvl) FROM walk GROUP BY protocol_id, ts
)${
    options.daily
      ? `, daily AS (
  INSERT INTO tvl_daily (chain, protocol_id, day, tvl, ts)
  SELECT chain, protocol_id, floor(extract(epoch FROM ts) / 86400)::integer, tvl, ts FROM points
  WHERE extract(hour FROM ts AT TIME ZONE 'UTC') = 23 OR ts = $2::timestamptz
)`
      : ''
  }
INSERT INTO tvl_points (protocol_id, chain, ts, tvl) SELECT protocol_id, chain, ts, tvl FROM points`;
}

/** One batch of tokens' minute prices. $1: jsonb [{id, price, vol}], $2: the newest minute, $3: minutes per token. */
export const INSERT_PRICE_BATCH_SQL = `
WITH series AS (
  SELECT row_number() OVER () AS sid, t.id, t.price AS current, t.vol * 3.4641016151377544 AS scale
  FROM jsonb_to_recordset($1::jsonb) AS t(id text, price float8, vol float8)
)
INSERT INTO price_points (token_id, ts, price, confidence, source)
SELECT id, ts, current * exp(sum(step) OVER w - step), 0.99, 'bench-seed'
FROM (
  SELECT s.sid, s.id, s.current, m.ts, s.scale * (random() - 0.5) AS step
  FROM series s
  CROSS JOIN generate_series($2::timestamptz - ($3::int - 1) * interval '1 minute', $2::timestamptz, interval '1 minute') AS m(ts)
) steps
WINDOW w AS (PARTITION BY sid ORDER BY ts DESC ROWS UNBOUNDED PRECEDING)`;

// The newest point of every series, found through the primary keys (one index probe per
// series, not a scan of the history).
const LATEST_TVL = `
SELECT l.protocol_id, l.chain, l.ts, l.tvl
FROM (SELECT id AS protocol_id, chain FROM protocols, unnest(chains || ''::text) AS chain) s
CROSS JOIN LATERAL (
  SELECT * FROM tvl_points t WHERE t.protocol_id = s.protocol_id AND t.chain = s.chain ORDER BY t.ts DESC LIMIT 1
) l`;
const LATEST_PRICE = `
SELECT l.* FROM tokens s
CROSS JOIN LATERAL (SELECT * FROM price_points p WHERE p.token_id = s.id ORDER BY p.ts DESC LIMIT 1) l`;

/**
 * Write the newest point of every series again through a normal INSERT, so that the
 * triggers on the point tables (migration 002's current tables) see them: the bulk load
 * ran with triggers off. Run inside one transaction, in this order.
 */
export const REPLAY_LATEST_SQL = [
  `CREATE TEMP TABLE bench_latest_tvl ON COMMIT DROP AS ${LATEST_TVL}`,
  `DELETE FROM tvl_points t USING bench_latest_tvl l WHERE t.protocol_id = l.protocol_id AND t.chain = l.chain AND t.ts = l.ts`,
  `INSERT INTO tvl_points (protocol_id, chain, ts, tvl) SELECT protocol_id, chain, ts, tvl FROM bench_latest_tvl`,
  `CREATE TEMP TABLE bench_latest_price ON COMMIT DROP AS ${LATEST_PRICE}`,
  `DELETE FROM price_points p USING bench_latest_price l WHERE p.token_id = l.token_id AND p.ts = l.ts`,
  `INSERT INTO price_points SELECT * FROM bench_latest_price`,
];

/**
 * New points at $1 (the current hour) for every TVL series that has none yet, a small
 * move from its newest one, totals as the sum: the data stays "live" between runs.
 */
export const FRESHEN_TVL_SQL = `
WITH moved AS (
  SELECT protocol_id, chain, tvl * (1 + (random() - 0.5) * 0.004) AS tvl
  FROM (${LATEST_TVL}) latest
  WHERE chain <> '' AND ts < $1::timestamptz
)
INSERT INTO tvl_points (protocol_id, chain, ts, tvl)
SELECT protocol_id, chain, $1::timestamptz, tvl FROM moved
UNION ALL
SELECT protocol_id, '', $1::timestamptz, sum(tvl) FROM moved GROUP BY protocol_id
ON CONFLICT DO NOTHING`;

/** A new price at $1 (now) for every token: /prices/current drops prices older than its search width. */
export const FRESHEN_PRICES_SQL = `
INSERT INTO price_points (token_id, ts, price, confidence, source)
SELECT token_id, $1::timestamptz, price * (1 + (random() - 0.5) * 0.002), confidence, 'bench-freshen'
FROM (${LATEST_PRICE}) latest
WHERE ts < $1::timestamptz
ON CONFLICT DO NOTHING`;

/** Tables of the current schema with their sizes (bytes) and estimated rows (after ANALYZE). */
export const TABLE_SIZES_SQL = `
SELECT c.relname AS table, c.reltuples::float8 AS rows,
       pg_relation_size(c.oid)::float8 AS heap, pg_indexes_size(c.oid)::float8 AS indexes,
       pg_total_relation_size(c.oid)::float8 AS total
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind = 'r'
ORDER BY pg_total_relation_size(c.oid) DESC`;

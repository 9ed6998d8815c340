-- 002_query_views: what the query-api reads without scanning history, and the change
-- announcements its response cache is invalidated by. docs/database.md ("Query API tables")
-- explains every part. Runs on PostgreSQL 15 and PGlite alike: core features only.
-- Never edit this file once applied anywhere: add a new numbered file instead.

-- Current values -----------------------------------------------------------------------
-- One row per token / per (protocol, chain), kept up to date by the statement triggers
-- below, plus the reference values (the value 5m/1h/1d/7d before the current point) that
-- refresh_reference_values() recomputes every minute. The change columns are derived from
-- them, so a new point moves its change at once without anything scanning history.

CREATE TABLE price_current (
  token_id   text PRIMARY KEY,
  price      double precision NOT NULL,
  ts         timestamptz NOT NULL,
  confidence double precision,
  price_5m   double precision,
  price_1h   double precision,
  price_1d   double precision,
  price_7d   double precision,
  refs_at    timestamptz,            -- when a refresh last changed the reference values
  change_5m  double precision GENERATED ALWAYS AS (CASE WHEN price_5m > 0 THEN (price - price_5m) / price_5m * 100 END) STORED,
  change_1h  double precision GENERATED ALWAYS AS (CASE WHEN price_1h > 0 THEN (price - price_1h) / price_1h * 100 END) STORED,
  change_1d  double precision GENERATED ALWAYS AS (CASE WHEN price_1d > 0 THEN (price - price_1d) / price_1d * 100 END) STORED,
  change_7d  double precision GENERATED ALWAYS AS (CASE WHEN price_7d > 0 THEN (price - price_7d) / price_7d * 100 END) STORED
);
-- /v2/movers?kind=price: the largest moves are the ends of these indexes.
CREATE INDEX price_current_change_1h_idx ON price_current (change_1h) WHERE change_1h IS NOT NULL;
CREATE INDEX price_current_change_1d_idx ON price_current (change_1d) WHERE change_1d IS NOT NULL;
CREATE INDEX price_current_change_7d_idx ON price_current (change_7d) WHERE change_7d IS NOT NULL;

-- chain = '' is the protocol's total, as in tvl_points.
CREATE TABLE tvl_current (
  protocol_id text NOT NULL,
  chain       text NOT NULL,
  tvl         double precision NOT NULL,
  ts          timestamptz NOT NULL,
  tvl_1h      double precision,
  tvl_1d      double precision,
  tvl_7d      double precision,
  refs_at     timestamptz,
  change_1h   double precision GENERATED ALWAYS AS (CASE WHEN tvl_1h > 0 THEN (tvl - tvl_1h) / tvl_1h * 100 END) STORED,
  change_1d   double precision GENERATED ALWAYS AS (CASE WHEN tvl_1d > 0 THEN (tvl - tvl_1d) / tvl_1d * 100 END) STORED,
  change_7d   double precision GENERATED ALWAYS AS (CASE WHEN tvl_7d > 0 THEN (tvl - tvl_7d) / tvl_7d * 100 END) STORED,
  PRIMARY KEY (protocol_id, chain)
);
-- /v2/query/protocols sorted by tvl or a change, over the totals (chain = '') or one chain,
-- with protocol_id last so the keyset cursor (value, id) is an index condition; the change
-- indexes also give /v2/movers?kind=tvl its ends.
CREATE INDEX tvl_current_chain_tvl_idx ON tvl_current (chain, tvl, protocol_id);
CREATE INDEX tvl_current_chain_change_1h_idx ON tvl_current (chain, change_1h, protocol_id) WHERE change_1h IS NOT NULL;
CREATE INDEX tvl_current_chain_change_1d_idx ON tvl_current (chain, change_1d, protocol_id) WHERE change_1d IS NOT NULL;
CREATE INDEX tvl_current_chain_change_7d_idx ON tvl_current (chain, change_7d, protocol_id) WHERE change_7d IS NOT NULL;

-- Daily history: the last value of each UTC day per (protocol, chain). /protocol/:slug and
-- /v2/historicalChainTvl read a year as 365 rows per series instead of 8,760 hourly points.
-- Keyed by chain first: a chain's history is one range of this index.
CREATE TABLE tvl_daily (
  chain       text NOT NULL,
  protocol_id text NOT NULL,
  day         integer NOT NULL,       -- days since 1970-01-01 UTC (date = day * 86400)
  tvl         double precision NOT NULL,
  ts          timestamptz NOT NULL,   -- the point it came from: a later point that day replaces it
  PRIMARY KEY (chain, protocol_id, day)
);

-- /v2/query/protocols?sort=name: walk protocols in name order.
CREATE INDEX protocols_name_idx ON protocols (name, id);

-- Change announcements -------------------------------------------------------------------
-- NOTIFY '<schema>.data_changed' '{"tags": [...]}' once per statement that changes points or
-- reference data, naming what changed: price:<tokenId>, prices, tvl:<protocolId>, tvl, meta.
-- The query-api drops cached answers by these tags. A payload that would pass 7,500 bytes
-- (NOTIFY's limit is 8,000) becomes {"tags": ["*"]}: everything changed. NOTIFY is delivered
-- at commit, so a cache never hears of a change before the rows are visible. These are not
-- silenced by defi_realtime.notify (that setting is for 001's per-row triggers only).
CREATE FUNCTION notify_data_changed(channel_schema text, tags text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  payload text := json_build_object('tags', tags)::text;
BEGIN
  IF octet_length(payload) > 7500 THEN
    payload := '{"tags": ["*"]}';
  END IF;
  PERFORM pg_notify(channel_schema || '.data_changed', payload);
END;
$$;

-- Transition tables: a trigger may have only one event when it has one, hence a trigger per
-- event, all named changed_rows (the new rows of INSERT/UPDATE, the old ones of DELETE).
-- Upserts run in key order (DISTINCT ON ... ORDER BY) so concurrent writers lock rows in the
-- same order, and never move a current value back in time (WHERE excluded.ts >= ts).
CREATE FUNCTION price_points_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  tags text[];
BEGIN
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO price_current AS c (token_id, price, ts, confidence)
    SELECT DISTINCT ON (token_id) token_id, price, ts, confidence
    FROM changed_rows
    ORDER BY token_id, ts DESC
    ON CONFLICT (token_id) DO UPDATE SET price = excluded.price, ts = excluded.ts, confidence = excluded.confidence
    WHERE excluded.ts >= c.ts;
  END IF;
  SELECT array_agg(tag ORDER BY tag) INTO tags FROM (SELECT DISTINCT 'price:' || token_id AS tag FROM changed_rows) t;
  IF tags IS NOT NULL THEN
    PERFORM notify_data_changed(TG_TABLE_SCHEMA, tags || 'prices'::text);
  END IF;
  RETURN NULL;
END;
$$;

CREATE FUNCTION tvl_points_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  tags text[];
BEGIN
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO tvl_current AS c (protocol_id, chain, tvl, ts)
    SELECT DISTINCT ON (protocol_id, chain) protocol_id, chain, tvl, ts
    FROM changed_rows
    ORDER BY protocol_id, chain, ts DESC
    ON CONFLICT (protocol_id, chain) DO UPDATE SET tvl = excluded.tvl, ts = excluded.ts
    WHERE excluded.ts >= c.ts;

    INSERT INTO tvl_daily AS d (chain, protocol_id, day, tvl, ts)
    SELECT DISTINCT ON (chain, protocol_id, day) chain, protocol_id, day, tvl, ts
    FROM (SELECT chain, protocol_id, floor(extract(epoch FROM ts) / 86400)::integer AS day, tvl, ts FROM changed_rows) r
    ORDER BY chain, protocol_id, day, ts DESC
    ON CONFLICT (chain, protocol_id, day) DO UPDATE SET tvl = excluded.tvl, ts = excluded.ts
    WHERE excluded.ts >= d.ts;

    -- Every protocol with TVL has a protocols row (named by its slug until a source gives
    -- its metadata), and a protocol reporting TVL on a chain is on that chain: queries join
    -- protocols without losing anyone, whoever wrote the points. A no-op for known chains.
    INSERT INTO protocols AS p (id, name, chains)
    SELECT protocol_id, protocol_id, coalesce(array_agg(DISTINCT chain ORDER BY chain) FILTER (WHERE chain <> ''), '{}')
    FROM changed_rows
    GROUP BY protocol_id
    ORDER BY protocol_id
    ON CONFLICT (id) DO UPDATE SET chains = ARRAY(SELECT DISTINCT unnest(p.chains || excluded.chains) ORDER BY 1), updated_at = now()
    WHERE NOT p.chains @> excluded.chains;
  END IF;
  SELECT array_agg(tag ORDER BY tag) INTO tags FROM (SELECT DISTINCT 'tvl:' || protocol_id AS tag FROM changed_rows) t;
  IF tags IS NOT NULL THEN
    PERFORM notify_data_changed(TG_TABLE_SCHEMA, tags || 'tvl'::text);
  END IF;
  RETURN NULL;
END;
$$;

CREATE FUNCTION reference_data_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM changed_rows) THEN
    PERFORM notify_data_changed(TG_TABLE_SCHEMA, ARRAY['meta']);
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER price_points_changed_insert AFTER INSERT ON price_points
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION price_points_changed();
CREATE TRIGGER price_points_changed_update AFTER UPDATE ON price_points
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION price_points_changed();
CREATE TRIGGER price_points_changed_delete AFTER DELETE ON price_points
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION price_points_changed();

CREATE TRIGGER tvl_points_changed_insert AFTER INSERT ON tvl_points
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION tvl_points_changed();
CREATE TRIGGER tvl_points_changed_update AFTER UPDATE ON tvl_points
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION tvl_points_changed();
CREATE TRIGGER tvl_points_changed_delete AFTER DELETE ON tvl_points
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION tvl_points_changed();

CREATE TRIGGER tokens_changed_insert AFTER INSERT ON tokens
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION reference_data_changed();
CREATE TRIGGER tokens_changed_update AFTER UPDATE ON tokens
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION reference_data_changed();
CREATE TRIGGER tokens_changed_delete AFTER DELETE ON tokens
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION reference_data_changed();
CREATE TRIGGER protocols_changed_insert AFTER INSERT ON protocols
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION reference_data_changed();
CREATE TRIGGER protocols_changed_update AFTER UPDATE ON protocols
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION reference_data_changed();
CREATE TRIGGER protocols_changed_delete AFTER DELETE ON protocols
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION reference_data_changed();

-- Reference values ----------------------------------------------------------------------
-- For every current row, the last point at or before (current point's ts - window), looked
-- up by primary key (a backward index scan each), and only within one more window before
-- that: a series with a gap gets null rather than a comparison with a much older value.
-- Rows a concurrent writer holds are skipped (refreshed next time), so a refresh never
-- waits on ingest and cannot deadlock with it. Only rows whose references moved are
-- written; their ids are announced like new points (their change_* answers moved).
-- Returns the number of rows changed.
CREATE FUNCTION refresh_reference_values() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  tvl_tags text[];
  price_tags text[];
  tvl_rows integer;
  price_rows integer;
BEGIN
  WITH locked AS MATERIALIZED (
    SELECT protocol_id, chain, ts FROM tvl_current FOR UPDATE SKIP LOCKED
  ), refs AS (
    SELECT l.protocol_id, l.chain,
      (SELECT p.tvl FROM tvl_points p WHERE p.protocol_id = l.protocol_id AND p.chain = l.chain
         AND p.ts <= l.ts - interval '1 hour' AND p.ts > l.ts - interval '2 hours' ORDER BY p.ts DESC LIMIT 1) AS tvl_1h,
      (SELECT p.tvl FROM tvl_points p WHERE p.protocol_id = l.protocol_id AND p.chain = l.chain
         AND p.ts <= l.ts - interval '1 day' AND p.ts > l.ts - interval '2 days' ORDER BY p.ts DESC LIMIT 1) AS tvl_1d,
      (SELECT p.tvl FROM tvl_points p WHERE p.protocol_id = l.protocol_id AND p.chain = l.chain
         AND p.ts <= l.ts - interval '7 days' AND p.ts > l.ts - interval '14 days' ORDER BY p.ts DESC LIMIT 1) AS tvl_7d
    FROM locked l
  ), updated AS (
    UPDATE tvl_current c SET tvl_1h = r.tvl_1h, tvl_1d = r.tvl_1d, tvl_7d = r.tvl_7d, refs_at = now()
    FROM refs r
    WHERE c.protocol_id = r.protocol_id AND c.chain = r.chain
      AND (c.tvl_1h, c.tvl_1d, c.tvl_7d) IS DISTINCT FROM (r.tvl_1h, r.tvl_1d, r.tvl_7d)
    RETURNING c.protocol_id
  )
  SELECT array_agg(DISTINCT 'tvl:' || protocol_id), count(*) INTO tvl_tags, tvl_rows FROM updated;

  WITH locked AS MATERIALIZED (
    SELECT token_id, ts FROM price_current FOR UPDATE SKIP LOCKED
  ), refs AS (
    SELECT l.token_id,
      (SELECT p.price FROM price_points p WHERE p.token_id = l.token_id
         AND p.ts <= l.ts - interval '5 minutes' AND p.ts > l.ts - interval '10 minutes' ORDER BY p.ts DESC LIMIT 1) AS price_5m,
      (SELECT p.price FROM price_points p WHERE p.token_id = l.token_id
         AND p.ts <= l.ts - interval '1 hour' AND p.ts > l.ts - interval '2 hours' ORDER BY p.ts DESC LIMIT 1) AS price_1h,
      (SELECT p.price FROM price_points p WHERE p.token_id = l.token_id
         AND p.ts <= l.ts - interval '1 day' AND p.ts > l.ts - interval '2 days' ORDER BY p.ts DESC LIMIT 1) AS price_1d,
      (SELECT p.price FROM price_points p WHERE p.token_id = l.token_id
         AND p.ts <= l.ts - interval '7 days' AND p.ts > l.ts - interval '14 days' ORDER BY p.ts DESC LIMIT 1) AS price_7d
    FROM locked l
  ), updated AS (
    UPDATE price_current c SET price_5m = r.price_5m, price_1h = r.price_1h, price_1d = r.price_1d, price_7d = r.price_7d, refs_at = now()
    FROM refs r
    WHERE c.token_id = r.token_id
      AND (c.price_5m, c.price_1h, c.price_1d, c.price_7d) IS DISTINCT FROM (r.price_5m, r.price_1h, r.price_1d, r.price_7d)
    RETURNING c.token_id
  )
  SELECT array_agg(DISTINCT 'price:' || token_id), count(*) INTO price_tags, price_rows FROM updated;

  IF tvl_rows > 0 THEN PERFORM notify_data_changed(current_schema(), tvl_tags || 'tvl'::text); END IF;
  IF price_rows > 0 THEN PERFORM notify_data_changed(current_schema(), price_tags || 'prices'::text); END IF;
  RETURN tvl_rows + price_rows;
END;
$$;

-- Existing history (a database that ran 001 for a while): fill the new tables once.
INSERT INTO price_current (token_id, price, ts, confidence)
SELECT DISTINCT ON (token_id) token_id, price, ts, confidence FROM price_points ORDER BY token_id, ts DESC;
INSERT INTO tvl_current (protocol_id, chain, tvl, ts)
SELECT DISTINCT ON (protocol_id, chain) protocol_id, chain, tvl, ts FROM tvl_points ORDER BY protocol_id, chain, ts DESC;
INSERT INTO tvl_daily (chain, protocol_id, day, tvl, ts)
SELECT DISTINCT ON (chain, protocol_id, day) chain, protocol_id, day, tvl, ts
FROM (SELECT chain, protocol_id, floor(extract(epoch FROM ts) / 86400)::integer AS day, tvl, ts FROM tvl_points) r
ORDER BY chain, protocol_id, day, ts DESC;
INSERT INTO protocols AS p (id, name, chains)
SELECT protocol_id, protocol_id, coalesce(array_agg(chain ORDER BY chain) FILTER (WHERE chain <> ''), '{}')
FROM tvl_current
GROUP BY protocol_id
ON CONFLICT (id) DO UPDATE SET chains = ARRAY(SELECT DISTINCT unnest(p.chains || excluded.chains) ORDER BY 1)
WHERE NOT p.chains @> excluded.chains;
SELECT refresh_reference_values();

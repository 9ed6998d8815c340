-- 005_protocol_upsert_without_locks: tvl_points_changed (002) upserted a protocols row for
-- every protocol of a statement, locking rows that needed no change until commit. Same
-- function, with the known protocols filtered out first.
CREATE OR REPLACE FUNCTION tvl_points_changed() RETURNS trigger LANGUAGE plpgsql AS $$
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
    -- Protocols already known on all these chains are left out before the upsert: ON
    -- CONFLICT locks every conflicting row even when its WHERE then skips the update, which
    -- would serialize concurrent writers of the same protocols until they commit.
    INSERT INTO protocols AS p (id, name, chains)
    SELECT n.protocol_id, n.protocol_id, n.chains
    FROM (
      SELECT protocol_id, coalesce(array_agg(DISTINCT chain ORDER BY chain) FILTER (WHERE chain <> ''), '{}') AS chains
      FROM changed_rows
      GROUP BY protocol_id
    ) n
    WHERE NOT EXISTS (SELECT 1 FROM protocols k WHERE k.id = n.protocol_id AND k.chains @> n.chains)
    ORDER BY n.protocol_id
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

import { createDatabase, defaultMigrationsDir, readMigrationFiles, type Database } from '@defi-realtime/db';
import { databaseUrlForTests, requirePostgres, uniqueSchemaName } from '@defi-realtime/db/testing';
import { buildCatalog } from './catalog';
import { dropSchema, ensureSeeded, type SeedOptions } from './seed';
import { tableIndexes } from './table-indexes';

// The seeder on a real PostgreSQL, at a tiny size: 30 protocols x 2 days, 5 tokens x 1 day.
const url = databaseUrlForTests();
const schema = uniqueSchemaName('qbench');
const params = { protocols: 30, tokens: 5, days: 2, priceDays: 1, seed: 7 };
const options: SeedOptions = { url, schema, ...params, batchProtocols: 7, log: () => {} };
const catalog = buildCatalog(params);
let db: Database;

beforeAll(async () => {
  await requirePostgres(url);
}, 10_000);

afterAll(async () => {
  await db?.close();
  await dropSchema(url, schema);
  await dropSchema(url, `${schema}_foreign`);
});

describe('ensureSeeded', () => {
  it('seeds hourly TVL per chain and in total, minute prices and the reference rows', async () => {
    const report = await ensureSeeded(options);
    expect(report.reused).toBe(false);
    db = await createDatabase({ url, schema });

    const series = catalog.protocols.reduce((n, p) => n + p.chains.length + 1, 0);
    expect(report.rows).toMatchObject({ protocols: 30, tokens: 5, tvl_points: series * 48, price_points: 5 * 1440 });
    const counts = await db.query<{ tvl: number; prices: number; hours: number }>(
      `SELECT (SELECT count(*)::int FROM tvl_points) AS tvl, (SELECT count(*)::int FROM price_points) AS prices,
              (SELECT count(DISTINCT ts)::int FROM tvl_points) AS hours`,
    );
    expect(counts.rows[0]).toEqual({ tvl: series * 48, prices: 5 * 1440, hours: 48 });

    // The total is the sum of the chains at every hour.
    const mismatched = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM tvl_points t
       JOIN (SELECT protocol_id, ts, sum(tvl) AS s FROM tvl_points WHERE chain <> '' GROUP BY 1, 2) c USING (protocol_id, ts)
       WHERE t.chain = '' AND abs(t.tvl - c.s) > 1e-6 * c.s`,
    );
    expect(mismatched.rows[0]!.n).toBe(0);

    // Walks end at the catalog's current values, and move in between.
    const aave = catalog.protocols.find((p) => p.id === 'aave-v3')!;
    const latest = await db.query<{ tvl: number; lowest: number; highest: number }>(
      `SELECT (SELECT tvl FROM tvl_points WHERE protocol_id = 'aave-v3' AND chain = '' ORDER BY ts DESC LIMIT 1) AS tvl,
              min(tvl) AS lowest, max(tvl) AS highest FROM tvl_points WHERE protocol_id = 'aave-v3' AND chain = ''`,
    );
    expect(latest.rows[0]!.tvl).toBeCloseTo(aave.tvl, -2);
    expect(latest.rows[0]!.highest).toBeGreaterThan(latest.rows[0]!.lowest);

    const protocol = await db.query<{ chains: string[]; category: string }>(
      `SELECT chains, category FROM protocols WHERE id = 'aave-v3'`,
    );
    expect(protocol.rows[0]).toEqual({ chains: aave.chains, category: 'Lending' });
  }, 60_000);

  it('fills what migration 002 derives from the points as its triggers would have', async () => {
    // tvl_daily: the last point of each UTC day per series, as 002's backfill computes it.
    const daily = await db.query<{ missing: number; extra: number; rows: number }>(
      `WITH expected AS (
         SELECT DISTINCT ON (chain, protocol_id, day) chain, protocol_id, day, tvl, ts
         FROM (SELECT chain, protocol_id, floor(extract(epoch FROM ts) / 86400)::integer AS day, tvl, ts FROM tvl_points) r
         ORDER BY chain, protocol_id, day, ts DESC)
       SELECT (SELECT count(*)::int FROM expected e WHERE NOT EXISTS (SELECT 1 FROM tvl_daily d WHERE (d.chain, d.protocol_id, d.day, d.tvl, d.ts) = (e.chain, e.protocol_id, e.day, e.tvl, e.ts))) AS missing,
              (SELECT count(*)::int FROM tvl_daily) - (SELECT count(*)::int FROM expected) AS extra,
              (SELECT count(*)::int FROM tvl_daily) AS rows`,
    );
    expect(daily.rows[0]).toMatchObject({ missing: 0, extra: 0 });
    expect(daily.rows[0]!.rows).toBeGreaterThan(0);

    // Current values: one row per series at its newest point, references refreshed.
    const series = catalog.protocols.reduce((n, p) => n + p.chains.length + 1, 0);
    const current = await db.query<{ tvl: number; prices: number; with_1h: number; stale: number }>(
      `SELECT (SELECT count(*)::int FROM tvl_current) AS tvl, (SELECT count(*)::int FROM price_current) AS prices,
              (SELECT count(*)::int FROM tvl_current WHERE tvl_1h IS NOT NULL) AS with_1h,
              (SELECT count(*)::int FROM tvl_current c WHERE c.ts <> (SELECT max(ts) FROM tvl_points)) AS stale`,
    );
    expect(current.rows[0]).toEqual({ tvl: series, prices: 5, with_1h: series, stale: 0 });
  });

  it('rebuilds the indexes it dropped for the load and leaves the triggers working', async () => {
    const names = (await tableIndexes(db, 'tvl_points')).map((i) => i.name).sort();
    expect(names).toEqual(expect.arrayContaining(['tvl_points_chain_ts_idx', 'tvl_points_pkey']));
    await expect(
      db.query(
        `INSERT INTO tvl_points (protocol_id, chain, ts, tvl) SELECT protocol_id, chain, ts, tvl FROM tvl_points LIMIT 1`,
      ),
    ).rejects.toMatchObject({ code: '23505' });

    const heard: string[] = [];
    const unlisten = await db.listen(`${schema}.price_points`, (payload) => heard.push(payload));
    await db.query(
      `INSERT INTO price_points (token_id, ts, price) VALUES ('coingecko:bitcoin', now() + interval '1 day', 1)`,
    );
    const deadline = Date.now() + 5000;
    while (heard.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await unlisten();
    expect(heard).toHaveLength(1);
  });

  it('reuses a seeded schema, refuses other parameters without --reseed, and reseeds with it', async () => {
    const again = await ensureSeeded(options);
    expect(again.reused).toBe(true);
    expect(again.tables.find((t) => t.table === 'tvl_points')?.total).toBeGreaterThan(0);

    await expect(ensureSeeded({ ...options, days: 3 })).rejects.toThrow(
      `was seeded with days=2, not days=3: pass --reseed`,
    );

    const reseeded = await ensureSeeded({ ...options, protocols: 10, reseed: true });
    expect(reseeded.reused).toBe(false);
    const count = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM protocols');
    expect(count.rows[0]!.n).toBe(10);
  }, 60_000);

  it('explains a migration edited after the seed applied it instead of failing on the checksum alone', async () => {
    const seeded = { ...options, protocols: 10 }; // as the test before left it
    await db.query(`UPDATE schema_migrations SET checksum = repeat('0', 64) WHERE version = 1`);
    try {
      await expect(ensureSeeded(seeded)).rejects.toThrow(
        `Schema ${schema} was migrated with an earlier version of 001_initial.sql. Either --reseed, or`,
      );
    } finally {
      await db.query(`UPDATE schema_migrations SET checksum = $1 WHERE version = 1`, [
        (await readMigrationFiles(defaultMigrationsDir))[0]!.checksum,
      ]);
    }
    await expect(ensureSeeded(seeded)).resolves.toMatchObject({ reused: true });
  });

  it('never drops a schema it did not make, nor public', async () => {
    const foreign = `${schema}_foreign`;
    const other = await createDatabase({ url, schema: foreign });
    await other.query('CREATE TABLE precious (id int)');
    await other.close();
    await expect(ensureSeeded({ ...options, schema: foreign })).rejects.toThrow(
      `Schema ${foreign} exists with tables but no bench_seed table`,
    );
    await expect(ensureSeeded({ ...options, schema: 'public' })).rejects.toThrow(TypeError);

    const check = await createDatabase({ url, schema: foreign });
    await expect(check.query('SELECT count(*) FROM precious')).resolves.toBeDefined();
    await check.close();
  });
});

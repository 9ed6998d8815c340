import {
  MigrationError,
  createDatabase,
  openDatabase,
  suppressChangeNotifications,
  type Database,
} from '@defi-realtime/db';
import { buildCatalog, type Catalog, type CatalogProtocol } from './catalog';
import {
  INSERT_PRICE_BATCH_SQL,
  INSERT_PROTOCOLS_SQL,
  INSERT_TOKENS_SQL,
  MARKER_TABLE_SQL,
  REPLAY_LATEST_SQL,
  TABLE_SIZES_SQL,
  tvlBatchSql,
} from './seed-sql';
import { dropIndexes, recreateIndexes } from './table-indexes';

/** What the data set is made of; a seeded schema is reused only for the same values. */
export interface SeedParams {
  protocols: number;
  tokens: number;
  /** Days of hourly TVL per protocol, per chain and in total. */
  days: number;
  /** Days of minute prices per token. */
  priceDays: number;
  /** The catalog's PRNG seed. */
  seed: number;
}

export interface SeedOptions extends SeedParams {
  /** PostgreSQL server (no schema in it: `schema` says where). */
  url: string;
  /** Where the data set lives; created, never `public`. */
  schema: string;
  /** Drop and seed again even when the schema is already seeded. @default false */
  reseed?: boolean;
  /** Protocols per generated statement (x ~3 series x 24 x days rows). @default 50 */
  batchProtocols?: number;
  log: (line: string) => void;
}

export interface TableSize {
  table: string;
  rows: number;
  heap: number;
  indexes: number;
  total: number;
}

export interface SeedReport {
  schema: string;
  /** True when an earlier run's data set was reused. */
  reused: boolean;
  params: SeedParams;
  seededAt: string;
  /** Seconds per phase of the run that seeded it. */
  phases: Record<string, number>;
  /** Rows written per table by that run. */
  rows: Record<string, number>;
  tables: TableSize[];
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Make sure `schema` holds the benchmark's data set: reuse it when an earlier run finished
 * seeding it with the same parameters, else (or with `reseed`) drop it and seed it again.
 * A schema that exists but was not made by this seeder is never dropped.
 */
export async function ensureSeeded(options: SeedOptions): Promise<SeedReport> {
  if (!SCHEMA_NAME.test(options.schema) || options.schema === 'public') {
    throw new TypeError(
      `Invalid schema ${JSON.stringify(options.schema)}: expected a-z, 0-9 and _ (1-63), and not public (the seeder drops and recreates it)`,
    );
  }
  const state = await inspectSchema(options.url, options.schema);
  if (state.kind === 'foreign') {
    throw new Error(
      `Schema ${options.schema} exists with tables but no bench_seed table: it was not made by the query bench. Choose another --schema or drop it yourself.`,
    );
  }
  const params = pickParams(options);
  if (state.kind === 'seeded' && !options.reseed) {
    const differences = Object.keys(params).filter(
      (key) => state.marker.params[key as keyof SeedParams] !== params[key as keyof SeedParams],
    );
    if (differences.length > 0) {
      throw new Error(
        `Schema ${options.schema} was seeded with ${differences.map((k) => `${k}=${state.marker.params[k as keyof SeedParams]}`).join(', ')}, ` +
          `not ${differences.map((k) => `${k}=${params[k as keyof SeedParams]}`).join(', ')}: pass --reseed to seed it again, or another --schema`,
      );
    }
    return reuse(options, state.marker);
  }
  if (state.kind !== 'absent') {
    options.log(`dropping schema ${options.schema} (${state.kind === 'partial' ? 'an unfinished seed' : '--reseed'})`);
    await dropSchema(options.url, options.schema);
  }
  return seed(options, params);
}

/** DROP SCHEMA ... CASCADE: how to reclaim the space (also `psql -c 'DROP SCHEMA qbench CASCADE'`). */
export async function dropSchema(url: string, schema: string): Promise<void> {
  const admin = await createDatabase({ url, poolSize: 1 });
  try {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await admin.close();
  }
}

interface Marker {
  params: SeedParams;
  seeded_at: Date;
  migration_version: number;
  report: Pick<SeedReport, 'phases' | 'rows'>;
}

type SchemaState = { kind: 'absent' | 'foreign' | 'partial' } | { kind: 'seeded'; marker: Marker };

async function inspectSchema(url: string, schema: string): Promise<SchemaState> {
  const admin = await createDatabase({ url, poolSize: 1 });
  try {
    const { rows } = await admin.query<{ exists: boolean; tables: number; marker: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS exists,
              (SELECT count(*)::int FROM pg_tables WHERE schemaname = $1) AS tables,
              to_regclass(quote_ident($1) || '.bench_seed') IS NOT NULL AS marker`,
      [schema],
    );
    const { exists, tables, marker } = rows[0]!;
    if (!exists || tables === 0) return { kind: 'absent' };
    if (!marker) return { kind: 'foreign' };
    const found = await admin.query<Marker>(
      `SELECT params, seeded_at, migration_version, report FROM ${schema}.bench_seed`,
    );
    return found.rows[0] ? { kind: 'seeded', marker: found.rows[0] } : { kind: 'partial' };
  } finally {
    await admin.close();
  }
}

async function reuse(options: SeedOptions, marker: Marker): Promise<SeedReport> {
  let db: Database;
  try {
    db = await openDatabase({ url: options.url, schema: options.schema, poolSize: 2 });
  } catch (err) {
    if (err instanceof MigrationError && err.code === 'MIGRATION_CHECKSUM_MISMATCH') {
      // Happens when a migration is edited before it is committed: the data set is fine,
      // the record of what built its schema is not. Re-seeding takes about half an hour.
      throw new Error(
        `Schema ${options.schema} was migrated with an earlier version of ${err.file}. Either --reseed, or, when ${err.file} ` +
          `does not touch the seeded tables (tvl_points, price_points, tokens, protocols, api_keys), drop what its earlier version ` +
          `created in ${options.schema} and DELETE FROM ${options.schema}.schema_migrations WHERE version = <its number>, so that it is applied again.`,
        { cause: err },
      );
    }
    throw err;
  }
  try {
    const version = await migrationVersion(db);
    if (version > marker.migration_version) {
      // A migration arrived after the seed (e.g. 002's current tables): feed its triggers the newest points.
      options.log(
        `schema ${options.schema}: migrations ${marker.migration_version} -> ${version} since the seed; replaying the newest points through the triggers`,
      );
      await finish(db, options.log);
      await db.query('UPDATE bench_seed SET migration_version = $1', [version]);
    }
    options.log(
      `schema ${options.schema} already seeded at ${marker.seeded_at.toISOString()}: reusing it (--reseed to seed again)`,
    );
    return {
      schema: options.schema,
      reused: true,
      params: marker.params,
      seededAt: marker.seeded_at.toISOString(),
      ...marker.report,
      tables: await tableSizes(db),
    };
  } finally {
    await db.close();
  }
}

async function seed(options: SeedOptions, params: SeedParams): Promise<SeedReport> {
  const { log } = options;
  const phases: Record<string, number> = {};
  const rows: Record<string, number> = {};
  const timed = async <T>(phase: string, fn: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await fn();
    phases[phase] = (performance.now() - started) / 1000;
    return result;
  };
  const db = await timed('migrate', () => openDatabase({ url: options.url, schema: options.schema, poolSize: 2 }));
  try {
    await db.exec(MARKER_TABLE_SQL);
    const catalog = buildCatalog({ protocols: params.protocols, tokens: params.tokens, seed: params.seed });
    const now = await db.query<{ hour: Date; minute: Date }>(
      `SELECT date_trunc('hour', now()) AS hour, date_trunc('minute', now()) AS minute`,
    );
    const { hour, minute } = now.rows[0]!;
    const listedAt = new Date(hour.getTime() - params.days * 86_400_000);
    log(
      `seeding schema ${options.schema}: ${params.protocols.toLocaleString('en')} protocols x ${params.days} days of hourly TVL, ${params.tokens} tokens x ${params.priceDays} days of minute prices`,
    );
    await timed('reference', async () => {
      rows.protocols = (await db.query(INSERT_PROTOCOLS_SQL, [JSON.stringify(catalog.protocols), listedAt])).rowCount;
      rows.tokens = (await db.query(INSERT_TOKENS_SQL, [JSON.stringify(catalog.tokens)])).rowCount;
    });
    // The fast path (docs/performance.md, "Query API"): no B-tree maintenance and no
    // triggers during the bulk load; indexes built once at the end, and the newest points
    // replayed through the triggers (finish) so derived tables are filled as in production.
    const indexes = await dropIndexes(db, 'tvl_points');
    rows.tvl_points = await timed('tvl', () => loadTvl(db, catalog, hour, params, options.batchProtocols ?? 50, log));
    await timed('tvl indexes', () => recreateIndexes(db, 'tvl_points', indexes, log));
    rows.price_points = await timed('prices', () => loadPrices(db, catalog, minute, params));
    log(
      `  prices: ${rows.price_points.toLocaleString('en')} rows in ${phases.prices!.toFixed(1)} s through normal INSERTs (indexes and triggers on)`,
    );
    await timed('finish', () => finish(db, log));
    await timed('vacuum', () => vacuum(db));
    const report = { phases, rows };
    await db.query('INSERT INTO bench_seed (params, migration_version, report) VALUES ($1, $2, $3)', [
      params,
      await migrationVersion(db),
      report,
    ]);
    const seconds = Object.values(phases).reduce((a, b) => a + b, 0);
    log(`seeded in ${seconds.toFixed(0)} s`);
    return {
      schema: options.schema,
      reused: false,
      params,
      seededAt: new Date().toISOString(),
      ...report,
      tables: await tableSizes(db),
    };
  } finally {
    await db.close();
  }
}

async function loadTvl(
  db: Database,
  catalog: Catalog,
  end: Date,
  params: SeedParams,
  batchSize: number,
  log: (line: string) => void,
): Promise<number> {
  const hours = params.days * 24;
  const { rows: found } = await db.query<{ daily: boolean }>(`SELECT to_regclass('tvl_daily') IS NOT NULL AS daily`);
  const sql = tvlBatchSql({ daily: found[0]!.daily });
  const started = performance.now();
  let rows = 0;
  let lastLog = started;
  for (let i = 0; i < catalog.protocols.length; i += batchSize) {
    const batch = catalog.protocols.slice(i, i + batchSize).map(walkInput);
    rows += await db.transaction(async (tx) => {
      // replica: user triggers do not fire (001's per-row NOTIFY, 002's current tables).
      await tx.query(`SET LOCAL session_replication_role = replica`);
      await tx.query(`SET LOCAL work_mem = '256MB'`);
      await tx.query('SELECT setseed($1)', [seedFor(params.seed, i)]);
      return (await tx.query(sql, [JSON.stringify(batch), end, hours])).rowCount;
    });
    const done = Math.min(i + batchSize, catalog.protocols.length);
    if (performance.now() - lastLog > 30_000 || done === catalog.protocols.length) {
      lastLog = performance.now();
      const seconds = (lastLog - started) / 1000;
      const eta = ((catalog.protocols.length - done) / done) * seconds;
      log(
        `  tvl: ${done.toLocaleString('en')}/${catalog.protocols.length.toLocaleString('en')} protocols, ${(rows / 1e6).toFixed(1)}M rows, ${Math.round(rows / seconds).toLocaleString('en')} rows/s${done < catalog.protocols.length ? `, about ${Math.ceil(eta / 60)} min left` : ''}`,
      );
    }
  }
  return rows;
}

async function loadPrices(db: Database, catalog: Catalog, end: Date, params: SeedParams): Promise<number> {
  const minutes = params.priceDays * 1440;
  let rows = 0;
  for (let i = 0; i < catalog.tokens.length; i += 20) {
    const batch = catalog.tokens.slice(i, i + 20).map((t) => ({ id: t.id, price: t.price, vol: t.minuteVolatility }));
    rows += await db.transaction(async (tx) => {
      // Normal INSERTs (triggers on), only 001's per-row NOTIFY silenced: nobody listens.
      await suppressChangeNotifications(tx);
      await tx.query(`SET LOCAL work_mem = '128MB'`);
      await tx.query('SELECT setseed($1)', [seedFor(params.seed, 100_000 + i)]);
      return (await tx.query(INSERT_PRICE_BATCH_SQL, [JSON.stringify(batch), end, minutes])).rowCount;
    });
  }
  return rows;
}

/** Replay the newest points through the triggers, then the reference values when migration 002 has them. */
async function finish(db: Database, log: (line: string) => void): Promise<void> {
  await db.transaction(async (tx) => {
    await suppressChangeNotifications(tx);
    for (const sql of REPLAY_LATEST_SQL) await tx.query(sql);
  });
  const { rows } = await db.query<{ found: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                    WHERE n.nspname = current_schema() AND p.proname = 'refresh_reference_values') AS found`,
  );
  if (rows[0]!.found) {
    const started = performance.now();
    await db.query('SELECT refresh_reference_values()');
    log(`  refresh_reference_values() in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } else {
    log('  no refresh_reference_values() in this schema (migration 002 not there yet): skipped');
  }
}

/** Planner statistics and the visibility map (index-only scans) for every table of the schema. */
async function vacuum(db: Database): Promise<void> {
  const { rows } = await db.query<{ table: string }>(
    `SELECT tablename AS table FROM pg_tables WHERE schemaname = current_schema()`,
  );
  for (const { table } of rows) await db.query(`VACUUM (ANALYZE) "${table}"`);
}

async function tableSizes(db: Database): Promise<TableSize[]> {
  return (await db.query<TableSize>(TABLE_SIZES_SQL)).rows;
}

async function migrationVersion(db: Database): Promise<number> {
  const { rows } = await db.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations');
  return rows[0]!.version ?? 0;
}

function walkInput(p: CatalogProtocol) {
  return {
    id: p.id,
    tvl: p.tvl,
    vol: p.hourlyVolatility,
    chains: p.chains.map((chain, i) => ({ chain, share: p.shares[i] })),
  };
}

/** setseed takes -1..1: one value per batch, so a batch generates the same walk every time. */
function seedFor(seed: number, batch: number): number {
  return ((seed * 7919 + batch) % 2000) / 1000 - 1;
}

function pickParams(options: SeedParams): SeedParams {
  const { protocols, tokens, days, priceDays, seed } = options;
  for (const [name, value] of Object.entries({ protocols, tokens, days, priceDays })) {
    if (!(Number.isInteger(value) && value >= 1))
      throw new TypeError(`Invalid ${name} ${value}: expected a whole number >= 1`);
  }
  return { protocols, tokens, days, priceDays, seed };
}

/**
 * EXPLAIN (ANALYZE) of every advanced query, with the statements the routes run:
 *
 *   DATABASE_URL=postgres://... npx tsx apps/query-api/src/data/explain-cli.ts [--schema qbench] [--seed 5000] [--no-analyze]
 *
 * `--seed N` first adds synthetic protocols (1-4 chains each, 8 days of 6-hourly TVL) and
 * tokens until the schema holds N protocols: the planner ignores indexes on tiny tables, so
 * a plan is only telling on a realistic size. Prints each plan, then one line per query
 * with the indexes it used.
 */
import { parseArgs } from 'node:util';
import { openDatabase, type Database } from '@defi-realtime/db';
import { aggregateTvlQuery } from './query/aggregate';
import { moversQuery } from './query/movers';
import { protocolPageQuery, type ProtocolQuery } from './query/protocol-query';
import type { SqlQuery } from './sql';

const out = (line = ''): void => void process.stdout.write(`${line}\n`);

const { values: args } = parseArgs({
  options: {
    schema: { type: 'string' },
    seed: { type: 'string' },
    'no-analyze': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

const page = (query: Partial<ProtocolQuery>): ProtocolQuery => ({ sort: 'tvl', order: 'desc', limit: 100, ...query });

async function main(): Promise<void> {
  if (args.help) {
    out('usage: DATABASE_URL=postgres://... explain-cli.ts [--schema <name>] [--seed <protocols>] [--no-analyze]');
    return;
  }
  const url = process.env.DATABASE_URL;
  if (!url)
    throw new Error('Set DATABASE_URL to the PostgreSQL server to explain against (an embedded PGlite would be empty)');
  const db = await openDatabase({ url, schema: args.schema ?? process.env.DATABASE_SCHEMA });
  try {
    if (args.seed !== undefined) await seed(db, Number(args.seed));
    await db.exec('ANALYZE tvl_current; ANALYZE price_current; ANALYZE protocols; ANALYZE tokens');
    const sizes = await db.query<{ protocols: number; current: number; points: string }>(
      "SELECT (SELECT count(*)::int FROM protocols) AS protocols, (SELECT count(*)::int FROM tvl_current) AS current, (SELECT reltuples::bigint::text FROM pg_class WHERE oid = 'tvl_points'::regclass) AS points",
    );
    out(`schema ${db.schema}: ${JSON.stringify(sizes.rows[0])}`);

    const queries: Array<[string, SqlQuery]> = [
      ['protocols sort=tvl', protocolPageQuery(page({}), 'values', 101)],
      ['protocols chain=ethereum sort=tvl', protocolPageQuery(page({ chain: 'ethereum' }), 'values', 101)],
      ['protocols category=Dexs sort=tvl', protocolPageQuery(page({ category: 'Dexs' }), 'values', 101)],
      [
        'protocols minTvl=1e6 sort=change_1d',
        protocolPageQuery(page({ minTvl: 1e6, sort: 'change_1d' }), 'values', 101),
      ],
      ['protocols sort=name', protocolPageQuery(page({ sort: 'name', order: 'asc' }), 'values', 101)],
      [
        'protocols sort=tvl page 3 (cursor)',
        protocolPageQuery(page({ cursor: await thirdPageCursor(db) }), 'values', 101),
      ],
      ['aggregate groupBy=chain', aggregateTvlQuery('chain')],
      ['aggregate groupBy=category', aggregateTvlQuery('category')],
      ['movers kind=tvl window=1d both', moversQuery({ kind: 'tvl', window: '1d', direction: 'both', limit: 20 })],
      ['movers kind=price window=1h up', moversQuery({ kind: 'price', window: '1h', direction: 'up', limit: 20 })],
    ];
    const summary: string[] = [];
    for (const [name, query] of queries) {
      const { rows } = await db.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (${args['no-analyze'] ? 'COSTS' : 'ANALYZE, BUFFERS'}) ${query.text}`,
        query.values,
      );
      const plan = rows.map((row) => row['QUERY PLAN']);
      out(`\n== ${name} ==`);
      for (const line of plan) out(line);
      const indexes = [
        ...new Set(
          plan.flatMap((line) =>
            [...line.matchAll(/(?:Index (?:Only )?Scan(?: Backward)? using|Bitmap Index Scan on) (\S+)/g)].map(
              (m) => m[1]!,
            ),
          ),
        ),
      ];
      const time = plan.find((line) => line.startsWith('Execution Time'))?.replace('Execution Time: ', '') ?? '-';
      summary.push(
        `${name.padEnd(40)} ${time.padStart(12)}  ${indexes.length ? indexes.join(', ') : 'no index (sequential scan)'}`,
      );
    }
    out('\n== summary (query, execution time, indexes used) ==');
    for (const line of summary) out(line);
  } finally {
    await db.close();
  }
}

/** The cursor after the first 200 protocols by TVL, as a client paging by 100 would hold it. */
async function thirdPageCursor(db: Database): Promise<ProtocolQuery['cursor']> {
  const { rows } = await db.query<{ tvl: number; protocol_id: string }>(
    "SELECT c.tvl, c.protocol_id FROM tvl_current c WHERE c.chain = '' ORDER BY c.tvl DESC, c.protocol_id DESC OFFSET 199 LIMIT 1",
  );
  const row = rows[0];
  return row ? { sort: 'tvl', order: 'desc', value: row.tvl, id: row.protocol_id } : undefined;
}

const CATEGORIES = [
  'Dexs',
  'Lending',
  'Yield',
  'Liquid Staking',
  'CDP',
  'Derivatives',
  'Bridge',
  'RWA',
  'Restaking',
  'Yield Aggregator',
];
const CHAINS = ['ethereum', 'arbitrum', 'base', 'bsc', 'polygon', 'optimism', 'avax', 'solana', 'sui', 'tron'];

/** Add synthetic protocols and tokens (through the normal triggers) until there are `target` protocols. */
async function seed(db: Database, target: number): Promise<void> {
  if (!(Number.isInteger(target) && target > 0))
    throw new TypeError(`--seed ${String(target)}: expected a number of protocols > 0`);
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM protocols');
  const have = rows[0]?.n ?? 0;
  if (have >= target) return out(`seed: ${have} protocols already, nothing added`);
  const started = performance.now();
  await db.query(
    `INSERT INTO protocols (id, name, symbol, category, chains)
     SELECT 'synthetic-' || i, 'Synthetic ' || i, 'SYN' || i, ($3::text[])[1 + i % cardinality($3::text[])],
            (SELECT array_agg(c ORDER BY c) FROM unnest(($4::text[])[1 + i % 7 : 1 + i % 7 + i % 4]) c)
     FROM generate_series($1::int, $2::int) i
     ON CONFLICT (id) DO NOTHING`,
    [have + 1, target, CATEGORIES, CHAINS],
  );
  // In slices: one statement per 250 protocols keeps each trigger run moderate.
  for (let from = have + 1; from <= target; from += 250) {
    await db.query(
      `INSERT INTO tvl_points (protocol_id, chain, ts, tvl)
       SELECT p.id, c.chain, date_trunc('hour', now()) - k * interval '6 hours',
              1e4 * exp((abs(hashtext(p.id)) % 1000) / 100.0) * (1 + 0.05 * sin(k + abs(hashtext(p.id || c.chain)) % 100))
       FROM protocols p
       CROSS JOIN LATERAL unnest(p.chains || ''::text) AS c(chain)
       CROSS JOIN generate_series(0, 32) AS k
       WHERE p.id IN (SELECT 'synthetic-' || i FROM generate_series($1::int, $2::int) i)`,
      [from, Math.min(from + 249, target)],
    );
  }
  await db.query(
    `WITH t AS (SELECT 'coingecko:synthetic-' || i AS id, i FROM generate_series(1, 500) i),
     meta AS (INSERT INTO tokens (id, symbol) SELECT id, 'SYN' || i FROM t ON CONFLICT (id) DO NOTHING)
     INSERT INTO price_points (token_id, ts, price, source)
     SELECT t.id, date_trunc('minute', now()) - k * interval '10 minutes', (1 + t.i) * (1 + 0.02 * sin(k * 7 + t.i)), 'synthetic'
     FROM t CROSS JOIN generate_series(0, 1200) AS k
     ON CONFLICT (token_id, ts) DO NOTHING`,
  );
  await db.query('SELECT refresh_reference_values()');
  out(`seed: ${target - have} protocols and 500 tokens added in ${Math.round(performance.now() - started)} ms`);
}

main().catch((err: unknown) => {
  process.stderr.write(`explain-cli: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});

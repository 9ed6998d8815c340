/*
 * Query API benchmark: seeds 5,000 protocols x 1 year of hourly TVL into its own
 * PostgreSQL schema (reused by later runs), starts the query-api as its own process on
 * real PostgreSQL and Redis, and loads it with autocannon next to two baselines.
 *   npx tsx tools/bench/src/query/cli.ts [--duration 20] [--connections 50] [--seed-only] [--schema qbench]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createDatabase, suppressChangeNotifications, type Database } from '@defi-realtime/db';
import { installExitHandlers, stopAll } from '../children';
import { buildCatalog, type Catalog } from './catalog';
import { QUERY_DEFAULTS, resolveQueryOptions, type QueryBenchOptions, type RawQueryOptions } from './options';
import { checkTargets, renderQueryMarkdown } from './report';
import type { QueryBenchReport, ScenarioResult } from './result';
import { jsonCheck, runScenario, type Workload } from './run-scenario';
import {
  SCENARIOS,
  SCENARIO_NAMES,
  pricesPath,
  protocolQueries,
  queryPath,
  uniqueQueryPath,
  type ScenarioName,
} from './scenarios';
import { ensureSeeded, type SeedReport } from './seed';
import { FRESHEN_PRICES_SQL, FRESHEN_TVL_SQL } from './seed-sql';
import { createBenchKey, startBaseline, startQueryApi, uniqueRedisPrefix, type RunningServer } from './servers';

const USAGE = `Usage: npx tsx tools/bench/src/query/cli.ts [options]

Seeds (once) and benchmarks the query API against bare node:http and Fastify baselines.

  --duration <s>            measured seconds per scenario (default ${QUERY_DEFAULTS.durationS})
  --warmup <s>              unmeasured load before each scenario (default ${QUERY_DEFAULTS.warmupS})
  --connections <n>         connections of the closed-loop scenarios (default ${QUERY_DEFAULTS.connections})
  --paced-rate <n/s>        requests/s of protocols-paced (default ${QUERY_DEFAULTS.pacedRate})
  --paced-connections <n>   its connections (default ${QUERY_DEFAULTS.pacedConnections})
  --coins <n>               coin ids in the /prices/current URL (default ${QUERY_DEFAULTS.coins})
  --scenarios <list>        comma-separated: ${SCENARIO_NAMES.join(', ')} (default: all)
  --seed-only               seed (or check the seed) and stop
  --reseed                  drop the schema and seed it again
  --schema <name>           the data set's PostgreSQL schema (default ${QUERY_DEFAULTS.schema}; drop it with
                            psql -c 'DROP SCHEMA ${QUERY_DEFAULTS.schema} CASCADE')
  --protocols <n> --tokens <n> --days <n> --price-days <n>
                            size of the data set (default ${QUERY_DEFAULTS.protocols}, ${QUERY_DEFAULTS.tokens}, ${QUERY_DEFAULTS.days}, ${QUERY_DEFAULTS.priceDays})
  --database-url <url>      PostgreSQL (default $DATABASE_URL or postgres://postgres@127.0.0.1:5432/test)
  --redis-url <url>         Redis (default $REDIS_URL or redis://127.0.0.1:6379)
  --out <dir>               where query-<timestamp>.json and .md go (default ${QUERY_DEFAULTS.outDir})
  --help                    this text

Exit code: 0 when every scenario ran, 1 when one failed or did not run, 2 for bad options.`;

const log = (line: string) => console.error(line);

function parseCommandLine(argv: string[]): { help: boolean; raw: RawQueryOptions } {
  const strings = [
    'duration',
    'warmup',
    'connections',
    'paced-rate',
    'paced-connections',
    'coins',
    'scenarios',
    'schema',
    'protocols',
    'tokens',
    'days',
    'price-days',
    'database-url',
    'redis-url',
    'out',
  ] as const;
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      help: { type: 'boolean', short: 'h' },
      'seed-only': { type: 'boolean' },
      reseed: { type: 'boolean' },
      ...Object.fromEntries(strings.map((flag) => [flag, { type: 'string' as const }])),
    },
  });
  const { help, ...raw } = values as RawQueryOptions & { help?: boolean };
  return { help: help === true, raw };
}

async function main(): Promise<number> {
  let options: QueryBenchOptions;
  try {
    const { help, raw } = parseCommandLine(process.argv.slice(2));
    if (help) {
      console.log(USAGE);
      return 0;
    }
    options = resolveQueryOptions(raw);
  } catch (err) {
    console.error(`${(err as Error).message}\n\nSee --help.`);
    return 2;
  }
  installExitHandlers(log);
  const startedAt = new Date().toISOString();
  const seed = await ensureSeeded({ ...options, url: options.databaseUrl, seed: 1, log });
  printSeed(seed);
  if (options.seedOnly) return 0;

  const db = await createDatabase({ url: options.databaseUrl, schema: options.schema, poolSize: 2 });
  const key = await createBenchKey(db);
  const catalog = buildCatalog({
    protocols: seed.params.protocols,
    tokens: seed.params.tokens,
    seed: seed.params.seed,
  });
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'query-bench-'));
  const results: ScenarioResult[] = [];
  let baselineBody: QueryBenchReport['baselineBody'];
  try {
    await freshen(db);
    const appScenarios = options.scenarios.filter((name) => SCENARIOS[name].target === 'query-api');
    const baselines = options.scenarios.filter((name) => SCENARIOS[name].target !== 'query-api');
    // Started even for the baselines alone: their body is the app's own prices-current answer.
    const outcome = await runAppScenarios(appScenarios, options, catalog, key.key);
    results.push(...outcome.results);
    if (baselines.length > 0) {
      const body = outcome.pricesBody ?? (await pricesBodyFromDatabase(db, catalog, options.coins));
      baselineBody = { source: outcome.pricesBody ? 'query-api' : 'database', bytes: Buffer.byteLength(body) };
      const bodyFile = path.join(tmp, 'body.json');
      writeFileSync(bodyFile, body);
      for (const name of baselines) results.push(await runBaseline(name as 'bare-http' | 'fastify', bodyFile, options));
    }
  } finally {
    await key.remove().catch(() => undefined);
    await db.close();
    rmSync(tmp, { recursive: true, force: true });
  }

  const report: QueryBenchReport = {
    startedAt,
    host: {
      cores: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      node: process.version,
      memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
    },
    options: { ...options, databaseUrl: options.databaseUrl.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@') },
    seed,
    ...(baselineBody ? { baselineBody } : {}),
    scenarios: results,
    targets: checkTargets(results),
  };
  const markdown = renderQueryMarkdown(report);
  console.log(markdown);
  mkdirSync(options.outDir, { recursive: true });
  const file = path.join(options.outDir, `query-${startedAt.replace(/[:.]/g, '-')}`);
  writeFileSync(`${file}.json`, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(`${file}.md`, `${markdown}\n`);
  log(`\nwrote ${file}.json and .md`);
  return results.every((r) => r.status === 'ok') ? 0 : 1;
}

/** The query-api scenarios, one app process for all; also its prices-current answer for the baselines. */
async function runAppScenarios(
  names: ScenarioName[],
  options: QueryBenchOptions,
  catalog: Catalog,
  apiKey: string,
): Promise<{ results: ScenarioResult[]; pricesBody?: string }> {
  const prices = pricesPath(catalog, options.coins);
  let app: RunningServer;
  try {
    log('starting the query-api');
    app = await startQueryApi({
      databaseUrl: options.databaseUrl,
      schema: options.schema,
      redisUrl: options.redisUrl,
      redisPrefix: uniqueRedisPrefix(),
    });
  } catch (err) {
    const reason = `the query-api did not start: ${firstLine((err as Error).message)}`;
    log(reason);
    return { results: names.map((name) => notRun(name, reason, options)) };
  }
  const results: ScenarioResult[] = [];
  let pricesBody: string | undefined;
  try {
    const headers = { 'x-api-key': apiKey };
    const cached = protocolQueries(catalog, 12, 1).map((q) => queryPath(q));
    const fresh = protocolQueries(catalog, 200, 2);
    let n = 0;
    const workloads: Record<string, () => Workload> = {
      'prices-current': () => ({ paths: [prices] }),
      'protocols-cached': () => ({ paths: cached }),
      'protocols-uncached': () => ({ nextPath: () => uniqueQueryPath(fresh, n++) }),
      'protocols-paced': () => ({ nextPath: () => uniqueQueryPath(fresh, n++) }),
    };
    for (const name of names) {
      const check = name === 'prices-current' ? pricesCheck(options.coins) : protocolsCheck;
      results.push(
        await runScenario({ name, server: app, workload: workloads[name]!(), headers, check, options, log }),
      );
    }
    const res = await fetch(`${app.url}${prices}`, { headers });
    if (res.status === 200) pricesBody = await res.text();
  } catch (err) {
    log(`query-api scenarios stopped: ${(err as Error).message}`);
  } finally {
    await app.stop();
  }
  return { results, pricesBody };
}

async function runBaseline(
  name: 'bare-http' | 'fastify',
  bodyFile: string,
  options: QueryBenchOptions,
): Promise<ScenarioResult> {
  let server: RunningServer;
  try {
    server = await startBaseline(name, bodyFile, (options.durationS + options.warmupS + 120) * 1000);
  } catch (err) {
    return notRun(name, `did not start: ${firstLine((err as Error).message)}`, options);
  }
  try {
    return await runScenario({
      name,
      server,
      workload: { paths: ['/prices'] },
      check: jsonCheck(() => undefined),
      options,
      log,
    });
  } finally {
    await server.stop();
  }
}

const pricesCheck = (coins: number) =>
  jsonCheck((body) => {
    const found = Object.keys((body as { coins?: object }).coins ?? {}).length;
    if (found === 0)
      return { failure: `answered 200 without any of the ${coins} coins (stale prices, or not the DefiLlama shape)` };
    return found < coins ? { warning: `answered ${found} of ${coins} coins` } : undefined;
  });

const protocolsCheck = jsonCheck((body) => {
  const list = (body as { protocols?: unknown }).protocols;
  if (!Array.isArray(list)) return { failure: 'answered 200 without a protocols array' };
  return list.length === 0 ? { warning: 'the first question matched no protocol' } : undefined;
});

/** New points at the current minute/hour, through normal INSERTs: prices stay inside /prices/current's search width. */
async function freshen(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    await suppressChangeNotifications(tx);
    const now = (
      await tx.query<{ minute: Date; hour: Date }>(
        `SELECT date_trunc('minute', now()) AS minute, date_trunc('hour', now()) AS hour`,
      )
    ).rows[0]!;
    await tx.query(FRESHEN_PRICES_SQL, [now.minute]);
    await tx.query(FRESHEN_TVL_SQL, [now.hour]);
  });
}

/** The prices-current answer in DefiLlama's shape, built from the database: the baselines' body when the app did not answer. */
async function pricesBodyFromDatabase(db: Database, catalog: Catalog, coins: number): Promise<string> {
  const ids = catalog.tokens.slice(0, coins).map((t) => t.id);
  const { rows } = await db.query<{
    id: string;
    symbol: string;
    decimals: number;
    price: number;
    timestamp: number;
    confidence: number;
  }>(
    `SELECT t.id, t.symbol, t.decimals, p.price, extract(epoch FROM p.ts)::int AS timestamp, p.confidence
     FROM tokens t CROSS JOIN LATERAL (SELECT * FROM price_points WHERE token_id = t.id ORDER BY ts DESC LIMIT 1) p
     WHERE t.id = ANY($1)`,
    [ids],
  );
  return JSON.stringify({ coins: Object.fromEntries(rows.map(({ id, ...coin }) => [id, coin])) });
}

function notRun(name: ScenarioName, reason: string, options: QueryBenchOptions): ScenarioResult {
  const spec = SCENARIOS[name];
  return {
    name,
    target: spec.target,
    description: spec.description,
    status: 'not run',
    reason,
    warnings: [],
    connections: spec.paced ? options.pacedConnections : options.connections,
  };
}

function printSeed(seed: SeedReport): void {
  log(`\nschema ${seed.schema} (${seed.reused ? 'reused' : 'seeded now'}, seeded at ${seed.seededAt})`);
  log(
    `  seed phases (s): ${Object.entries(seed.phases)
      .map(([phase, s]) => `${phase} ${s.toFixed(1)}`)
      .join(', ')}`,
  );
  log('  | table | rows | heap | indexes | total |');
  for (const t of seed.tables) {
    log(
      `  | ${t.table} | ${Math.round(t.rows).toLocaleString('en')} | ${mib(t.heap)} | ${mib(t.indexes)} | ${mib(t.total)} |`,
    );
  }
}

function mib(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(2)} GiB` : `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}

function firstLine(text: string): string {
  return text.split('\n').filter(Boolean).slice(0, 3).join(' / ');
}

main().then(
  async (code) => {
    await stopAll();
    process.exit(code);
  },
  async (err: unknown) => {
    console.error(err);
    await stopAll();
    process.exit(1);
  },
);

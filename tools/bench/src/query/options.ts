import { SCENARIO_NAMES, isScenarioName, type ScenarioName } from './scenarios';

/** Everything one run of the query benchmark needs; validated once, then frozen. */
export interface QueryBenchOptions {
  /** Measured seconds per scenario. */
  durationS: number;
  /** Unmeasured load before each scenario: JIT, connection pools, the response cache. */
  warmupS: number;
  /** Concurrent HTTP connections of the closed-loop scenarios. */
  connections: number;
  /** Requests/s of the paced scenario (the latency target at a given load, not at saturation). */
  pacedRate: number;
  pacedConnections: number;
  /** Coin ids in the /prices/current URL. */
  coins: number;
  scenarios: ScenarioName[];
  seedOnly: boolean;
  reseed: boolean;
  schema: string;
  protocols: number;
  tokens: number;
  /** Days of hourly TVL. */
  days: number;
  /** Days of minute prices. */
  priceDays: number;
  databaseUrl: string;
  redisUrl: string;
  outDir: string;
}

export const QUERY_DEFAULTS: Readonly<Omit<QueryBenchOptions, 'scenarios' | 'databaseUrl' | 'redisUrl'>> =
  Object.freeze({
    durationS: 20,
    warmupS: 5,
    connections: 50,
    pacedRate: 200,
    pacedConnections: 10,
    coins: 50,
    seedOnly: false,
    reseed: false,
    schema: 'qbench',
    protocols: 5000,
    tokens: 200,
    days: 365,
    priceDays: 7,
    outDir: 'tools/bench/results',
  });

/** The command line as parseArgs gives it: every value a string, flags booleans. */
export type RawQueryOptions = Partial<
  Record<
    | 'duration'
    | 'warmup'
    | 'connections'
    | 'paced-rate'
    | 'paced-connections'
    | 'coins'
    | 'scenarios'
    | 'schema'
    | 'protocols'
    | 'tokens'
    | 'days'
    | 'price-days'
    | 'database-url'
    | 'redis-url'
    | 'out',
    string
  >
> & {
  'seed-only'?: boolean;
  reseed?: boolean;
};

/** Validate the command line over the defaults; throws an Error naming the flag and what it takes. */
export function resolveQueryOptions(raw: RawQueryOptions, env: NodeJS.ProcessEnv = process.env): QueryBenchOptions {
  const scenarios =
    raw.scenarios === undefined
      ? [...SCENARIO_NAMES]
      : raw.scenarios
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
  const unknown = scenarios.filter((s) => !isScenarioName(s));
  if (unknown.length > 0 || scenarios.length === 0) {
    throw new Error(
      `--scenarios: unknown ${unknown.length ? unknown.join(', ') : '(empty list)'}; expected a comma-separated list of ${SCENARIO_NAMES.join(', ')}`,
    );
  }
  const schema = raw.schema ?? QUERY_DEFAULTS.schema;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema) || schema === 'public') {
    throw new Error(
      `--schema: expected a-z, 0-9 and _ (1-63 characters, not public; the seeder may drop it), got ${JSON.stringify(schema)}`,
    );
  }
  const databaseUrl = raw['database-url'] ?? env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  if (!/^postgres(ql)?:\/\//.test(databaseUrl))
    throw new Error(`--database-url: expected postgres://..., got ${JSON.stringify(databaseUrl)}`);
  const redisUrl = raw['redis-url'] ?? env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (!/^rediss?:\/\//.test(redisUrl))
    throw new Error(`--redis-url: expected redis://..., got ${JSON.stringify(redisUrl)}`);
  const options: QueryBenchOptions = {
    durationS: number(raw.duration, 'duration', QUERY_DEFAULTS.durationS, 1),
    warmupS: number(raw.warmup, 'warmup', QUERY_DEFAULTS.warmupS, 0),
    connections: whole(raw.connections, 'connections', QUERY_DEFAULTS.connections, 1),
    pacedRate: whole(raw['paced-rate'], 'paced-rate', QUERY_DEFAULTS.pacedRate, 1),
    pacedConnections: whole(raw['paced-connections'], 'paced-connections', QUERY_DEFAULTS.pacedConnections, 1),
    coins: whole(raw.coins, 'coins', QUERY_DEFAULTS.coins, 1),
    scenarios: scenarios as ScenarioName[],
    seedOnly: raw['seed-only'] === true,
    reseed: raw.reseed === true,
    schema,
    protocols: whole(raw.protocols, 'protocols', QUERY_DEFAULTS.protocols, 1),
    tokens: whole(raw.tokens, 'tokens', QUERY_DEFAULTS.tokens, 1),
    days: whole(raw.days, 'days', QUERY_DEFAULTS.days, 1),
    priceDays: whole(raw['price-days'], 'price-days', QUERY_DEFAULTS.priceDays, 1),
    databaseUrl,
    redisUrl,
    outDir: raw.out ?? QUERY_DEFAULTS.outDir,
  };
  if (options.coins > options.tokens)
    throw new Error(`--coins: ${options.coins} coins asked, but only --tokens ${options.tokens} are seeded`);
  return Object.freeze(options);
}

function number(value: string | undefined, flag: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min)
    throw new Error(`--${flag}: expected a number >= ${min}, got ${JSON.stringify(value)}`);
  return n;
}

function whole(value: string | undefined, flag: string, fallback: number, min: number): number {
  const n = number(value, flag, fallback, min);
  if (!Number.isInteger(n))
    throw new Error(`--${flag}: expected a whole number >= ${min}, got ${JSON.stringify(value)}`);
  return n;
}

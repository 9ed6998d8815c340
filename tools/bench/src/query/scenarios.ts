import { mulberry32, type Catalog } from './catalog';

// What each scenario asks, as data: the paths are built here (pure, tested) and the load
// generator only replays them.

export const SCENARIO_NAMES = [
  'prices-current',
  'protocols-cached',
  'protocols-uncached',
  'protocols-paced',
  'bare-http',
  'fastify',
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** Which server a scenario loads. */
export type ScenarioTarget = 'query-api' | 'bare-http' | 'fastify';

export interface ScenarioSpec {
  name: ScenarioName;
  target: ScenarioTarget;
  description: string;
  /** What the x-cache header should say for the scenario to measure what it claims. */
  expectCache?: 'hit' | 'miss';
  /** Paced at --paced-rate with --paced-connections instead of closed-loop at --connections. */
  paced?: boolean;
}

export const SCENARIOS: Readonly<Record<ScenarioName, ScenarioSpec>> = Object.freeze({
  'prices-current': {
    name: 'prices-current',
    target: 'query-api',
    expectCache: 'hit',
    description: 'GET /prices/current/<coins> (one URL: response cache hits)',
  },
  'protocols-cached': {
    name: 'protocols-cached',
    target: 'query-api',
    expectCache: 'hit',
    description: 'GET /v2/query/protocols, 12 parameter combinations in turn (cache hits)',
  },
  'protocols-uncached': {
    name: 'protocols-uncached',
    target: 'query-api',
    expectCache: 'miss',
    description: 'GET /v2/query/protocols, a new combination every request (cache misses: SQL each time)',
  },
  'protocols-paced': {
    name: 'protocols-paced',
    target: 'query-api',
    expectCache: 'miss',
    paced: true,
    description: 'as protocols-uncached, at a fixed request rate',
  },
  'bare-http': {
    name: 'bare-http',
    target: 'bare-http',
    description: 'node:http answering a pre-serialized body the size of prices-current (the ceiling)',
  },
  fastify: {
    name: 'fastify',
    target: 'fastify',
    description: 'Fastify 5 answering the same pre-serialized body from one route',
  },
});

/** True when `name` is a scenario. */
export function isScenarioName(name: string): name is ScenarioName {
  return (SCENARIO_NAMES as readonly string[]).includes(name);
}

/** `/prices/current/<ids>` for the first `coins` tokens of the catalog, ids comma-separated as DefiLlama takes them. */
export function pricesPath(catalog: Catalog, coins: number): string {
  if (coins > catalog.tokens.length)
    throw new RangeError(`--coins ${coins}: the catalog has only ${catalog.tokens.length} tokens`);
  return `/prices/current/${catalog.tokens
    .slice(0, coins)
    .map((t) => t.id)
    .join(',')}`;
}

/** One /v2/query/protocols question: what a dashboard or a screener asks. */
export interface ProtocolQuery {
  chain?: string;
  category?: string;
  minTvl?: number;
  sort: 'tvl' | 'change_1h' | 'change_1d' | 'change_7d' | 'name';
  order: 'asc' | 'desc';
}

const SORTS: ReadonlyArray<readonly [ProtocolQuery['sort'], number]> = [
  ['tvl', 50],
  ['change_1d', 25],
  ['change_7d', 10],
  ['name', 10],
  ['change_1h', 5],
];
const MIN_TVL_LEVELS = [0, 0, 100_000, 1_000_000, 10_000_000];

/**
 * `count` distinct questions, distinct already without minTvl (so that `uniqueQueryPath`
 * can make every request distinct by moving minTvl alone). Chains and categories are
 * drawn from those that hold most protocols, as users ask about those most.
 */
export function protocolQueries(catalog: Catalog, count: number, seed = 1): ProtocolQuery[] {
  const random = mulberry32(seed);
  const chains = topValues(
    catalog.protocols.flatMap((p) => p.chains),
    8,
  );
  const categories = topValues(
    catalog.protocols.map((p) => p.category),
    8,
  );
  const space = (chains.length + 1) * (categories.length + 1) * SORTS.length * 2;
  if (count > space)
    throw new RangeError(`only ${space} distinct protocol queries exist for this catalog, ${count} asked`);
  const seen = new Set<string>();
  const out: ProtocolQuery[] = [];
  while (out.length < count) {
    const query: ProtocolQuery = {
      ...(random() < 0.7 ? { chain: chains[Math.floor(random() * chains.length)] } : {}),
      ...(random() < 0.6 ? { category: categories[Math.floor(random() * categories.length)] } : {}),
      sort: weighted(SORTS, random),
      order: random() < 0.85 ? 'desc' : 'asc',
    };
    const key = `${query.chain}|${query.category}|${query.sort}|${query.order}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const level = MIN_TVL_LEVELS[Math.floor(random() * MIN_TVL_LEVELS.length)]!;
    out.push(level > 0 ? { ...query, minTvl: level } : query);
  }
  return out;
}

/** The request path of a question, `limit=100` as the brief's screener asks. */
export function queryPath(query: ProtocolQuery, minTvlOffset = 0): string {
  const params = new URLSearchParams();
  if (query.chain) params.set('chain', query.chain);
  if (query.category) params.set('category', query.category);
  const minTvl = (query.minTvl ?? 0) + minTvlOffset;
  if (minTvl > 0) params.set('minTvl', String(minTvl));
  params.set('sort', query.sort);
  params.set('order', query.order);
  params.set('limit', '100');
  return `/v2/query/protocols?${params.toString()}`;
}

/**
 * The n-th request of the uncached scenario: the questions in turn, each time with minTvl
 * raised by n dollars. No two n give the same URL (the questions differ without minTvl),
 * so no answer can come from the response cache, while the answer hardly changes.
 */
export function uniqueQueryPath(queries: readonly ProtocolQuery[], n: number): string {
  return queryPath(queries[n % queries.length]!, n + 1);
}

function topValues(values: string[], n: number): string[] {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, n)
    .map(([value]) => value);
}

function weighted<T>(items: ReadonlyArray<readonly [T, number]>, random: () => number): T {
  let r = random() * items.reduce((sum, [, w]) => sum + w, 0);
  for (const [item, w] of items) {
    r -= w;
    if (r < 0) return item;
  }
  return items[items.length - 1]![0];
}

import { resolve } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@defi-realtime/db/testing';
import { closeRedis, createRedis, type RedisClient } from '@defi-realtime/redis';
import { cleanupPrefix, redisUrlForTests, requireRedis, uniquePrefix } from '@defi-realtime/redis/testing';
import { createLogger } from '@defi-realtime/runtime';
import {
  closeAfterEach,
  describeServiceBasics,
  eventually,
  runMainToExit,
  START_TEST_TIMEOUT_MS,
} from '@defi-realtime/runtime/testing';
import { loadConfig, start, type RunningQueryApi } from './index';

describeServiceBasics({
  name: 'query-api',
  loadConfig,
  start,
  mainPath: resolve(__dirname, 'main.ts'),
  checks: ['database'],
});

describe('query-api started with PostgreSQL and Redis', () => {
  let tdb: TestDatabase;
  let redis: RedisClient;
  let prefix: string;
  const apps = closeAfterEach();
  const TOKEN = 'coingecko:start-test-coin';

  const startApp = async (env: Record<string, string> = {}) => {
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      REDIS_URL: redisUrlForTests(),
      REDIS_PREFIX: prefix,
      REFERENCE_REFRESH_MS: '0',
      ...env,
    });
    // Registered before the start is awaited: closed even if it completes after a timed-out test.
    return apps.add(start(config, { logger: createLogger('query-api', 'silent'), db: tdb.db, redis }), (app) =>
      app.close(),
    );
  };
  const insertPrice = (price: number) =>
    tdb.db.query('INSERT INTO price_points (token_id, ts, price, source) VALUES ($1, $2, $3, $4)', [
      TOKEN,
      new Date(),
      price,
      'test',
    ]);

  beforeAll(async () => {
    await requireRedis();
    tdb = await createTestDatabase('postgres');
    redis = createRedis(redisUrlForTests());
    prefix = uniquePrefix('query-start')
      .replace(/[^a-z0-9_-]/gi, '_')
      .toLowerCase()
      .slice(0, 32);
    await tdb.db.query("INSERT INTO tokens (id, symbol, decimals) VALUES ($1, 'STC', 18)", [TOKEN]);
    await insertPrice(1.5);
  });
  afterAll(async () => {
    await cleanupPrefix(redis, prefix);
    await closeRedis(redis);
    await tdb.cleanup();
  });

  it('reports redis among its readiness checks', async () => {
    const app = await startApp();
    const report = (await (await fetch(`${app.url}/readyz`)).json()) as { checks: Record<string, unknown> };
    expect(Object.keys(report.checks).sort()).toEqual(['database', 'redis']);
  });

  it('serves the data routes behind keys, limits and the shared cache; a new price point is visible at once', async () => {
    const [a, b] = [await startApp(), await startApp()];
    const { key } = await a.keys.create({ name: 'start test', tier: 'pro', owner: 'hank' });
    const url = `/prices/current/${TOKEN}`;
    const get = (app: RunningQueryApi, path = url) => fetch(`${app.url}${path}`, { headers: { 'x-api-key': key } });

    expect((await fetch(`${a.url}${url}`)).status).toBe(401);
    const first = await get(a);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-cache')).toBe('miss');
    expect(first.headers.get('ratelimit-limit')).toBe('600');
    expect(
      ((await first.json()) as { coins: Record<string, { price: number; symbol: string }> }).coins[TOKEN],
    ).toMatchObject({ price: 1.5, symbol: 'STC' });
    // The other process answers from the same Redis cache, in the key's path form too.
    const fromB = await fetch(`${b.url}/${key}${url}`);
    expect(fromB.headers.get('x-cache')).toBe('hit');
    expect(fromB.headers.get('etag')).toBe(first.headers.get('etag'));

    await insertPrice(2.25);
    for (const app of [a, b]) {
      await eventually(async () => {
        const res = await get(app);
        expect(((await res.json()) as { coins: Record<string, { price: number }> }).coins[TOKEN]?.price).toBe(2.25);
      }, 3_000);
    }
    // Both processes share one rate-limit budget for the key.
    const remaining = Number((await get(a)).headers.get('ratelimit-remaining'));
    expect(Number((await get(b)).headers.get('ratelimit-remaining'))).toBe(remaining - 1);
  });

  it('turns the response cache off with CACHE_TTL_MS=0', async () => {
    const app = await startApp({ CACHE_TTL_MS: '0', ANONYMOUS_ACCESS: 'true' });
    const res = await fetch(`${app.url}/protocols`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-cache')).toBeNull();
    expect(res.headers.get('ratelimit-limit')).toBe('60');
  });
});

it(
  'refuses unparsable tier limits at start-up with exit code 2, naming the variable',
  async () => {
    const result = await runMainToExit(resolve(__dirname, 'main.ts'), { TIER_LIMITS: '{"free":' });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/TIER_LIMITS: Invalid tier limits: not JSON/);
  },
  START_TEST_TIMEOUT_MS,
);

/*
 * Ingest to WebSocket end to end, as users see it: a producer POSTs observations to the
 * event processor, and WebSocket subscribers of the gateway receive the changes. Both
 * apps run as their own processes on real Redis and PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import { generateApiKey } from '@defi-realtime/auth';
import { createDatabase, type Database } from '@defi-realtime/db';
import { databaseUrlForTests, requirePostgres } from '@defi-realtime/db/testing';
import { createRedis } from '@defi-realtime/redis';
import { cleanupPrefix, redisUrlForTests, requireRedis } from '@defi-realtime/redis/testing';
import {
  closeAfterAll,
  eventually,
  sleep,
  spawnApp,
  START_TEST_TIMEOUT_MS,
  type AppProcess,
} from '@defi-realtime/runtime/testing';
import WebSocket from 'ws';

const TOKEN = `e2e-${randomBytes(12).toString('hex')}`;

interface Subscriber {
  messages: Array<{ type: string; channel?: string; data?: Record<string, unknown> }>;
  ws: WebSocket;
}

describe('ingest -> event processor -> engine -> gateway -> WebSocket', () => {
  const redisUrl = redisUrlForTests();
  const prefix = `e2e_${randomBytes(4).toString('hex')}`;
  const apiKey = generateApiKey();
  let db: Database;
  let processor: AppProcess;
  let gateway: AppProcess;
  const subscribers: Subscriber[] = [];

  const subscribe = async (channel: string): Promise<Subscriber> => {
    const ws = new WebSocket(`${gateway.url.replace('http', 'ws')}/v2/realtime?apiKey=${apiKey}`);
    const subscriber: Subscriber = { messages: [], ws };
    ws.on('message', (data) => subscriber.messages.push(JSON.parse(String(data))));
    await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
    ws.send(JSON.stringify({ type: 'subscribe', channels: [channel] }));
    const deadline = Date.now() + 5_000;
    while (!subscriber.messages.some((m) => m.type === 'subscription_result') && Date.now() < deadline) await sleep(10);
    subscribers.push(subscriber);
    return subscriber;
  };
  const ingest = async (body: unknown) => {
    const res = await fetch(`${processor.url}/v1/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    return res.json() as Promise<{ accepted: number; events: number; duplicates: number }>;
  };
  const updates = (s: Subscriber) => s.messages.filter((m) => m.type === 'price_update');

  const started = closeAfterAll();
  beforeAll(async () => {
    await requireRedis(redisUrl);
    const databaseUrl = databaseUrlForTests();
    await requirePostgres(databaseUrl);
    db = await createDatabase({ url: databaseUrl, schema: prefix });
    const env = {
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      DATABASE_URL: `${databaseUrl}?options=${encodeURIComponent(`-c search_path=${prefix}`)}`,
      LOG_LEVEL: 'warn',
    };
    // The gateway migrates the (empty) schema first; the processor then finds it ready.
    gateway = await started.add(
      spawnApp('gateway', { ...env, LOG_LEVEL: 'info', GATEWAY_WORKERS: '1', SEED_API_KEYS: `${apiKey}:pro` }),
      (app) => app.stop(),
    );
    processor = await started.add(
      spawnApp('event-processor', { ...env, LOG_LEVEL: 'info', INGEST_TOKEN: TOKEN }),
      (app) => app.stop(),
    );
  }, 2 * START_TEST_TIMEOUT_MS);

  afterAll(async () => {
    for (const s of subscribers) s.ws.close();
    await processor?.stop();
    await gateway?.stop();
    await db.exec(`DROP SCHEMA IF EXISTS ${prefix} CASCADE`);
    await db.close();
    const redis = createRedis(redisUrl);
    await cleanupPrefix(redis, prefix);
    await redis.quit();
  });

  it('delivers one price_update (3000 -> 3100, +3.33 %) to the token channel and nothing to another chain', async () => {
    const eth = await subscribe('token:coingecko:ethereum');
    const bsc = await subscribe('chain:bsc:prices');
    const t = Date.now();
    await ingest({
      prices: [{ tokenId: 'coingecko:ethereum', symbol: 'ETH', chain: 'ethereum', price: 3000, timestamp: t }],
    });
    expect(
      await ingest({
        prices: [
          { tokenId: 'coingecko:ethereum', symbol: 'ETH', chain: 'ethereum', price: 3100, timestamp: t + 1_000 },
        ],
      }),
    ).toMatchObject({ events: 1 });
    const deadline = Date.now() + 5_000;
    while (updates(eth).length === 0 && Date.now() < deadline) await sleep(10);
    // A later price, published behind the first: once it is in, a second copy of the first would be too.
    expect(
      await ingest({
        prices: [
          { tokenId: 'coingecko:ethereum', symbol: 'ETH', chain: 'ethereum', price: 3200, timestamp: t + 2_000 },
        ],
      }),
    ).toMatchObject({ events: 1 });
    await eventually(() => expect(updates(eth).map((u) => u.data!.price)).toEqual([3100, 3200]));
    const data = updates(eth)[0]!.data!;
    expect(data).toMatchObject({ tokenId: 'coingecko:ethereum', price: 3100, previousPrice: 3000 });
    expect(Math.round((data.changePercent as number) * 100) / 100).toBe(3.33);
    expect(updates(bsc)).toHaveLength(0);
  });

  it('publishes a record ingested twice only once', async () => {
    const eth = subscribers[0]!;
    const before = updates(eth).length;
    const record = { tokenId: 'coingecko:ethereum', price: 3300, timestamp: Date.now() + 10_000 };
    expect(await ingest({ prices: [record] })).toMatchObject({ events: 1, duplicates: 0 });
    expect(await ingest({ prices: [record] })).toMatchObject({ events: 0, duplicates: 1 });
    // A later price, published behind them: once it is in, a second copy of the record would be too.
    expect(await ingest({ prices: [{ ...record, price: 3400, timestamp: record.timestamp + 1_000 }] })).toMatchObject({
      events: 1,
    });
    await eventually(() => expect(updates(eth).at(-1)?.data?.price).toBe(3400));
    expect(
      updates(eth)
        .slice(before)
        .map((u) => u.data!.price),
    ).toEqual([3300, 3400]);
  });
});

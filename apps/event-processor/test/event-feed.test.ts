import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@defi-realtime/db/testing';
import { RedisEngine } from '@defi-realtime/engine';
import { EventEnvelopeSchema } from '@defi-realtime/protocol';
import { createQueue, type Queue, type QueueEntry } from '@defi-realtime/queue';
import { closeRedis, createKeys, createRedis, type RedisClient } from '@defi-realtime/redis';
import { cleanupPrefix, redisUrlForTests, requireRedis } from '@defi-realtime/redis/testing';
import { createLogger } from '@defi-realtime/runtime';
import { closeAfterEach } from '@defi-realtime/runtime/testing';
import { loadConfig, start, type RunningEventProcessor } from '../src';

const TOKEN = 'test-ingest-token-0123456789';
const logger = createLogger('test', 'silent');

/** Everything in `stream` so far, through a consumer group of the test's own. */
async function streamEntries(queue: Queue, stream = 'events'): Promise<QueueEntry[]> {
  const group = `test-${randomBytes(3).toString('hex')}`;
  await queue.ensureGroup(stream, group, 'start');
  return queue.read(stream, group, 'reader', { count: 1_000 });
}

function ingester(app: RunningEventProcessor) {
  return (body: unknown) =>
    fetch(`${app.url}/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(body),
    });
}

describe('the events feed', () => {
  const redisUrl = redisUrlForTests();
  let database: TestDatabase;
  let admin: RedisClient;
  let prefix: string;
  const cleanups: Array<() => Promise<unknown>> = [];
  const apps = closeAfterEach();

  beforeAll(async () => {
    await requireRedis(redisUrl);
    database = await createTestDatabase('postgres');
    admin = createRedis(redisUrl);
  }, 60_000);
  beforeEach(() => {
    prefix = `t_feed_${randomBytes(4).toString('hex')}`;
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await cleanupPrefix(admin, prefix);
  });
  afterAll(async () => {
    await closeRedis(admin);
    await database.cleanup();
  });

  async function startApp(env: Record<string, string>, deps: { queue?: Queue } = {}): Promise<RunningEventProcessor> {
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      INGEST_TOKEN: TOKEN,
      POSTGRES_CHANGES: 'false',
      ...env,
    });
    // Registered before the start is awaited: closed even if it completes after a timed-out test.
    return apps.add(start(config, { logger, db: database.db, ...deps }), (app) => app.close());
  }
  async function redisQueue(): Promise<Queue> {
    const queue = await createQueue({ redisUrl, prefix });
    cleanups.push(() => queue.close());
    return queue;
  }

  it('appends exactly the published events, as the same JSON text and in publish order, to the Redis stream', async () => {
    const app = await startApp({ REDIS_URL: redisUrl, REDIS_PREFIX: prefix });
    const ingest = ingester(app);
    const t = Date.now();
    await ingest({
      prices: [{ tokenId: 'coingecko:ethereum', price: 3000, timestamp: t }],
      tvl: [{ protocolId: 'lido', tvl: 1e9, timestamp: t }],
    });
    const res = await ingest({
      prices: [
        { tokenId: 'coingecko:ethereum', price: 3100, timestamp: t + 1 },
        { tokenId: 'coingecko:ethereum', price: 3100.5, timestamp: t + 2 }, // below the threshold: no event
        { tokenId: 'coingecko:ethereum', price: 3200, timestamp: t + 3 },
      ],
      tvl: [{ protocolId: 'lido', tvl: 1.1e9, timestamp: t + 1 }],
    });
    expect(await res.json()).toMatchObject({ events: 3 });

    const entries = await streamEntries(await redisQueue());
    const events = entries.map((e) => EventEnvelopeSchema.parse(JSON.parse(e.payload)));
    expect(
      events.map((e) => (e.type === 'price_update' ? e.data.price : e.type === 'tvl_update' ? e.data.tvl : null)),
    ).toEqual([3100, 3200, 1.1e9]);
    // The very text subscribers got: what the engine keeps in the channel's history.
    const engine = new RedisEngine({ redis: redisUrl, prefix });
    await engine.start();
    cleanups.push(() => engine.close());
    const published = await engine.history('token:coingecko:ethereum', { limit: 10 });
    expect(entries.slice(0, 2).map((e) => e.payload)).toEqual(published.events.map((e) => e.payload));
  });

  it('answers 503 when the stream does not take the events, and takes the same batch sent again', async () => {
    const app = await startApp({ REDIS_URL: redisUrl, REDIS_PREFIX: prefix });
    const ingest = ingester(app);
    const t = Date.now();
    await ingest({ prices: [{ tokenId: 'coingecko:bitcoin', price: 90_000, timestamp: t }] });
    const change = { prices: [{ tokenId: 'coingecko:bitcoin', price: 95_000, timestamp: t + 1 }] };
    const key = createKeys(prefix).stream('events');
    await admin.set(key, 'not a stream'); // every XADD now fails (WRONGTYPE)
    try {
      const refused = await ingest(change);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(await refused.json()).toMatchObject({
        code: 'UNAVAILABLE',
        message: expect.stringContaining('the events stream did not take the events'),
      });
    } finally {
      await admin.del(key);
    }
    const accepted = await ingest(change);
    expect(await accepted.json()).toMatchObject({ accepted: 1, events: 1, duplicates: 0 });
    const entries = await streamEntries(await redisQueue());
    expect(entries.map((e) => JSON.parse(e.payload).data.price)).toEqual([95_000]);
  });

  it('appends nothing with EVENTS_STREAM=off, and still publishes', async () => {
    const app = await startApp({ REDIS_URL: redisUrl, REDIS_PREFIX: prefix, EVENTS_STREAM: 'off' });
    const ingest = ingester(app);
    const t = Date.now();
    await ingest({ prices: [{ tokenId: 'coingecko:solana', price: 150, timestamp: t }] });
    expect(
      await (await ingest({ prices: [{ tokenId: 'coingecko:solana', price: 160, timestamp: t + 1 }] })).json(),
    ).toMatchObject({ events: 1 });
    expect(await admin.exists(createKeys(prefix).stream('events'))).toBe(0);
    expect(await admin.exists(createKeys(prefix).history('token:coingecko:solana'))).toBe(1);
  });

  it('appends to a shared in-memory queue, to the configured stream, trimmed to EVENTS_STREAM_MAXLEN', async () => {
    const queue = await createQueue({}); // memory: what `npm start` shares with the alert engine
    cleanups.push(() => queue.close());
    const app = await startApp({ EVENTS_STREAM: 'market-events', EVENTS_STREAM_MAXLEN: '2' }, { queue });
    const ingest = ingester(app);
    const t = Date.now();
    await ingest({ prices: [{ tokenId: 'coingecko:ethereum', price: 3000, timestamp: t }] });
    for (const [i, price] of [3100, 3200, 3300].entries()) {
      expect(
        await (await ingest({ prices: [{ tokenId: 'coingecko:ethereum', price, timestamp: t + i + 1 }] })).json(),
      ).toMatchObject({ events: 1 });
    }
    expect(await queue.length('events')).toBe(0);
    const entries = await streamEntries(queue, 'market-events');
    expect(entries.map((e) => JSON.parse(e.payload).data.price)).toEqual([3200, 3300]);
    await app.close();
    expect(await queue.length('market-events')).toBe(2); // the shared queue stays open
  });

  it('reads EVENTS_STREAM and EVENTS_STREAM_MAXLEN with defaults, naming a bad value', () => {
    expect(loadConfig({})).toMatchObject({ EVENTS_STREAM: 'events', EVENTS_STREAM_MAXLEN: 1_000_000 });
    expect(() => loadConfig({ EVENTS_STREAM: 'two words' })).toThrow(/EVENTS_STREAM: expected a stream name/);
    expect(() => loadConfig({ EVENTS_STREAM_MAXLEN: '0' })).toThrow(/EVENTS_STREAM_MAXLEN/);
  });
});

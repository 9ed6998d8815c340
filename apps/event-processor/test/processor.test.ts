import { createDatabase } from '@defi-realtime/db';
import { createTestDatabase, databaseUrlForTests, type TestDatabase } from '@defi-realtime/db/testing';
import { RedisEngine, type ChannelEvent } from '@defi-realtime/engine';
import { EventEnvelopeSchema } from '@defi-realtime/protocol';
import { createRedis } from '@defi-realtime/redis';
import { cleanupPrefix, redisUrlForTests, requireRedis } from '@defi-realtime/redis/testing';
import { createLogger } from '@defi-realtime/runtime';
import {
  closeAfterAll,
  closeAfterEach,
  eventually,
  sleep,
  START_TEST_TIMEOUT_MS,
} from '@defi-realtime/runtime/testing';
import { randomBytes } from 'node:crypto';
import { loadConfig, start, type RunningEventProcessor } from '../src';
import { Simulator } from '../src/sources/simulator';

const TOKEN = 'test-ingest-token-0123456789';

describe('event processor on real Redis and PostgreSQL', () => {
  const redisUrl = redisUrlForTests();
  const prefix = `t_ep_${randomBytes(4).toString('hex')}`;
  let database: TestDatabase;
  let engine: RedisEngine; // a second node: what a gateway would see
  let processor: RunningEventProcessor;
  const received = new Map<string, ChannelEvent[]>();

  const listen = async (channel: string) => {
    received.set(channel, []);
    await engine.subscribe(channel, (event) => received.get(channel)!.push(event));
  };
  /** Publish a marker to `channel` and wait for it: delivery is in order, so whatever the processor published there before has arrived too. */
  const drained = async (channel: string) => {
    const marker = `"marker-${randomBytes(4).toString('hex')}"`;
    await engine.publish(channel, marker);
    await eventually(() => expect(received.get(channel)!.some((e) => e.payload === marker)).toBe(true));
    received.set(
      channel,
      received.get(channel)!.filter((e) => e.payload !== marker),
    );
  };
  const ingest = (body: unknown, token = TOKEN) =>
    fetch(`${processor.url}/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });

  const started = closeAfterAll();
  beforeAll(async () => {
    await requireRedis(redisUrl);
    database = await createTestDatabase('postgres');
    engine = new RedisEngine({ redis: redisUrl, prefix });
    await engine.start();
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      INGEST_TOKEN: TOKEN,
    });
    processor = await started.add(start(config, { logger: createLogger('test', 'silent'), db: database.db }), (p) =>
      p.close(),
    );
    await listen('token:coingecko:ethereum');
    await listen('chain:bsc:prices');
    await listen('tvl');
    await listen('token:coingecko:bq');
  }, START_TEST_TIMEOUT_MS);

  afterAll(async () => {
    await processor.close();
    await engine.close();
    const redis = createRedis(redisUrl);
    await cleanupPrefix(redis, prefix);
    await redis.quit();
    await database.cleanup();
  });

  it('publishes a price change once, with the previous price and the change, to its channels only', async () => {
    const t = Date.now();
    expect(
      await (
        await ingest({
          prices: [{ tokenId: 'coingecko:ethereum', price: 3000, timestamp: t, symbol: 'ETH', chain: 'ethereum' }],
        })
      ).json(),
    ).toMatchObject({ accepted: 1, events: 0 });
    const res = await ingest({
      prices: [{ tokenId: 'coingecko:ethereum', price: 3100, timestamp: t + 1000, symbol: 'ETH', chain: 'ethereum' }],
    });
    expect(await res.json()).toEqual({ accepted: 1, events: 1, duplicates: 0, rejected: [] });
    await eventually(() => expect(received.get('token:coingecko:ethereum')).toHaveLength(1));
    const event = EventEnvelopeSchema.parse(JSON.parse(received.get('token:coingecko:ethereum')![0]!.payload));
    expect(event.type).toBe('price_update');
    expect(event.data).toMatchObject({ tokenId: 'coingecko:ethereum', price: 3100, previousPrice: 3000 });
    expect((event.data as { changePercent: number }).changePercent).toBeCloseTo(3.33, 2);
    await drained('chain:bsc:prices');
    expect(received.get('chain:bsc:prices')).toHaveLength(0);
  });

  it('drops the same record ingested twice (published once), and says so', async () => {
    const record = { tokenId: 'coingecko:ethereum', price: 3300, timestamp: Date.now() + 5_000 };
    const before = received.get('token:coingecko:ethereum')!.length;
    expect(await (await ingest({ prices: [record] })).json()).toMatchObject({ events: 1, duplicates: 0 });
    expect(await (await ingest({ prices: [record] })).json()).toMatchObject({ events: 0, duplicates: 1 });
    await drained('token:coingecko:ethereum');
    expect(received.get('token:coingecko:ethereum')!.length - before).toBe(1);
  });

  it('rejects bad records one by one, naming the field, and processes the rest', async () => {
    const res = await ingest({
      prices: [
        { tokenId: 'not a token', price: 1, timestamp: Date.now() },
        { tokenId: 'coingecko:bitcoin', price: -5, timestamp: Date.now() },
        { tokenId: 'coingecko:bitcoin', price: 95000, timestamp: Date.now() },
      ],
      tvl: [{ protocolId: 'aave-v3', timestamp: Date.now() }],
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      accepted: number;
      rejected: Array<{ kind: string; index: number; field?: string; reason: string }>;
    };
    expect(body.accepted).toBe(1);
    expect(body.rejected).toEqual([
      expect.objectContaining({ kind: 'price', index: 0, field: 'tokenId' }),
      expect.objectContaining({ kind: 'price', index: 1, field: 'price' }),
      expect.objectContaining({ kind: 'tvl', index: 0, field: 'tvl' }),
    ]);
  });

  it('refuses a record stamped 100 years ahead, naming timestamp, and publishes the next correct update', async () => {
    const t = Date.now();
    await ingest({ prices: [{ tokenId: 'coingecko:bq', price: 10, timestamp: t - 2_000 }] });
    const future = await ingest({
      prices: [{ tokenId: 'coingecko:bq', price: 20, timestamp: t + 100 * 365.25 * 86_400_000 }],
    });
    expect(future.status).toBe(400);
    expect(await future.json()).toMatchObject({
      accepted: 0,
      rejected: [
        { kind: 'price', index: 0, field: 'timestamp', reason: expect.stringMatching(/at most 5 minutes ahead/) },
      ],
    });
    expect(
      await (await ingest({ prices: [{ tokenId: 'coingecko:bq', price: 11, timestamp: t }] })).json(),
    ).toMatchObject({ accepted: 1, events: 1 });
    await eventually(() => expect(received.get('token:coingecko:bq')).toHaveLength(1));
    expect(JSON.parse(received.get('token:coingecko:bq')![0]!.payload)).toMatchObject({
      data: { price: 11, previousPrice: 10 },
    });
  });

  it('refuses records stamped before 2009 (1970 in seconds, 2001 in milliseconds) and a price of 1e308, naming the field', async () => {
    const res = await ingest({
      prices: [
        { tokenId: 'coingecko:bq', price: 12, timestamp: 1_000 },
        { tokenId: 'coingecko:bq', price: 1e308, timestamp: Date.now() },
      ],
      tvl: [{ protocolId: 'bq-finance', tvl: 5e6, timestamp: 1e12 }],
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      accepted: 0,
      events: 0,
      duplicates: 0,
      rejected: [
        { kind: 'price', index: 0, field: 'timestamp', reason: expect.stringMatching(/not before 2009-01-01/) },
        {
          kind: 'price',
          index: 1,
          field: 'price',
          reason: expect.stringMatching(/^price: expected a number <= 1000000000000000/),
        },
        { kind: 'tvl', index: 0, field: 'timestamp', reason: expect.stringMatching(/not before 2009-01-01/) },
      ],
    });
    await sleep(100);
    expect(received.get('token:coingecko:bq')).toHaveLength(1);
  });

  it('refuses without the token (401), a malformed batch (400) and an oversized body (413)', async () => {
    expect((await ingest({ prices: [] }, 'wrong-token-0123456789')).status).toBe(401);
    const empty = await ingest({ prices: [] });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ code: 'BAD_REQUEST' });
    const huge = await fetch(`${processor.url}/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({
        prices: [{ tokenId: 'coingecko:x', price: 1, timestamp: 1, symbol: 'x'.repeat(9 * 1024 * 1024) }],
      }),
    });
    expect(huge.status).toBe(413);
  });

  it('writes every observation to PostgreSQL in batches', async () => {
    await eventually(async () => {
      const { rows } = await database.db.query<{ n: string }>(
        "SELECT count(*) AS n FROM price_points WHERE token_id = 'coingecko:ethereum'",
      );
      expect(Number(rows[0]!.n)).toBe(3);
    });
  });

  it('stores the symbol and decimals of ingested prices and the name of ingested TVL, keeping what they leave out', async () => {
    await database.db.query(
      "INSERT INTO tokens (id, symbol, name, coingecko_id) VALUES ('coingecko:bq-rich', 'OLD', 'Bq Rich Token', 'bq-rich')",
    );
    await database.db.query(
      "INSERT INTO protocols (id, name, category, chains) VALUES ('bq-rich', 'Old Name', 'Dexes', '{ethereum}')",
    );
    const t = Date.now();
    const res = await ingest({
      prices: [
        { tokenId: 'coingecko:bq-meta', price: 1, timestamp: t, symbol: 'BQ', decimals: 9 },
        { tokenId: 'coingecko:bq-rich', price: 1, timestamp: t, symbol: 'BQR' },
        { tokenId: 'coingecko:bq-rich', price: 1.1, timestamp: t + 1, decimals: 6 },
        { tokenId: 'coingecko:bq-none', price: 1, timestamp: t, decimals: 6 }, // no symbol, nothing stored: a token needs one
      ],
      tvl: [
        { protocolId: 'bq-finance', name: 'BQ Finance', tvl: 5e6, timestamp: t },
        { protocolId: 'bq-rich', name: 'BQ Rich', chain: 'ethereum', tvl: 1e6, timestamp: t },
      ],
    });
    expect(await res.json()).toMatchObject({ accepted: 6, rejected: [] });
    const token = async (id: string) =>
      (await database.db.query('SELECT symbol, name, decimals, coingecko_id FROM tokens WHERE id = $1', [id])).rows[0];
    const protocol = async (id: string) =>
      (await database.db.query('SELECT name, category, chains FROM protocols WHERE id = $1', [id])).rows[0];
    await eventually(async () =>
      expect(await token('coingecko:bq-meta')).toEqual({ symbol: 'BQ', name: null, decimals: 9, coingecko_id: null }),
    );
    expect(await token('coingecko:bq-rich')).toEqual({
      symbol: 'BQR',
      name: 'Bq Rich Token',
      decimals: 6,
      coingecko_id: 'bq-rich',
    });
    expect(await token('coingecko:bq-none')).toBeUndefined();
    expect(await protocol('bq-finance')).toEqual({ name: 'BQ Finance', category: null, chains: [] });
    expect(await protocol('bq-rich')).toEqual({ name: 'BQ Rich', category: 'Dexes', chains: ['ethereum'] });
  });

  it('keeps publishing while PostgreSQL refuses writes, then writes the backlog', async () => {
    await database.db.query('ALTER TABLE tvl_points RENAME TO tvl_points_away');
    try {
      const t = Date.now();
      await ingest({ tvl: [{ protocolId: 'lido', name: 'Lido', tvl: 1_000_000, timestamp: t }] });
      const res = await ingest({ tvl: [{ protocolId: 'lido', name: 'Lido', tvl: 2_000_000, timestamp: t + 1 }] });
      expect(await res.json()).toMatchObject({ events: 1 });
      await eventually(() => expect(received.get('tvl')!.some((e) => e.payload.includes('"tvl":2000000'))).toBe(true));
      await sleep(300);
      expect(processor.processor.writer.backlog).toBeGreaterThanOrEqual(2); // ours, plus any earlier point batched with them
    } finally {
      await database.db.query('ALTER TABLE tvl_points_away RENAME TO tvl_points');
    }
    await eventually(() => expect(processor.processor.writer.backlog).toBe(0), 10_000);
    const { rows } = await database.db.query<{ n: string }>(
      "SELECT count(*) AS n FROM tvl_points WHERE protocol_id = 'lido'",
    );
    expect(Number(rows[0]!.n)).toBe(2);
  });

  it('simulates valid events over the real fixture', async () => {
    const simulator = new Simulator(async () => undefined, createLogger('test', 'silent'), { seed: 7, speed: 3600 });
    const now = Date.now();
    const first = simulator.tick(now - 60_000);
    const second = simulator.tick(now);
    expect(first.length).toBe(second.length);
    expect(new Set(first.map((r) => (r.kind === 'price' ? r.tokenId : r.protocolId))).size).toBeGreaterThan(40);
    const outcomes = [...(await processor.processor.process(first)), ...(await processor.processor.process(second))];
    expect(outcomes.filter((o) => o === 'event').length).toBeGreaterThan(10);
    await eventually(() => expect(received.get('tvl')!.length).toBeGreaterThan(5));
    for (const event of received.get('tvl')!)
      expect(EventEnvelopeSchema.safeParse(JSON.parse(event.payload)).success).toBe(true);
  });
});

describe('rows inserted into PostgreSQL by another pipeline', () => {
  const started = closeAfterEach();

  it('are streamed as events', async () => {
    const redisUrl = redisUrlForTests();
    const prefix = `t_ep_${randomBytes(4).toString('hex')}`;
    const database = await createTestDatabase('postgres');
    const engine = new RedisEngine({ redis: redisUrl, prefix });
    await engine.start();
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
    });
    const processor = await started.add(
      start(config, { logger: createLogger('test', 'silent'), db: database.db }),
      (p) => p.close(),
    );
    const got: ChannelEvent[] = [];
    await engine.subscribe('token:coingecko:solana', (e) => got.push(e));
    try {
      // Another pipeline's writes, on its own connection, as it would do today.
      const other = await createDatabase({ url: databaseUrlForTests(), schema: database.schema });
      await other.query(
        "INSERT INTO price_points (token_id, ts, price) VALUES ('coingecko:solana', now() - interval '1 minute', 180), ('coingecko:solana', now(), 190)",
      );
      await other.close();
      const deadline = Date.now() + 5_000;
      while (got.length === 0 && Date.now() < deadline) await sleep(25);
      expect(got).toHaveLength(1);
      expect(JSON.parse(got[0]!.payload).data).toMatchObject({
        tokenId: 'coingecko:solana',
        price: 190,
        previousPrice: 180,
      });
    } finally {
      await processor.close();
      await engine.close();
      const redis = createRedis(redisUrl);
      await cleanupPrefix(redis, prefix);
      await redis.quit();
      await database.cleanup();
    }
  });
});

/*
 * Bad records at ingest, as WebSocket subscribers see them: a record stamped a century
 * ahead must not silence its token, and a price the change percentage of which overflows
 * must not become an event the gateway drops (a gap in the channel's positions). The
 * event processor and the gateway run in this process on real Redis and PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import { generateApiKey } from '@defi-realtime/auth';
import { createTestDatabase, type TestDatabase } from '@defi-realtime/db/testing';
import {
  loadConfig as loadProcessorConfig,
  start as startProcessor,
  type RunningEventProcessor,
} from '@defi-realtime/event-processor';
import {
  REALTIME_PATH,
  loadConfig as loadGatewayConfig,
  start as startGateway,
  type RunningGateway,
} from '@defi-realtime/gateway';
import { createRedis } from '@defi-realtime/redis';
import { cleanupPrefix, redisUrlForTests, requireRedis } from '@defi-realtime/redis/testing';
import { createLogger } from '@defi-realtime/runtime';
import { eventually } from '@defi-realtime/runtime/testing';
import WebSocket from 'ws';

const TOKEN = `e2e-${randomBytes(12).toString('hex')}`;
const CHANNEL = 'token:coingecko:bq';

interface Message {
  type: string;
  position?: { offset: number; epoch: string };
  results?: Array<{ channel: string; status: string; position?: { offset: number; epoch: string } }>;
  data?: { price?: number; previousPrice?: number };
}

describe('ingest bounds, seen by a WebSocket subscriber of the gateway', () => {
  const redisUrl = redisUrlForTests();
  const prefix = `e2e_${randomBytes(4).toString('hex')}`;
  const apiKey = generateApiKey();
  const logger = createLogger('e2e', 'silent');
  let database: TestDatabase;
  let gateway: RunningGateway | undefined;
  let processor: RunningEventProcessor | undefined;
  let ws: WebSocket | undefined;

  const ingest = async (body: unknown) => {
    const res = await fetch(`${processor!.url}/v1/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return {
      status: res.status,
      body: (await res.json()) as { accepted: number; events: number; rejected: Array<{ field?: string }> },
    };
  };

  beforeAll(async () => {
    await requireRedis(redisUrl);
    database = await createTestDatabase('postgres');
    const env = { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', REDIS_URL: redisUrl, REDIS_PREFIX: prefix };
    gateway = await startGateway(loadGatewayConfig({ ...env, SEED_API_KEYS: `${apiKey}:pro` }), {
      logger,
      db: database.db,
    });
    processor = await startProcessor(loadProcessorConfig({ ...env, INGEST_TOKEN: TOKEN }), { logger, db: database.db });
  }, 60_000);

  afterAll(async () => {
    ws?.close();
    await processor?.close();
    await gateway?.close();
    const redis = createRedis(redisUrl);
    try {
      await cleanupPrefix(redis, prefix);
    } finally {
      await redis.quit();
    }
    await database?.cleanup();
  });

  it('refuses a price of 1e308 and a record 100 years ahead; the next updates arrive, at consecutive positions', async () => {
    const messages: Message[] = [];
    ws = new WebSocket(`${gateway!.url.replace('http', 'ws')}${REALTIME_PATH}?apiKey=${apiKey}`);
    ws.on('message', (data) => messages.push(JSON.parse(String(data)) as Message));
    await new Promise((resolve, reject) => (ws!.once('open', resolve), ws!.once('error', reject)));
    ws.send(JSON.stringify({ type: 'subscribe', channels: [CHANNEL] }));
    await eventually(() => expect(messages.some((m) => m.type === 'subscription_result')).toBe(true));
    const top = messages.find((m) => m.type === 'subscription_result')!.results![0]!.position!;

    const t = Date.now();
    expect(
      (await ingest({ prices: [{ tokenId: 'coingecko:bq', symbol: 'BQ', price: 10, timestamp: t - 3_000 }] })).body,
    ).toMatchObject({ accepted: 1 });
    const huge = await ingest({
      prices: [{ tokenId: 'coingecko:bq', symbol: 'BQ', price: 1e308, timestamp: t - 2_000 }],
    });
    expect(huge).toMatchObject({ status: 400, body: { accepted: 0, rejected: [{ field: 'price' }] } });
    const future = await ingest({
      prices: [{ tokenId: 'coingecko:bq', symbol: 'BQ', price: 20, timestamp: t + 100 * 365 * 86_400_000 }],
    });
    expect(future).toMatchObject({ status: 400, body: { accepted: 0, rejected: [{ field: 'timestamp' }] } });
    expect(
      (await ingest({ prices: [{ tokenId: 'coingecko:bq', symbol: 'BQ', price: 11, timestamp: t - 1_000 }] })).body,
    ).toMatchObject({ events: 1 });
    expect(
      (await ingest({ prices: [{ tokenId: 'coingecko:bq', symbol: 'BQ', price: 12, timestamp: t }] })).body,
    ).toMatchObject({ events: 1 });

    // The last update arriving means every earlier one was delivered (one channel keeps its order).
    const updates = () => messages.filter((m) => m.type === 'price_update');
    await eventually(() => expect(updates().some((m) => m.data?.price === 12)).toBe(true));
    expect(
      updates().map((m) => ({ price: m.data?.price, previousPrice: m.data?.previousPrice, position: m.position })),
    ).toEqual([
      { price: 11, previousPrice: 10, position: { offset: top.offset + 1, epoch: top.epoch } },
      { price: 12, previousPrice: 11, position: { offset: top.offset + 2, epoch: top.epoch } },
    ]);
  });
});

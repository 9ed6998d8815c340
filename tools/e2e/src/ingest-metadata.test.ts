/*
 * What a producer says about a token or protocol at ingest (symbol, decimals, name) is what
 * the REST API answers with, as for the simulator's and the poller's metadata. The event
 * processor and the query API run in this process on one PostgreSQL database (the point
 * writer's SQL is also run on PGlite by the event processor's own tests).
 */
import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@defi-realtime/db/testing';
import {
  loadConfig as loadProcessorConfig,
  start as startProcessor,
  type RunningEventProcessor,
} from '@defi-realtime/event-processor';
import { loadConfig as loadQueryConfig, start as startQueryApi, type RunningQueryApi } from '@defi-realtime/query-api';
import { createLogger } from '@defi-realtime/runtime';
import { eventually } from '@defi-realtime/runtime/testing';

const TOKEN = `e2e-${randomBytes(12).toString('hex')}`;

describe('ingested metadata answered by the query API', () => {
  const logger = createLogger('e2e', 'silent');
  let database: TestDatabase;
  let processor: RunningEventProcessor | undefined;
  let queryApi: RunningQueryApi | undefined;

  const ingest = async (body: unknown) => {
    const res = await fetch(`${processor!.url}/v1/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    return res.json() as Promise<{ accepted: number }>;
  };
  const get = async (path: string) => {
    const res = await fetch(`${queryApi!.url}${path}`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const env = { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' };
    processor = await startProcessor(loadProcessorConfig({ ...env, INGEST_TOKEN: TOKEN }), { logger, db: database.db });
    queryApi = await startQueryApi(loadQueryConfig({ ...env, ANONYMOUS_ACCESS: 'true', REFERENCE_REFRESH_MS: '0' }), {
      logger,
      db: database.db,
    });
  }, 60_000);

  afterAll(async () => {
    await queryApi?.close();
    await processor?.close();
    await database?.cleanup();
  });

  it('answers /prices/current/<id> with the symbol and decimals sent with the price', async () => {
    const timestamp = Date.now();
    expect(
      await ingest({ prices: [{ tokenId: 'coingecko:bq', symbol: 'BQ', decimals: 9, price: 1.25, timestamp }] }),
    ).toMatchObject({ accepted: 1 });
    await eventually(async () =>
      expect(await get('/prices/current/coingecko:bq')).toEqual({
        status: 200,
        body: {
          coins: {
            'coingecko:bq': { price: 1.25, symbol: 'BQ', decimals: 9, timestamp: Math.floor(timestamp / 1000) },
          },
        },
      }),
    );
  });

  it('answers /protocol/<slug> with the name sent with the TVL', async () => {
    expect(
      await ingest({ tvl: [{ protocolId: 'bq-finance', name: 'BQ Finance', tvl: 5_000_000, timestamp: Date.now() }] }),
    ).toMatchObject({ accepted: 1 });
    await eventually(async () =>
      expect(await get('/protocol/bq-finance')).toMatchObject({ status: 200, body: { name: 'BQ Finance' } }),
    );
  });
});

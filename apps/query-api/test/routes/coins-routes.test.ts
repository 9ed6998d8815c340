import type { AddressInfo } from 'node:net';
import { createTestDatabase, type TestDatabase } from '@defi-realtime/db/testing';
import { rawHttpRequest } from '@defi-realtime/runtime/testing';
import type { ApiApp } from '@defi-realtime/runtime';
import { getJson, routesApp } from '../support/app';
import { LlamaChart, LlamaPercentage, LlamaPrices } from '../support/defillama-shapes';
import { DAY, HOUR, insertPrices, upsertTokens } from '../support/rows';
import { START_TEST_TIMEOUT_MS } from '@defi-realtime/runtime/testing';

const T = Date.UTC(2025, 0, 15, 12, 0, 0);
const sec = (ms: number) => ms / 1000;
const ETH = 'coingecko:ethereum';
const USDC = 'ethereum:0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48';
const USDC_AS_SENT = 'ethereum:0xA0b86991c6218b36c1d19d4a2e9eb0ce3606eB48';

describe.each(['pglite', 'postgres'] as const)('DefiLlama coins endpoints on %s', (kind) => {
  let t: TestDatabase;
  let app: ApiApp;

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    await upsertTokens(t.db, [
      { id: ETH, symbol: 'ETH', decimals: 18 },
      { id: USDC, symbol: 'USDC', decimals: 6 },
      { id: 'coingecko:bitcoin', symbol: 'BTC', decimals: 8 },
    ]);
    await insertPrices(t.db, [
      { token: ETH, at: T - 2 * DAY, price: 3000, confidence: 0.99 },
      { token: ETH, at: T - DAY, price: 3100, confidence: 0.99 },
      { token: ETH, at: T - 12 * HOUR, price: 3200, confidence: 0.99 },
      { token: ETH, at: T - HOUR, price: 3250, confidence: 0.99 },
      { token: ETH, at: T - 60_000, price: 3300, confidence: 0.98 },
      { token: USDC, at: T - 10 * 60_000, price: 0.9998, confidence: 0.99 },
      { token: 'coingecko:bitcoin', at: T - 8 * HOUR, price: 95_000 },
      { token: 'coingecko:no-metadata', at: T, price: 1.5 },
    ]);
    app = await routesApp(t.db, T);
  }, START_TEST_TIMEOUT_MS);
  afterAll(async () => {
    await app?.close();
    await t?.cleanup();
  });

  describe('GET /prices/current/:coins', () => {
    it("answers in DefiLlama's shape, keys echoing the ids as sent; stale and unknown coins are left out", async () => {
      const { status, body } = await getJson(
        app,
        `/prices/current/${ETH},${USDC_AS_SENT},coingecko:bitcoin,coingecko:unknown,coingecko:no-metadata`,
      );
      expect(status).toBe(200);
      expect(LlamaPrices.parse(body)).toEqual({
        coins: {
          [ETH]: { price: 3300, symbol: 'ETH', timestamp: sec(T - 60_000), decimals: 18, confidence: 0.98 },
          [USDC_AS_SENT]: {
            price: 0.9998,
            symbol: 'USDC',
            timestamp: sec(T - 10 * 60_000),
            decimals: 6,
            confidence: 0.99,
          },
          'coingecko:no-metadata': { price: 1.5, symbol: '', timestamp: sec(T) },
        },
      });
    });

    it.each(['12h', '43200', '1d'])('takes searchWidth as DefiLlama does (%s)', async (width) => {
      const { body } = await getJson(app, `/prices/current/coingecko:bitcoin?searchWidth=${width}`);
      expect(body).toEqual({
        coins: { 'coingecko:bitcoin': { price: 95_000, symbol: 'BTC', timestamp: sec(T - 8 * HOUR), decimals: 8 } },
      });
    });
  });

  describe('GET /prices/historical/:timestamp/:coins', () => {
    it('gives the point nearest to the time within the search width', async () => {
      const at = sec(T - DAY - 3 * HOUR);
      const { status, body } = await getJson(app, `/prices/historical/${at}/${ETH},coingecko:unknown`);
      expect(status).toBe(200);
      expect(LlamaPrices.parse(body)).toEqual({
        coins: { [ETH]: { price: 3100, symbol: 'ETH', timestamp: sec(T - DAY), decimals: 18, confidence: 0.99 } },
      });
      expect((await getJson(app, `/prices/historical/${at}/${ETH}?searchWidth=1h`)).body).toEqual({ coins: {} });
    });
  });

  describe('GET /chart/:coins', () => {
    it('walks forward from start every period, oldest first', async () => {
      const { status, body } = await getJson(app, `/chart/${ETH}?start=${sec(T - 2 * DAY)}&span=3&period=1d`);
      expect(status).toBe(200);
      expect(LlamaChart.parse(body)).toEqual({
        coins: {
          [ETH]: {
            symbol: 'ETH',
            confidence: 0.98,
            decimals: 18,
            prices: [
              { timestamp: sec(T - 2 * DAY), price: 3000 },
              { timestamp: sec(T - DAY), price: 3100 },
              { timestamp: sec(T - 60_000), price: 3300 },
            ],
          },
        },
      });
    });

    it('walks back span points from end, and gives the latest point with no parameters', async () => {
      const back = (await getJson(app, `/chart/${ETH}?end=${sec(T)}&span=2&period=12h`)).body as {
        coins: Record<string, { prices: unknown[] }>;
      };
      expect(back.coins[ETH]?.prices).toEqual([
        { timestamp: sec(T - 12 * HOUR), price: 3200 },
        { timestamp: sec(T - 60_000), price: 3300 },
      ]);
      const latest = (await getJson(app, `/chart/${USDC_AS_SENT}`)).body as {
        coins: Record<string, { prices: unknown[] }>;
      };
      expect(latest.coins[USDC_AS_SENT]?.prices).toEqual([{ timestamp: sec(T - 10 * 60_000), price: 0.9998 }]);
    });

    it('names query.span when coins x points pass 10,000, and query.end when it is before start', async () => {
      const coins = Array.from({ length: 100 }, (_, i) => `coingecko:c${i}`).join(',');
      expect(await getJson(app, `/chart/${coins}?span=101`)).toEqual({
        status: 400,
        body: expect.objectContaining({ code: 'BAD_REQUEST', field: 'query.span' }),
      });
      expect(await getJson(app, `/chart/${ETH}?start=${sec(T)}&end=${sec(T - DAY)}`)).toEqual({
        status: 400,
        body: expect.objectContaining({ field: 'query.end' }),
      });
    });
  });

  describe('GET /percentage/:coins', () => {
    it('gives the change over the last day by default, scaled to the period as DefiLlama does', async () => {
      const { status, body } = await getJson(app, `/percentage/${ETH},coingecko:unknown`);
      expect(status).toBe(200);
      const { coins } = LlamaPercentage.parse(body);
      expect(Object.keys(coins)).toEqual([ETH]);
      expect(coins[ETH]).toBeCloseTo(((3300 - 3100) / 3100) * 100 * (86_400 / (86_400 - 60)), 10);
    });

    it('looks forward from timestamp, over the period asked', async () => {
      const forward = LlamaPercentage.parse(
        (await getJson(app, `/percentage/${ETH}?timestamp=${sec(T - 2 * DAY)}&lookForward=true`)).body,
      );
      expect(forward.coins[ETH]).toBeCloseTo((100 / 3000) * 100, 10);
      const halfDay = LlamaPercentage.parse((await getJson(app, `/percentage/${ETH}?period=12h`)).body);
      expect(halfDay.coins[ETH]).toBeCloseTo((100 / 3200) * 100 * (43_200 / (43_200 - 60)), 10);
    });
  });

  describe('validation', () => {
    const many = Array.from({ length: 101 }, (_, i) => `coingecko:c${i}`).join(',');
    it.each([
      ['/prices/current/not-a-token', 'params.coins.0'],
      [`/prices/current/${ETH},ethereum:`, 'params.coins.1'],
      [`/prices/current/${many}`, 'params.coins'],
      [`/prices/current/${ETH}?searchWidth=4x`, 'query.searchWidth'],
      [`/prices/historical/yesterday/${ETH}`, 'params.timestamp'],
      [`/prices/historical/${T}/${ETH}`, 'params.timestamp'], // milliseconds, not seconds
      [`/chart/${ETH}?span=0`, 'query.span'],
      [`/chart/${ETH}?period=soon`, 'query.period'],
      [`/chart/${ETH}?start=12`, 'query.start'],
      [`/percentage/${ETH}?lookForward=maybe`, 'query.lookForward'],
    ])('GET %s is a 400 naming %s', async (url, field) => {
      const { status, body } = await getJson(app, url);
      expect(status).toBe(400);
      expect(body).toEqual({ code: 'BAD_REQUEST', field, message: expect.stringContaining(`${field}: `) });
    });
  });

  describe('long coin lists, over a real socket (the HTTP server refuses some before any route)', () => {
    /** `count` distinct ids of the longest kind, `polygon_zkevm:0x<40 hex>` (56 characters). */
    const longIds = (count: number) =>
      Array.from({ length: count }, (_, i) => `polygon_zkevm:0x${i.toString(16).padStart(40, '0')}`).join(',');
    const request = async (path: string) => {
      if (!app.server.listening) await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as AddressInfo;
      const res = await rawHttpRequest(
        `http://127.0.0.1:${port}`,
        `GET ${path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n`,
      );
      return { status: res.status, body: JSON.parse(res.body) as unknown };
    };

    it('answers 100 coins of the longest ids (about 5.7 KB of URL)', async () => {
      expect(await request(`/prices/current/${longIds(100)}`)).toEqual({ status: 200, body: { coins: {} } });
    });

    it('refuses 250 coins (about 14 KB of URL) by the coins schema, naming params.coins', async () => {
      expect(await request(`/prices/current/${longIds(250)}`)).toEqual({
        status: 400,
        body: {
          code: 'BAD_REQUEST',
          field: 'params.coins',
          message: 'params.coins: expected at most 100 coins per request',
        },
      });
    });

    it('refuses 5,000 coins with 431 HEADERS_TOO_LARGE in the registry shape', async () => {
      expect(await request(`/prices/current/${longIds(5_000)}`)).toEqual({
        status: 431,
        body: {
          code: 'HEADERS_TOO_LARGE',
          message: expect.stringMatching(
            /^the request line and headers are larger than 16 KiB: shorten the URL \(split a long list, such as coins/,
          ),
        },
      });
    });
  });
});

/*
 * Run-time half of the check against DefiLlama's own TypeScript SDK (@defillama/api): real
 * answers of every DefiLlama-compatible endpoint, from seeded rows that leave metadata out
 * (no logo, category, chain, symbol, decimals or confidence), checked field by field against
 * the type the SDK declares for the method that calls that endpoint. The compile-time half
 * is answers-assignable.ts.
 */
import { createTestDatabase, type TestDatabase } from '@defi-realtime/db/testing';
import type { ApiApp } from '@defi-realtime/runtime';
import { refreshReferenceValues } from '../../src/data';
import { getJson, routesApp } from '../support/app';
import { DAY, HOUR, insertPrices, insertTvl, upsertProtocols, upsertTokens } from '../support/rows';
import { SdkTypes } from './sdk-types';

const T = Date.UTC(2025, 0, 15, 12, 0, 0);
const ETH = 'coingecko:ethereum';
const BARE_TOKEN = 'coingecko:no-metadata';
const COINS = `${ETH},${BARE_TOKEN}`;

const sdk = new SdkTypes();

/** Each endpoint with the SDK method (module, method, overload) that calls it. */
const ENDPOINTS: Array<[url: string, module: string, method: string, overload: number]> = [
  ['/protocols', 'TvlModule', 'getProtocols', 0],
  ['/protocol/aave-v3', 'TvlModule', 'getProtocol', 0],
  ['/protocol/bare', 'TvlModule', 'getProtocol', 0],
  ['/tvl/bare', 'TvlModule', 'getTvl', 0],
  ['/v2/chains', 'TvlModule', 'getChains', 0],
  ['/v2/historicalChainTvl', 'TvlModule', 'getHistoricalChainTvl', 0],
  ['/v2/historicalChainTvl/Ethereum', 'TvlModule', 'getHistoricalChainTvl', 1],
  [`/prices/current/${COINS}`, 'PricesModule', 'getCurrentPrices', 0],
  [`/prices/historical/${(T - HOUR) / 1000}/${COINS}`, 'PricesModule', 'getHistoricalPrices', 0],
  [`/chart/${COINS}?start=${(T - DAY) / 1000}&span=3&period=6h`, 'PricesModule', 'getChart', 0],
  [`/percentage/${COINS}?period=1d`, 'PricesModule', 'getPercentageChange', 0],
];

describe(`the type checker for @defillama/api ${sdk.version}`, () => {
  it('finds a null where the SDK declares an optional string, and a missing required field', () => {
    const [protocol] = sdk.problems(sdk.answerOf('TvlModule', 'getProtocols'), [
      {
        id: 'x',
        name: 'X',
        symbol: '-',
        url: '',
        chain: '',
        category: '',
        chains: [],
        slug: 'x',
        tvl: 1,
        chainTvls: {},
        logo: null,
      },
    ]);
    expect(protocol).toBe('$[0].logo: null where the SDK declares string | undefined');
    expect(
      sdk.problems(sdk.answerOf('TvlModule', 'getChains'), [{ gecko_id: null, tvl: 1, tokenSymbol: null, name: 'X' }]),
    ).toEqual(['$[0].cmcId: missing where the SDK declares string | null']);
  });
});

describe.each(['pglite', 'postgres'] as const)(
  "DefiLlama-compatible answers on %s, against @defillama/api's declared types",
  (kind) => {
    let t: TestDatabase;
    let app: ApiApp;

    beforeAll(async () => {
      t = await createTestDatabase(kind);
      await upsertProtocols(t.db, [
        {
          id: 'aave-v3',
          name: 'Aave V3',
          symbol: 'AAVE',
          category: 'Lending',
          chains: ['ethereum', 'arbitrum'],
          url: 'https://aave.com',
          listedAt: Date.UTC(2022, 2, 16),
        },
        { id: 'bare', name: 'Bare' }, // no symbol, category, chains, url, logo: a total TVL only
      ]);
      await t.db.query(`UPDATE protocols SET logo = 'https://icons.llama.fi/aave-v3.png' WHERE id = 'aave-v3'`);
      await insertTvl(t.db, [
        { protocol: 'aave-v3', at: T - DAY, tvl: 100 },
        { protocol: 'aave-v3', at: T, tvl: 110 },
        { protocol: 'aave-v3', chain: 'ethereum', at: T, tvl: 80 },
        { protocol: 'aave-v3', chain: 'arbitrum', at: T, tvl: 30 },
        { protocol: 'bare', at: T, tvl: 5 },
      ]);
      await upsertTokens(t.db, [{ id: ETH, symbol: 'ETH', decimals: 18 }]);
      await insertPrices(t.db, [
        { token: ETH, at: T - DAY, price: 3100, confidence: 0.99 },
        { token: ETH, at: T - HOUR, price: 3300, confidence: 0.98 },
        { token: BARE_TOKEN, at: T - DAY, price: 1.4 },
        { token: BARE_TOKEN, at: T - HOUR, price: 1.5 },
      ]);
      await refreshReferenceValues(t.db);
      app = await routesApp(t.db, T);
    }, 60_000);
    afterAll(async () => {
      await app?.close();
      await t?.cleanup();
    });

    it.each(ENDPOINTS)('GET %s answers what %s.%s declares', async (url, module, method, overload) => {
      const { status, body } = await getJson(app, url);
      expect(status).toBe(200);
      expect(body).not.toEqual([]); // something to check
      expect(sdk.problems(sdk.answerOf(module, method, overload), body)).toEqual([]);
    });

    it('leaves an unknown logo out and gives strings where the SDK requires them', async () => {
      const protocols = (await getJson(app, '/protocols')).body as Array<Record<string, unknown>>;
      const bare = protocols.find((p) => p.slug === 'bare');
      expect(bare).not.toHaveProperty('logo');
      expect(bare).toMatchObject({ chain: '', category: '', url: '', symbol: '-' });
      expect(protocols.find((p) => p.slug === 'aave-v3')).toMatchObject({
        logo: 'https://icons.llama.fi/aave-v3.png',
        chain: 'Multi-Chain',
        category: 'Lending',
      });
    });
  },
);

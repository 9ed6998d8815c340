import { createTestDatabase, type TestDatabase } from '@defi-realtime/db/testing';
import type { ApiApp } from '@defi-realtime/runtime';
import { refreshReferenceValues } from '../../src/data';
import { getJson, routesApp } from '../support/app';
import {
  LlamaChains,
  LlamaHistoricalChainTvl,
  LlamaProtocol,
  LlamaProtocols,
  LlamaTvl,
} from '../support/defillama-shapes';
import { DAY, HOUR, insertTvl, upsertProtocols } from '../support/rows';
import { START_TEST_TIMEOUT_MS } from '@defi-realtime/runtime/testing';

const T = Date.UTC(2025, 0, 15, 12, 0, 0);
const JAN13 = Date.UTC(2025, 0, 13) / 1000;
const JAN14 = Date.UTC(2025, 0, 14) / 1000;
const JAN15 = Date.UTC(2025, 0, 15) / 1000;

describe.each(['pglite', 'postgres'] as const)('DefiLlama TVL endpoints on %s', (kind) => {
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
      { id: 'lido', name: 'Lido', symbol: 'LDO', category: 'Liquid Staking', chains: ['ethereum'] },
      { id: 'uniswap-v3', name: 'Uniswap V3', symbol: 'UNI', category: 'Dexs', chains: ['ethereum', 'base'] },
      {
        id: 'old-dex',
        name: 'Old DEX',
        category: 'Dexs',
        listedAt: Date.UTC(2021, 0, 1),
        delistedAt: Date.UTC(2024, 0, 1),
      },
    ]);
    await insertTvl(t.db, [
      { protocol: 'aave-v3', at: Date.UTC(2025, 0, 13, 10), tvl: 90 },
      { protocol: 'aave-v3', at: T - DAY - HOUR / 2, tvl: 100 },
      { protocol: 'aave-v3', at: Date.UTC(2025, 0, 14, 23), tvl: 95 },
      { protocol: 'aave-v3', at: T, tvl: 110 },
      { protocol: 'aave-v3', chain: 'ethereum', at: T - DAY, tvl: 60 },
      { protocol: 'aave-v3', chain: 'ethereum', at: T, tvl: 80 },
      { protocol: 'aave-v3', chain: 'arbitrum', at: T, tvl: 30 },
      { protocol: 'lido', at: T - DAY, tvl: 190 },
      { protocol: 'lido', at: T, tvl: 200 },
      { protocol: 'lido', chain: 'ethereum', at: Date.UTC(2025, 0, 13, 12), tvl: 180 }, // nothing on Jan 14: carried forward
      { protocol: 'lido', chain: 'ethereum', at: T, tvl: 200 },
      { protocol: 'uniswap-v3', chain: 'ethereum', at: T, tvl: 40 }, // no total: the sum of its chains
      { protocol: 'uniswap-v3', chain: 'base', at: T, tvl: 10 },
      { protocol: 'old-dex', at: T, tvl: 1_000 },
      { protocol: 'old-dex', chain: 'ethereum', at: T, tvl: 1_000 },
    ]);
    await refreshReferenceValues(t.db);
    app = await routesApp(t.db, T);
  }, START_TEST_TIMEOUT_MS);
  afterAll(async () => {
    await app?.close();
    await t?.cleanup();
  });

  describe('GET /protocols', () => {
    it("answers in DefiLlama's shape, largest TVL first, without delisted protocols", async () => {
      const { status, body } = await getJson(app, '/protocols');
      expect(status).toBe(200);
      const protocols = LlamaProtocols.parse(body);
      expect(protocols.map((p) => [p.slug, p.tvl])).toEqual([
        ['lido', 200],
        ['aave-v3', 110],
        ['uniswap-v3', 50],
      ]);
    });

    it('gives chains as display names by TVL, chain or Multi-Chain, per-chain TVL and changes in percent', async () => {
      const protocols = LlamaProtocols.parse((await getJson(app, '/protocols')).body);
      expect(protocols.find((p) => p.slug === 'aave-v3')).toMatchObject({
        id: 'aave-v3',
        name: 'Aave V3',
        symbol: 'AAVE',
        category: 'Lending',
        url: 'https://aave.com',
        chain: 'Multi-Chain',
        chains: ['Ethereum', 'Arbitrum'],
        chainTvls: { Ethereum: 80, Arbitrum: 30 },
        change_1d: expect.closeTo(10, 10),
        change_1h: null,
        change_7d: null,
        listedAt: Date.UTC(2022, 2, 16) / 1000,
      });
      expect(protocols.find((p) => p.slug === 'lido')).toMatchObject({
        chain: 'Ethereum',
        chains: ['Ethereum'],
        change_1d: expect.closeTo(((200 - 190) / 190) * 100, 10),
      });
      expect(protocols.find((p) => p.slug === 'uniswap-v3')).toMatchObject({
        chainTvls: { Ethereum: 40, Base: 10 },
        chains: ['Ethereum', 'Base'],
        change_1d: null,
      });
    });
  });

  describe('GET /protocol/:slug', () => {
    it("gives metadata, the daily total (each UTC day's last value), per-chain series and current per-chain TVL", async () => {
      const { status, body } = await getJson(app, '/protocol/aave-v3');
      expect(status).toBe(200);
      const protocol = LlamaProtocol.parse(body);
      expect(protocol).toMatchObject({
        id: 'aave-v3',
        name: 'Aave V3',
        chains: ['Ethereum', 'Arbitrum'],
        currentChainTvls: { Ethereum: 80, Arbitrum: 30 },
      });
      expect(protocol.tvl).toEqual([
        { date: JAN13, totalLiquidityUSD: 90 },
        { date: JAN14, totalLiquidityUSD: 95 },
        { date: JAN15, totalLiquidityUSD: 110 },
      ]);
      expect(protocol.chainTvls.Ethereum?.tvl).toEqual([
        { date: JAN14, totalLiquidityUSD: 60 },
        { date: JAN15, totalLiquidityUSD: 80 },
      ]);
      expect(protocol.chainTvls.Arbitrum?.tvl).toEqual([{ date: JAN15, totalLiquidityUSD: 30 }]);
    });

    it('sums the chains into the total series of a protocol that reports no total', async () => {
      const protocol = LlamaProtocol.parse((await getJson(app, '/protocol/uniswap-v3')).body);
      expect(protocol.tvl).toEqual([{ date: JAN15, totalLiquidityUSD: 50 }]);
    });

    it.each(['/protocol/no-such-protocol', '/protocol/old-dex'])(
      "GET %s is a 404 in DefiLlama's manner",
      async (url) => {
        expect(await getJson(app, url)).toEqual({
          status: 404,
          body: { code: 'NOT_FOUND', message: 'Protocol not found' },
        });
      },
    );
  });

  describe('GET /tvl/:slug', () => {
    it('is a bare number, the slug in any case', async () => {
      const res = await app.inject('/tvl/AAVE-V3');
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe('110');
      expect(LlamaTvl.parse(res.json())).toBe(110);
      expect((await getJson(app, '/tvl/uniswap-v3')).body).toBe(50);
    });

    it('is a 404 for an unknown protocol and a 400 naming params.slug for a malformed one', async () => {
      expect(await getJson(app, '/tvl/nope')).toEqual({
        status: 404,
        body: { code: 'NOT_FOUND', message: 'Protocol not found' },
      });
      const bad = await getJson(app, '/tvl/not%20a%20slug!');
      expect(bad).toEqual({
        status: 400,
        body: expect.objectContaining({ code: 'BAD_REQUEST', field: 'params.slug' }),
      });
    });
  });

  describe('GET /v2/chains', () => {
    it('sums the current TVL of listed protocols per chain, with real chain metadata', async () => {
      const { status, body } = await getJson(app, '/v2/chains');
      expect(status).toBe(200);
      expect(LlamaChains.parse(body)).toEqual([
        { gecko_id: 'ethereum', tvl: 320, tokenSymbol: 'ETH', cmcId: '1027', name: 'Ethereum', chainId: 1 },
        { gecko_id: 'arbitrum', tvl: 30, tokenSymbol: 'ARB', cmcId: '11841', name: 'Arbitrum', chainId: 42161 },
        { gecko_id: null, tvl: 10, tokenSymbol: null, cmcId: null, name: 'Base', chainId: 8453 },
      ]);
    });
  });

  describe('GET /v2/historicalChainTvl[/:chain]', () => {
    it('gives daily totals dated 00:00 UTC in unix seconds', async () => {
      const { status, body } = await getJson(app, '/v2/historicalChainTvl');
      expect(status).toBe(200);
      expect(LlamaHistoricalChainTvl.parse(body)).toEqual([
        { date: JAN13, tvl: 90 },
        { date: JAN14, tvl: 95 + 190 },
        { date: JAN15, tvl: 110 + 200 },
      ]);
    });

    it.each(['Ethereum', 'ethereum', 'ETHEREUM'])(
      "takes the chain as DefiLlama spells it (%s), carrying a protocol's last value over days without one",
      async (chain) => {
        const { status, body } = await getJson(app, `/v2/historicalChainTvl/${chain}`);
        expect(status).toBe(200);
        expect(LlamaHistoricalChainTvl.parse(body)).toEqual([
          { date: JAN13, tvl: 180 },
          { date: JAN14, tvl: 60 + 180 },
          { date: JAN15, tvl: 80 + 200 + 40 },
        ]);
      },
    );

    it('knows display names that are not keys (Avalanche = avax)', async () => {
      await insertTvl(t.db, [{ protocol: 'aave-v3', chain: 'avax', at: T, tvl: 7 }]);
      expect((await getJson(app, '/v2/historicalChainTvl/Avalanche')).body).toEqual([{ date: JAN15, tvl: 7 }]);
    });

    it('is a 404 for a chain without data and a 400 naming params.chain for a malformed one', async () => {
      expect(await getJson(app, '/v2/historicalChainTvl/OP%20Mainnet')).toEqual({
        status: 404,
        body: { code: 'NOT_FOUND', message: 'Chain not found' },
      });
      expect(await getJson(app, '/v2/historicalChainTvl/%24%24%24')).toEqual({
        status: 400,
        body: expect.objectContaining({ field: 'params.chain' }),
      });
    });
  });

  it('lists a protocol known only from its points under its slug', async () => {
    await insertTvl(t.db, [{ protocol: 'fresh-protocol', chain: 'ethereum', at: T, tvl: 5 }]);
    const protocols = (await getJson(app, '/protocols')).body as Array<{
      slug: string;
      name: string;
      chains: string[];
      category: string;
    }>;
    expect(protocols.find((p) => p.slug === 'fresh-protocol')).toMatchObject({
      name: 'fresh-protocol',
      chains: ['Ethereum'],
      category: '',
    });
  });
});

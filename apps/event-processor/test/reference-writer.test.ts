import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestDatabase, type TestDatabase } from '@defi-realtime/db/testing';
import { PROTOCOLS, TOKENS } from '@defi-realtime/fixtures';
import { createLogger } from '@defi-realtime/runtime';
import { START_TEST_TIMEOUT_MS } from '@defi-realtime/runtime/testing';
import { DefiLlamaPoller } from '../src/sources/defillama-poller';
import { Simulator } from '../src/sources/simulator';
import { ReferenceWriter } from '../src/storage/reference-writer';

const logger = createLogger('test', 'silent');

describe.each(['pglite', 'postgres'] as const)('reference data on %s', (kind) => {
  let t: TestDatabase;
  let writer: ReferenceWriter;

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    writer = new ReferenceWriter(t.db);
  }, START_TEST_TIMEOUT_MS);
  afterAll(() => t?.cleanup());

  const protocol = async (id: string) =>
    (
      await t.db.query(
        'SELECT name, symbol, category, chains, url, logo, gecko_id, listed_at, delisted_at, metadata FROM protocols WHERE id = $1',
        [id],
      )
    ).rows[0];
  const token = async (id: string) =>
    (await t.db.query('SELECT symbol, name, chain, decimals, coingecko_id FROM tokens WHERE id = $1', [id])).rows[0];

  it("the simulator's start fills tokens and protocols from its fixtures, before its first tick", async () => {
    const batches: number[] = [];
    const simulator = new Simulator(async (records) => batches.push(records.length), logger, {
      intervalMs: 60_000,
      seed: 1,
      reference: writer,
    });
    simulator.start();
    await simulator.stop();
    const tokens = await t.db.query<{ id: string }>('SELECT id FROM tokens ORDER BY id');
    expect(tokens.rows.map((r) => r.id)).toEqual(TOKENS.map((tk) => tk.id).sort());
    const protocols = await t.db.query<{ id: string }>('SELECT id FROM protocols ORDER BY id');
    expect(protocols.rows.map((r) => r.id)).toEqual(PROTOCOLS.map((p) => p.id).sort());
    expect(await protocol('aave-v3')).toMatchObject({
      name: 'Aave V3',
      symbol: 'AAVE',
      category: 'Lending',
      chains: ['arbitrum', 'avax', 'base', 'ethereum', 'polygon'],
    });
    expect(await token('coingecko:ethereum')).toEqual({
      symbol: 'ETH',
      name: null,
      chain: 'ethereum',
      decimals: 18,
      coingecko_id: 'ethereum',
    });
    expect(batches).toEqual([]);
  });

  it('writes nothing when nothing changed, and keeps fields a source leaves out', async () => {
    expect(await writer.writeTokens([{ id: 'coingecko:ethereum', symbol: 'ETH' }])).toBe(0);
    expect(await writer.writeProtocols([{ id: 'aave-v3', name: 'Aave V3' }])).toBe(0);
    expect(await writer.writeTokens([{ id: 'coingecko:ethereum', symbol: 'WETH', name: 'Ether' }])).toBe(1);
    expect(await token('coingecko:ethereum')).toEqual({
      symbol: 'WETH',
      name: 'Ether',
      chain: 'ethereum',
      decimals: 18,
      coingecko_id: 'ethereum',
    });
  });

  it('relists a delisted protocol a source lists again, and merges metadata', async () => {
    await t.db.query("UPDATE protocols SET delisted_at = now(), metadata = '{\"kept\": true}' WHERE id = 'lido'");
    expect(await writer.writeProtocols([{ id: 'lido', name: 'Lido', metadata: { twitter: 'LidoFinance' } }])).toBe(1);
    expect(await protocol('lido')).toMatchObject({
      delisted_at: null,
      chains: ['ethereum'],
      metadata: { kept: true, twitter: 'LidoFinance' },
    });
  });

  it('takes a token without a symbol only as an update of a stored one, and names a protocol without relisting it', async () => {
    expect(await writer.writeTokens([{ id: 'coingecko:unknown-coin', decimals: 6 }])).toBe(0);
    expect(await token('coingecko:unknown-coin')).toBeUndefined();
    expect(await writer.writeTokens([{ id: 'coingecko:ethereum', decimals: 8 }])).toBe(1);
    expect(await token('coingecko:ethereum')).toEqual({
      symbol: 'WETH',
      name: 'Ether',
      chain: 'ethereum',
      decimals: 8,
      coingecko_id: 'ethereum',
    });
    await t.db.query("UPDATE protocols SET delisted_at = now() WHERE id = 'lido'");
    expect(
      await writer.writeProtocolNames([
        { id: 'lido', name: 'Lido Finance' },
        { id: 'fresh-protocol', name: 'Fresh' },
      ]),
    ).toBe(2);
    expect(await writer.writeProtocolNames([{ id: 'lido', name: 'Lido Finance' }])).toBe(0);
    expect(await protocol('lido')).toMatchObject({
      name: 'Lido Finance',
      delisted_at: expect.any(Date),
      chains: ['ethereum'],
    });
    expect(await protocol('fresh-protocol')).toMatchObject({ name: 'Fresh', chains: [], delisted_at: null });
  });

  describe('the DefiLlama poller', () => {
    let server: Server;
    let base: string;
    beforeAll(async () => {
      const protocols = [
        {
          id: '1599',
          name: 'Aave V3',
          address: null,
          symbol: 'AAVE',
          url: 'https://aave.com',
          description: 'Lending protocol',
          chain: 'Multi-Chain',
          logo: 'https://icons.llama.fi/aave-v3.png',
          audits: '2',
          gecko_id: null,
          cmcId: null,
          category: 'Lending',
          chains: ['Ethereum', 'Arbitrum', 'Avalanche', 'Sonic'],
          twitter: 'aave',
          listedAt: 1_647_475_200,
          slug: 'aave-v3',
          tvl: 26e9,
          change_1d: -0.5,
          chainTvls: { Ethereum: 24e9, Arbitrum: 1.2e9, Avalanche: 0.8e9, 'Ethereum-borrowed': 15e9, borrowed: 16e9 },
        },
        {
          id: '5000',
          name: 'New Perp DEX',
          symbol: '-',
          category: null,
          chains: ['Hyperliquid L1'],
          slug: 'new-perp-dex',
          tvl: 5e6,
          chainTvls: { 'Hyperliquid L1': 5e6 },
        },
      ];
      const prices = {
        coins: {
          'coingecko:hyperliquid': { price: 30, symbol: 'HYPE', timestamp: 1_795_300_000, confidence: 0.99 },
          'bsc:0x55d398326f99059ff775485246999027b3197955': {
            decimals: 18,
            symbol: 'USDT',
            price: 1,
            timestamp: 1_795_300_000,
            confidence: 0.99,
          },
        },
      };
      server = createServer((req, res) => {
        const body =
          req.url === '/protocols' ? protocols : req.url?.startsWith('/prices/current/') ? prices : undefined;
        if (!body) return void res.writeHead(404).end();
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));

    it('stores the listings of /protocols and the symbols and decimals of /prices/current', async () => {
      const poller = new DefiLlamaPoller(
        {
          apiUrl: base,
          coinsUrl: base,
          coins: ['coingecko:hyperliquid', 'bsc:0x55d398326f99059ff775485246999027b3197955'],
          intervalMs: 60_000,
          reference: writer,
        },
        async () => undefined,
        logger,
      );
      await poller.pollOnce(1_795_300_000_000);
      expect(await protocol('aave-v3')).toEqual({
        name: 'Aave V3',
        symbol: 'AAVE',
        category: 'Lending',
        chains: ['arbitrum', 'avax', 'ethereum', 'sonic'],
        url: 'https://aave.com',
        logo: 'https://icons.llama.fi/aave-v3.png',
        gecko_id: null,
        listed_at: new Date(1_647_475_200_000),
        delisted_at: null,
        metadata: { defillamaId: '1599', twitter: 'aave', description: 'Lending protocol' },
      });
      expect(await protocol('new-perp-dex')).toMatchObject({
        name: 'New Perp DEX',
        symbol: null,
        category: null,
        chains: ['hyperliquid_l1'],
      });
      expect(await token('coingecko:hyperliquid')).toEqual({
        symbol: 'HYPE',
        name: null,
        chain: null,
        decimals: null,
        coingecko_id: 'hyperliquid',
      });
      expect(await token('bsc:0x55d398326f99059ff775485246999027b3197955')).toEqual({
        symbol: 'USDT',
        name: null,
        chain: 'bsc',
        decimals: 18,
        coingecko_id: null,
      });
    });
  });
});

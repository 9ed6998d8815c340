import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@defi-realtime/runtime';
import type { ObservationRecord } from '../src/pipeline/records';
import { DefiLlamaPoller } from '../src/sources/defillama-poller';

/** Responses in DefiLlama's shapes (trimmed copies of real ones: extra fields kept to prove they are ignored). */
const PROTOCOLS = [
  {
    id: '1599',
    name: 'Aave V3',
    address: null,
    symbol: 'AAVE',
    url: 'https://aave.com',
    category: 'Lending',
    chains: ['Ethereum', 'Arbitrum', 'Avalanche'],
    slug: 'aave-v3',
    tvl: 26_000_000_000,
    change_1h: 0.1,
    change_1d: -0.5,
    change_7d: 2.1,
    chainTvls: {
      Ethereum: 24_000_000_000,
      Arbitrum: 1_200_000_000,
      Avalanche: 800_000_000,
      'Ethereum-borrowed': 15_000_000_000,
      borrowed: 16_000_000_000,
    },
  },
  {
    id: '182',
    name: 'Lido',
    category: 'Liquid Staking',
    chains: ['Ethereum'],
    slug: 'lido',
    tvl: 28_000_000_000,
    chainTvls: { Ethereum: 28_000_000_000 },
  },
  { id: '9999', name: 'Broken', slug: 'Not A Slug!', tvl: 5 },
];
const PRICES = {
  coins: {
    'coingecko:ethereum': { price: 3312.55, symbol: 'ETH', timestamp: 1_795_300_000, confidence: 0.99 },
    'ethereum:0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48': {
      decimals: 6,
      symbol: 'USDC',
      price: 0.9998,
      timestamp: 1_795_300_001,
      confidence: 0.99,
    },
  },
};

describe('DefiLlama poller against a local server in DefiLlama shapes', () => {
  let server: Server;
  let base: string;
  const requests: string[] = [];
  let failProtocols = false;
  let extraCoins: Record<string, unknown> = {};

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      if (req.url === '/protocols') {
        if (failProtocols) return void res.writeHead(502).end('bad gateway');
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(PROTOCOLS));
      }
      if (req.url?.startsWith('/prices/current/')) {
        return void res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ coins: { ...PRICES.coins, ...extraCoins } }));
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  const poller = (emit: (records: ObservationRecord[]) => Promise<unknown>) =>
    new DefiLlamaPoller(
      {
        apiUrl: base,
        coinsUrl: base,
        coins: ['coingecko:ethereum', 'ethereum:0xA0b86991c6218b36c1d19d4a2e9eb0ce3606eb48'],
        intervalMs: 60_000,
      },
      emit,
      createLogger('test', 'silent'),
    );

  it('turns /protocols and /prices/current into observations with our ids', async () => {
    let records: ObservationRecord[] = [];
    const counts = await poller(async (r) => (records = r)).pollOnce(1_795_300_000_000);
    expect(counts).toEqual({ tvl: 6, prices: 2 });
    expect(requests).toContain(
      '/prices/current/coingecko:ethereum,ethereum:0xA0b86991c6218b36c1d19d4a2e9eb0ce3606eb48',
    );
    // Chain display names become chain keys; breakdowns (borrowed, staking) and bad slugs are skipped.
    expect(records.filter((r) => r.kind === 'tvl')).toEqual([
      expect.objectContaining({
        protocolId: 'aave-v3',
        name: 'Aave V3',
        tvl: 26_000_000_000,
        timestamp: 1_795_300_000_000,
      }),
      expect.objectContaining({ protocolId: 'aave-v3', chain: 'ethereum', tvl: 24_000_000_000 }),
      expect.objectContaining({ protocolId: 'aave-v3', chain: 'arbitrum', tvl: 1_200_000_000 }),
      expect.objectContaining({ protocolId: 'aave-v3', chain: 'avax', tvl: 800_000_000 }),
      expect.objectContaining({ protocolId: 'lido', tvl: 28_000_000_000 }),
      expect.objectContaining({ protocolId: 'lido', chain: 'ethereum', tvl: 28_000_000_000 }),
    ]);
    expect(records.filter((r) => r.kind === 'price')).toEqual([
      expect.objectContaining({
        tokenId: 'coingecko:ethereum',
        price: 3312.55,
        symbol: 'ETH',
        timestamp: 1_795_300_000_000,
        origin: 'poller',
      }),
      expect.objectContaining({ tokenId: 'ethereum:0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48', decimals: 6 }),
    ]);
  });

  it('drops a coin stamped 100 years ahead or priced 1e308 (the ingest rules), keeping the others', async () => {
    const nowSeconds = Math.floor(Date.now() / 1000);
    extraCoins = {
      'coingecko:future': { price: 2, symbol: 'FUT', timestamp: nowSeconds + 100 * 365 * 86_400, confidence: 0.9 },
      'coingecko:huge': { price: 1e308, symbol: 'BIG', timestamp: nowSeconds, confidence: 0.9 },
    };
    try {
      let records: ObservationRecord[] = [];
      expect(await poller(async (r) => (records = r)).pollOnce()).toEqual({ tvl: 6, prices: 2 });
      expect(records.filter((r) => r.kind === 'price').map((r) => r.kind === 'price' && r.tokenId)).toEqual([
        'coingecko:ethereum',
        'ethereum:0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48',
      ]);
    } finally {
      extraCoins = {};
    }
  });

  it('reports an upstream failure instead of emitting partial data', async () => {
    failProtocols = true;
    try {
      const emitted: ObservationRecord[][] = [];
      await expect(poller(async (r) => emitted.push(r)).pollOnce()).rejects.toThrow(/answered 502/);
      expect(emitted).toHaveLength(0);
    } finally {
      failProtocols = false;
    }
  });
});

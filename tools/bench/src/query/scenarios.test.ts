import { buildCatalog } from './catalog';
import { pricesPath, protocolQueries, queryPath, uniqueQueryPath } from './scenarios';

const catalog = buildCatalog({ protocols: 5000, tokens: 200, seed: 1 });

describe('pricesPath', () => {
  it('asks for the first n coin ids, comma-separated, as DefiLlama takes them', () => {
    const path = pricesPath(catalog, 50);
    expect(path.startsWith('/prices/current/coingecko:bitcoin,coingecko:ethereum,')).toBe(true);
    const ids = path.slice('/prices/current/'.length).split(',');
    expect(ids).toEqual(catalog.tokens.slice(0, 50).map((t) => t.id));
  });

  it('refuses more coins than the catalog has', () => {
    expect(() => pricesPath(catalog, 201)).toThrow('--coins 201: the catalog has only 200 tokens');
  });
});

describe('protocol queries', () => {
  it('are distinct questions over the chains and categories that hold most protocols', () => {
    const queries = protocolQueries(catalog, 200, 2);
    expect(queries).toHaveLength(200);
    expect(new Set(queries.map((q) => `${q.chain}|${q.category}|${q.sort}|${q.order}`)).size).toBe(200);
    const chains = new Set(queries.flatMap((q) => (q.chain ? [q.chain] : [])));
    expect(chains.has('ethereum')).toBe(true);
    expect(chains.has('kava')).toBe(false);
    expect(queries.some((q) => q.chain === undefined)).toBe(true);
    expect(queries.some((q) => q.category === 'Dexs')).toBe(true);
    expect(queries.filter((q) => q.sort === 'tvl').length).toBeGreaterThan(
      queries.filter((q) => q.sort === 'change_1h').length,
    );
  });

  it('become URLs with every parameter encoded and limit=100', () => {
    const path = queryPath({
      chain: 'ethereum',
      category: 'Liquid Staking',
      minTvl: 1_000_000,
      sort: 'change_1d',
      order: 'desc',
    });
    expect(path).toBe(
      '/v2/query/protocols?chain=ethereum&category=Liquid+Staking&minTvl=1000000&sort=change_1d&order=desc&limit=100',
    );
    const url = new URL(`http://x${path}`);
    expect(url.searchParams.get('category')).toBe('Liquid Staking');
    expect(queryPath({ sort: 'tvl', order: 'asc' })).toBe('/v2/query/protocols?sort=tvl&order=asc&limit=100');
  });

  it('give a URL never seen before for each request of the uncached scenario', () => {
    const queries = protocolQueries(catalog, 200, 2);
    const paths = Array.from({ length: 50_000 }, (_, n) => uniqueQueryPath(queries, n));
    expect(new Set(paths).size).toBe(50_000);
    // Every question comes back in turn, with minTvl barely moved.
    expect(uniqueQueryPath(queries, 200)).toContain(`minTvl=${(queries[0]!.minTvl ?? 0) + 201}`);
  });

  it('refuse to promise more distinct questions than exist', () => {
    expect(() => protocolQueries(catalog, 100_000)).toThrow(/only \d+ distinct protocol queries exist/);
  });
});

import { createTestDatabase, type TestDatabase } from '@defi-realtime/db/testing';
import type { ApiApp } from '@defi-realtime/runtime';
import { encodeCursor, refreshReferenceValues } from '../../src/data';
import { ProtocolQueryAnswerSchema } from '../../src/routes/schemas/advanced';
import { getJson, routesApp } from '../support/app';
import { DAY, insertPrices, insertTvl, upsertProtocols, upsertTokens, type TvlPoint } from '../support/rows';
import { START_TEST_TIMEOUT_MS } from '@defi-realtime/runtime/testing';

const T = Date.UTC(2025, 0, 15, 12, 0, 0);
const CATEGORIES = ['Dexs', 'Lending', 'Yield'];

/** 30 protocols: ties in TVL (i and i + 15), no day-old value for every fifth, p29 delisted. */
const PROTOCOLS = Array.from({ length: 30 }, (_, i) => {
  const tvl = 1_000 + (i % 15) * 100;
  const reference = i % 5 === 0 ? null : 1_000 + ((i * 37) % 29) * 50;
  return {
    id: `p${String(i).padStart(2, '0')}`,
    name: `Protocol ${String.fromCharCode(90 - i)}`, // names sort against ids
    category: CATEGORIES[i % 3]!,
    tvl,
    reference,
    change: reference === null ? null : ((tvl - reference) / reference) * 100,
    arbitrum: i % 2 === 0,
    delisted: i === 29,
  };
});
type Fixture = (typeof PROTOCOLS)[number];
const LISTED = PROTOCOLS.filter((p) => !p.delisted);

/** The order the API must give: by value, then id, in the same direction; change sorts put nulls last, by id. */
function expectedOrder(
  key: (p: Fixture) => number | string | null,
  order: 'asc' | 'desc',
  rows: Fixture[] = LISTED,
): string[] {
  const sign = order === 'asc' ? 1 : -1;
  const withValue = rows.filter((p) => key(p) !== null);
  const without = rows
    .filter((p) => key(p) === null)
    .map((p) => p.id)
    .sort();
  withValue.sort((a, b) => {
    const [x, y] = [key(a)!, key(b)!];
    const byValue = typeof x === 'number' ? x - (y as number) : x < y ? -1 : x > y ? 1 : 0;
    return sign * (byValue !== 0 ? byValue : a.id < b.id ? -1 : 1);
  });
  return [...withValue.map((p) => p.id), ...without];
}

describe.each(['pglite', 'postgres'] as const)('advanced queries on %s', (kind) => {
  let t: TestDatabase;
  let app: ApiApp;

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    await upsertProtocols(
      t.db,
      PROTOCOLS.map((p) => ({
        id: p.id,
        name: p.name,
        category: p.category,
        ...(p.delisted ? { listedAt: T - 9 * DAY, delistedAt: T - DAY } : {}),
      })),
    );
    const points: TvlPoint[] = [];
    for (const p of PROTOCOLS) {
      points.push(
        { protocol: p.id, at: T, tvl: p.tvl },
        { protocol: p.id, chain: 'ethereum', at: T, tvl: p.tvl * 0.6 },
      );
      if (p.arbitrum) points.push({ protocol: p.id, chain: 'arbitrum', at: T, tvl: p.tvl * 0.4 });
      if (p.reference !== null) points.push({ protocol: p.id, at: T - DAY, tvl: p.reference });
    }
    await insertTvl(t.db, points);
    await upsertTokens(t.db, [
      { id: 'coingecko:up', symbol: 'UP' },
      { id: 'coingecko:down', symbol: 'DOWN' },
      { id: 'coingecko:flat', symbol: 'FLAT' },
    ]);
    await insertPrices(t.db, [
      { token: 'coingecko:up', at: T - DAY, price: 10 },
      { token: 'coingecko:up', at: T, price: 12 },
      { token: 'coingecko:down', at: T - DAY, price: 10 },
      { token: 'coingecko:down', at: T, price: 7 },
      { token: 'coingecko:flat', at: T - DAY, price: 10 },
      { token: 'coingecko:flat', at: T, price: 10.1 },
    ]);
    await refreshReferenceValues(t.db);
    app = await routesApp(t.db, T);
  }, START_TEST_TIMEOUT_MS);
  afterAll(async () => {
    await app?.close();
    await t?.cleanup();
  });

  const query = async (params: string) => {
    const { status, body } = await getJson(app, `/v2/query/protocols${params}`);
    expect(status).toBe(200);
    return ProtocolQueryAnswerSchema.parse(body);
  };

  /** Every id over all pages of `params`, following nextCursor. */
  async function walk(params: string, limit: number): Promise<{ ids: string[]; pages: number }> {
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await query(`?${params}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.protocols.length).toBeLessThanOrEqual(limit);
      ids.push(...page.protocols.map((p) => p.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 50);
    return { ids, pages };
  }

  describe('GET /v2/query/protocols', () => {
    it('lists listed protocols by TVL, largest first, with their changes', async () => {
      const page = await query('');
      expect(page.nextCursor).toBeNull();
      expect(page.protocols.map((p) => p.id)).toEqual(expectedOrder((p) => p.tvl, 'desc'));
      expect(page.protocols.find((p) => p.id === 'p07')).toEqual({
        id: 'p07',
        name: 'Protocol S',
        symbol: null,
        category: 'Lending',
        chains: ['ethereum'],
        tvl: 1_700,
        change_1h: null,
        change_1d: expect.closeTo(PROTOCOLS[7]!.change!, 10),
        change_7d: null,
        timestamp: T / 1000,
      });
    });

    it.each([
      ['sort=tvl&order=desc', (p: Fixture) => p.tvl, 'desc'],
      ['sort=tvl&order=asc', (p: Fixture) => p.tvl, 'asc'],
      ['sort=change_1d', (p: Fixture) => p.change, 'desc'],
      ['sort=change_1d&order=asc', (p: Fixture) => p.change, 'asc'],
      ['sort=name', (p: Fixture) => p.name, 'asc'],
    ] as const)('pages through %s with the cursor: every protocol once, in order', async (params, key, order) => {
      const { ids, pages } = await walk(params, 7);
      expect(ids).toEqual(expectedOrder(key, order));
      expect(pages).toBe(Math.ceil(LISTED.length / 7));
    });

    it('filters by chain (TVL on that chain), category, TVL and change bounds', async () => {
      const arbitrum = await query('?chain=arbitrum');
      expect(arbitrum.protocols.map((p) => [p.id, p.tvl])).toEqual(
        expectedOrder(
          (p) => p.tvl,
          'desc',
          LISTED.filter((p) => p.arbitrum),
        ).map((id) => [id, PROTOCOLS.find((p) => p.id === id)!.tvl * 0.4]),
      );
      const dexs = await query('?category=Dexs&minTvl=1500&maxTvl=2000');
      expect(dexs.protocols.map((p) => p.id)).toEqual(
        expectedOrder(
          (p) => p.tvl,
          'desc',
          LISTED.filter((p) => p.category === 'Dexs' && p.tvl >= 1_500 && p.tvl <= 2_000),
        ),
      );
      const rising = await query('?minChange1d=0&maxChange1d=50&sort=change_1d');
      expect(rising.protocols.map((p) => p.id)).toEqual(
        expectedOrder(
          (p) => p.change,
          'desc',
          LISTED.filter((p) => p.change !== null && p.change >= 0 && p.change <= 50),
        ),
      );
    });

    it.each([
      ['cursor=not-a-cursor', 'query.cursor'],
      [`cursor=${Buffer.from('{"s":"tvl","o":"desc","v":"x","id":"p01"}').toString('base64url')}`, 'query.cursor'],
      [`cursor=${encodeCursor({ sort: 'name', order: 'asc', value: 'Protocol A', id: 'p25' })}`, 'query.cursor'], // another sort's cursor
      ['limit=0', 'query.limit'],
      ['limit=501', 'query.limit'],
      ['limit=ten', 'query.limit'],
      ['sort=volume', 'query.sort'],
      ['order=up', 'query.order'],
      ['minTvl=lots', 'query.minTvl'],
      ['minTvl=-1', 'query.minTvl'],
      ['minTvl=10&maxTvl=5', 'query.maxTvl'],
      ['minChange1d=abc', 'query.minChange1d'],
      ['chain=Not%20A%20Chain', 'query.chain'],
    ])('?%s is a 400 naming %s', async (params, field) => {
      const { status, body } = await getJson(app, `/v2/query/protocols?${params}`);
      expect(status).toBe(400);
      expect(body).toEqual({ code: 'BAD_REQUEST', field, message: expect.stringContaining(`${field}: `) });
    });

    // PostgreSQL cannot store U+0000: such a value must be refused before any query runs.
    it.each([
      ['category=%00', 'query.category'],
      ['category=Dexs%00', 'query.category'],
      [
        `sort=name&order=asc&cursor=${encodeCursor({ sort: 'name', order: 'asc', value: 'Protocol\u0000', id: 'p01' })}`,
        'query.cursor',
      ],
      [`cursor=${encodeCursor({ sort: 'tvl', order: 'desc', value: 1_500, id: 'p01\u0000' })}`, 'query.cursor'],
    ])('?%s (a NUL byte) is a 400 naming %s', async (params, field) => {
      const { status, body } = await getJson(app, `/v2/query/protocols?${params}`);
      expect({ status, body }).toEqual({
        status: 400,
        body: { code: 'BAD_REQUEST', field, message: `${field}: must not contain NUL bytes` },
      });
    });
  });

  describe('GET /v2/aggregate/tvl', () => {
    it('sums TVL per chain', async () => {
      const { status, body } = await getJson(app, '/v2/aggregate/tvl?groupBy=chain');
      expect(status).toBe(200);
      const sum = (rows: Fixture[], share: number) => rows.reduce((total, p) => total + p.tvl * share, 0);
      expect(body).toEqual({
        groupBy: 'chain',
        groups: [
          { key: 'ethereum', tvl: expect.closeTo(sum(LISTED, 0.6), 6), protocols: 29, change_1d: null },
          {
            key: 'arbitrum',
            tvl: expect.closeTo(
              sum(
                LISTED.filter((p) => p.arbitrum),
                0.4,
              ),
              6,
            ),
            protocols: 15,
            change_1d: null,
          },
        ],
      });
    });

    it('sums TVL per category, with the change of the protocols that have a day-old value', async () => {
      const { body } = await getJson(app, '/v2/aggregate/tvl?groupBy=category');
      const groups = (body as { groups: Array<{ key: string }> }).groups;
      for (const category of CATEGORIES) {
        const members = LISTED.filter((p) => p.category === category);
        const known = members.filter((p) => p.reference !== null);
        const before = known.reduce((s, p) => s + p.reference!, 0);
        const now = known.reduce((s, p) => s + p.tvl, 0);
        expect(groups.find((g) => g.key === category)).toEqual({
          key: category,
          tvl: members.reduce((s, p) => s + p.tvl, 0),
          protocols: members.length,
          change_1d: expect.closeTo(((now - before) / before) * 100, 8),
        });
      }
    });

    it.each(['', '?groupBy=token'])('GET /v2/aggregate/tvl%s is a 400 naming query.groupBy', async (params) => {
      expect(await getJson(app, `/v2/aggregate/tvl${params}`)).toEqual({
        status: 400,
        body: expect.objectContaining({ field: 'query.groupBy' }),
      });
    });
  });

  describe('GET /v2/movers', () => {
    const byChange = (direction: 'up' | 'down' | 'both') =>
      LISTED.filter(
        (p) =>
          p.change !== null &&
          (direction === 'both' ? p.change !== 0 : direction === 'up' ? p.change > 0 : p.change < 0),
      )
        .sort((a, b) =>
          direction === 'up'
            ? b.change! - a.change!
            : direction === 'down'
              ? a.change! - b.change!
              : Math.abs(b.change!) - Math.abs(a.change!),
        )
        .slice(0, 4)
        .map((p) => ({ id: p.id, name: p.name, value: p.tvl, change: expect.closeTo(p.change!, 8) }));

    it.each(['up', 'down', 'both'] as const)('ranks protocols by their TVL change, direction=%s', async (direction) => {
      const { status, body } = await getJson(app, `/v2/movers?kind=tvl&window=1d&direction=${direction}&limit=4`);
      expect(status).toBe(200);
      expect(body).toEqual({ window: '1d', kind: 'tvl', movers: byChange(direction) });
    });

    it('ranks tokens by price change', async () => {
      const { body } = await getJson(app, '/v2/movers?kind=price&limit=2');
      expect(body).toEqual({
        window: '1d',
        kind: 'price',
        movers: [
          { id: 'coingecko:down', symbol: 'DOWN', value: 7, change: expect.closeTo(-30, 8) },
          { id: 'coingecko:up', symbol: 'UP', value: 12, change: expect.closeTo(20, 8) },
        ],
      });
      expect(((await getJson(app, '/v2/movers?kind=price&window=1h')).body as { movers: unknown[] }).movers).toEqual(
        [],
      );
    });

    it.each([
      ['window=2d', 'query.window'],
      ['kind=volume', 'query.kind'],
      ['direction=sideways', 'query.direction'],
      ['limit=101', 'query.limit'],
    ])('?%s is a 400 naming %s', async (params, field) => {
      expect(await getJson(app, `/v2/movers?${params}`)).toEqual({
        status: 400,
        body: expect.objectContaining({ code: 'BAD_REQUEST', field }),
      });
    });
  });

  it('documents every route in the OpenAPI document (validated with the whole app in test/platform)', async () => {
    const { status, body } = await getJson(app, '/openapi.json');
    expect(status).toBe(200);
    const doc = body as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/chart/{coins}',
        '/percentage/{coins}',
        '/prices/current/{coins}',
        '/prices/historical/{timestamp}/{coins}',
        '/protocol/{slug}',
        '/protocols',
        '/tvl/{slug}',
        '/v2/aggregate/tvl',
        '/v2/chains',
        '/v2/historicalChainTvl',
        '/v2/historicalChainTvl/{chain}',
        '/v2/movers',
        '/v2/query/protocols',
      ].sort(),
    );
  });
});

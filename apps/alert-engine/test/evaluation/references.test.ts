import { createTestDatabase, type TestDatabase } from '@defi-realtime/db/testing';
import {
  ReferenceStore,
  priceTarget,
  tvlTarget,
  type ReferenceRequest,
  type ReferenceTarget,
} from '../../src/evaluation/references';

const T0 = Date.UTC(2025, 5, 1, 12);
const MIN = 60_000;
const HOUR = 60 * MIN;

describe('ReferenceStore (PostgreSQL)', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase('postgres');
    const price = (tokenId: string, at: number, value: number) =>
      t.db.query('INSERT INTO price_points (token_id, ts, price) VALUES ($1, $2, $3)', [tokenId, new Date(at), value]);
    const tvl = (protocolId: string, chain: string, at: number, value: number) =>
      t.db.query('INSERT INTO tvl_points (protocol_id, chain, ts, tvl) VALUES ($1, $2, $3, $4)', [
        protocolId,
        chain,
        new Date(at),
        value,
      ]);
    await price('coingecko:ethereum', T0 - 2 * HOUR, 3000);
    await price('coingecko:ethereum', T0 - HOUR, 3100);
    await price('coingecko:ethereum', T0 - 30 * MIN, 3200);
    await tvl('aave-v3', '', T0 - 2 * HOUR, 20e9);
    await tvl('aave-v3', 'base', T0 - 2 * HOUR, 9e8);
  });
  afterAll(() => t.cleanup());

  const ask = async (store: ReferenceStore, request: { target: ReferenceTarget; windowMs: number; ts: number }) => {
    const [answer] = await store.resolve([{ target: request.target, windowMs: request.windowMs, times: [request.ts] }]);
    return answer![0];
  };

  it('answers the value at or before ts - window, per token', async () => {
    const store = new ReferenceStore(t.db);
    const eth = priceTarget('coingecko:ethereum');
    expect(await ask(store, { target: eth, windowMs: HOUR, ts: T0 })).toBe(3100); // exactly at T0 - 1h
    expect(await ask(store, { target: eth, windowMs: 5 * MIN, ts: T0 })).toBe(3200); // latest before T0 - 5m
    expect(await ask(store, { target: eth, windowMs: HOUR, ts: T0 - 1 })).toBe(3000); // just before the 3100 point
    expect(await ask(store, { target: eth, windowMs: 24 * HOUR, ts: T0 })).toBeNull(); // history too short
    expect(await ask(store, { target: priceTarget('coingecko:bitcoin'), windowMs: HOUR, ts: T0 })).toBeNull();
  });

  it("reads a protocol's total from chain '' and one chain from its own rows", async () => {
    const store = new ReferenceStore(t.db);
    expect(await ask(store, { target: tvlTarget('aave-v3'), windowMs: HOUR, ts: T0 })).toBe(20e9);
    expect(await ask(store, { target: tvlTarget('aave-v3', 'base'), windowMs: HOUR, ts: T0 })).toBe(9e8);
    expect(await ask(store, { target: tvlTarget('aave-v3', 'arbitrum'), windowMs: HOUR, ts: T0 })).toBeNull();
  });

  it('answers a whole batch in one round trip and reuses a reference for max(1 s, window/60)', async () => {
    const store = new ReferenceStore(t.db);
    const eth = priceTarget('coingecko:ethereum');
    const requests: ReferenceRequest[] = [
      // T0 + 59,999 is within a minute of T0: the same reference; T0 + 1 min needs a new lookup.
      { target: eth, windowMs: HOUR, times: [T0, T0 + 59_999, T0 + MIN] },
      { target: tvlTarget('aave-v3'), windowMs: 5 * MIN, times: [T0] },
    ];
    expect(await store.resolve(requests)).toEqual([[3100, 3100, 3100], [20e9]]);
    expect(store.stats).toMatchObject({ queries: 1, lookups: 3, hits: 0 });
    expect(ReferenceStore.ttlMs(5 * MIN)).toBe(5_000);
    expect(ReferenceStore.ttlMs(MIN)).toBe(1_000);

    // Cached: a later point inside the TTL is not seen; past it, it is.
    await t.db.query('INSERT INTO price_points (token_id, ts, price) VALUES ($1, $2, $3)', [
      'coingecko:ethereum',
      new Date(T0 - HOUR + 30_000),
      3150,
    ]);
    expect(await store.resolve([{ target: eth, windowMs: HOUR, times: [T0 + 30_000] }])).toEqual([[3100]]);
    expect(store.stats).toMatchObject({ queries: 1, hits: 1 });
    expect(await ask(store, { target: eth, windowMs: HOUR, ts: T0 + 2 * MIN })).toBe(3150);
    expect(store.stats.queries).toBe(2);
  });

  it('answers times spread over many TTLs in one batch', async () => {
    await t.db.query('INSERT INTO price_points (token_id, ts, price) VALUES ($1, $2, 10), ($1, $3, 20)', [
      'coingecko:spread',
      new Date(T0 - 2 * HOUR),
      new Date(T0 - HOUR),
    ]);
    const store = new ReferenceStore(t.db);
    // Eleven lookups for one (target, window): more than the cache keeps per key.
    const times = [T0 - HOUR - 2 * MIN, ...Array.from({ length: 10 }, (_, i) => T0 - HOUR + i * 10 * MIN)];
    const [answer] = await store.resolve([{ target: priceTarget('coingecko:spread'), windowMs: HOUR, times }]);
    expect(answer).toEqual([null, 10, 10, 10, 10, 10, 10, 20, 20, 20, 20]);
    expect(store.stats).toMatchObject({ queries: 1, lookups: 11 });
  });

  it('refuses a cache size that is not a positive whole number', () => {
    expect(() => new ReferenceStore(t.db, { maxEntries: 0 })).toThrow(/maxEntries/);
  });
});

import { randomUUID } from 'node:crypto';
import { suppressChangeNotifications } from '@defi-realtime/db';
import { createTestDatabase, type TestDatabase } from '@defi-realtime/db/testing';
import { createLogger } from '@defi-realtime/runtime';
import { eventually, START_TEST_TIMEOUT_MS } from '@defi-realtime/runtime/testing';
import { refreshReferenceValues, startReferenceRefresher } from '../../src/data';
import { DAY, HOUR, insertPrices, insertTvl, upsertProtocols, upsertTokens } from '../support/rows';

const T = Date.UTC(2025, 0, 15, 12, 0, 0);

describe.each(['pglite', 'postgres'] as const)('migration 002 on %s', (kind) => {
  let t: TestDatabase;
  const notifications: string[][] = [];

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    await t.db.listen(`${t.db.schema}.data_changed`, (payload) =>
      notifications.push((JSON.parse(payload) as { tags: string[] }).tags),
    );
  }, START_TEST_TIMEOUT_MS);
  afterAll(() => t?.cleanup());

  /**
   * Notify a marker and wait for it (then forget it): notifications arrive in commit order,
   * so every one of an earlier statement has arrived too.
   */
  async function drained(): Promise<void> {
    const marker = `marker:${randomUUID()}`;
    await t.db.query('SELECT pg_notify($1, $2)', [`${t.db.schema}.data_changed`, JSON.stringify({ tags: [marker] })]);
    await eventually(() => expect(notifications.some((tags) => tags.includes(marker))).toBe(true));
    notifications.splice(
      notifications.findIndex((tags) => tags.includes(marker)),
      1,
    );
  }

  /**
   * The tag lists `action` announces, once `count` have arrived. Notifications of earlier
   * statements may still be on their way (LISTEN is another connection): drained first, so
   * none of them is taken for this action's, and after, so the assertions see anything more.
   */
  async function announced(action: () => Promise<unknown>, count = 1): Promise<string[][]> {
    await drained();
    const from = notifications.length;
    await action();
    await eventually(() => expect(notifications.length - from).toBeGreaterThanOrEqual(count));
    await drained();
    return notifications.slice(from);
  }

  describe('price_current', () => {
    const current = async (token: string) =>
      (
        await t.db.query<{ price: number; ts: Date; confidence: number | null }>(
          'SELECT price, ts, confidence FROM price_current WHERE token_id = $1',
          [token],
        )
      ).rows[0];

    it('follows inserts, keeping the latest point of a statement', async () => {
      await insertPrices(t.db, [
        { token: 'coingecko:alpha', at: T - HOUR, price: 10 },
        { token: 'coingecko:alpha', at: T, price: 11, confidence: 0.9 },
        { token: 'coingecko:alpha', at: T - 2 * HOUR, price: 9 },
      ]);
      expect(await current('coingecko:alpha')).toEqual({ price: 11, ts: new Date(T), confidence: 0.9 });
      await insertPrices(t.db, [{ token: 'coingecko:alpha', at: T + HOUR, price: 12 }]);
      expect(await current('coingecko:alpha')).toMatchObject({ price: 12, ts: new Date(T + HOUR) });
    });

    it('never goes back in time for an older point arriving late', async () => {
      await insertPrices(t.db, [{ token: 'coingecko:alpha', at: T - DAY, price: 1 }]);
      expect(await current('coingecko:alpha')).toMatchObject({ price: 12, ts: new Date(T + HOUR) });
    });

    it('takes a correction of the current point (ON CONFLICT DO UPDATE, as the point writer does)', async () => {
      await t.db.query(
        `INSERT INTO price_points (token_id, ts, price) VALUES ('coingecko:alpha', $1, 12.5)
         ON CONFLICT (token_id, ts) DO UPDATE SET price = excluded.price`,
        [new Date(T + HOUR)],
      );
      expect(await current('coingecko:alpha')).toMatchObject({ price: 12.5 });
    });
  });

  describe('tvl_current, tvl_daily and protocols', () => {
    it('keeps the latest value per (protocol, chain) and the last value of each UTC day', async () => {
      const day0 = Date.UTC(2025, 0, 14);
      await insertTvl(t.db, [
        { protocol: 'beta', at: day0 + 2 * HOUR, tvl: 100 },
        { protocol: 'beta', at: day0 + 20 * HOUR, tvl: 120 },
        { protocol: 'beta', chain: 'ethereum', at: day0 + 20 * HOUR, tvl: 70 },
        { protocol: 'beta', at: day0 + DAY + HOUR, tvl: 130 },
      ]);
      // An older point of an already-seen day arrives late: neither table moves back.
      await insertTvl(t.db, [{ protocol: 'beta', at: day0 + 10 * HOUR, tvl: 1 }]);
      const currentRows = await t.db.query(
        'SELECT chain, tvl, ts FROM tvl_current WHERE protocol_id = $1 ORDER BY chain',
        ['beta'],
      );
      expect(currentRows.rows).toEqual([
        { chain: '', tvl: 130, ts: new Date(day0 + DAY + HOUR) },
        { chain: 'ethereum', tvl: 70, ts: new Date(day0 + 20 * HOUR) },
      ]);
      const daily = await t.db.query(
        'SELECT chain, day, tvl FROM tvl_daily WHERE protocol_id = $1 ORDER BY chain, day',
        ['beta'],
      );
      const dayNo = day0 / DAY;
      expect(daily.rows).toEqual([
        { chain: '', day: dayNo, tvl: 120 },
        { chain: '', day: dayNo + 1, tvl: 130 },
        { chain: 'ethereum', day: dayNo, tvl: 70 },
      ]);
    });

    it('creates a protocols row for a new slug and adds the chains it reports, keeping known metadata', async () => {
      const row = async (id: string) =>
        (await t.db.query('SELECT name, chains FROM protocols WHERE id = $1', [id])).rows[0];
      expect(await row('beta')).toEqual({ name: 'beta', chains: ['ethereum'] });
      await upsertProtocols(t.db, [{ id: 'gamma', name: 'Gamma Finance', chains: ['ethereum'] }]);
      await insertTvl(t.db, [
        { protocol: 'gamma', chain: 'arbitrum', at: T, tvl: 5 },
        { protocol: 'gamma', chain: 'base', at: T, tvl: 5 },
      ]);
      expect(await row('gamma')).toEqual({ name: 'Gamma Finance', chains: ['arbitrum', 'base', 'ethereum'] });
    });
  });

  describe('data_changed announcements', () => {
    it('name the tokens of a price statement, plus prices', async () => {
      const tags = await announced(() =>
        insertPrices(t.db, [
          { token: 'coingecko:delta', at: T, price: 1 },
          { token: 'ethereum:0xabc', at: T, price: 2 },
          { token: 'coingecko:delta', at: T + 1000, price: 1.1 },
        ]),
      );
      expect(tags).toEqual([['price:coingecko:delta', 'price:ethereum:0xabc', 'prices']]);
    });

    it('name the protocols of a TVL statement, plus tvl; a new protocol row also announces meta', async () => {
      const tags = await announced(
        () =>
          insertTvl(t.db, [
            { protocol: 'epsilon', chain: 'ethereum', at: T, tvl: 1 },
            { protocol: 'beta', at: T + DAY, tvl: 2 },
          ]),
        2,
      );
      expect(tags).toEqual(expect.arrayContaining([['tvl:beta', 'tvl:epsilon', 'tvl'], ['meta']]));
      expect(tags).toHaveLength(2);
    });

    it('announce metadata changes as meta', async () => {
      expect(await announced(() => upsertTokens(t.db, [{ id: 'coingecko:delta', symbol: 'DLT' }]))).toEqual([['meta']]);
    });

    it('are not silenced by defi_realtime.notify (that setting is for the per-row triggers of 001)', async () => {
      const tags = await announced(() =>
        t.db.transaction(async (tx) => {
          await suppressChangeNotifications(tx);
          await insertPrices(tx, [{ token: 'coingecko:delta', at: T + 2000, price: 1.2 }]);
        }),
      );
      expect(tags).toEqual([['price:coingecko:delta', 'prices']]);
    });

    it('say "*" when the tags of one statement would pass 7,500 bytes', async () => {
      const points = Array.from({ length: 400 }, (_, i) => ({
        token: `coingecko:a-rather-long-token-name-${i}`,
        at: T,
        price: i + 1,
      }));
      expect(await announced(() => insertPrices(t.db, points))).toEqual([['*']]);
    });
  });

  describe('refresh_reference_values', () => {
    it('sets the values a day, an hour and 5 minutes before the current point, and the changes from them', async () => {
      await insertPrices(t.db, [
        { token: 'coingecko:zeta', at: T - 3 * DAY, price: 50 }, // outside every window
        { token: 'coingecko:zeta', at: T - DAY - 30 * 60_000, price: 100 }, // the 1d reference
        { token: 'coingecko:zeta', at: T - DAY + 60_000, price: 105 }, // after T - 1d: not it
        { token: 'coingecko:zeta', at: T - HOUR - 60_000, price: 108 }, // the 1h reference
        { token: 'coingecko:zeta', at: T - 6 * 60_000, price: 109 }, // the 5m reference
        { token: 'coingecko:zeta', at: T, price: 110 },
      ]);
      await insertTvl(t.db, [
        { protocol: 'eta', at: T - 2 * DAY + HOUR, tvl: 200 }, // within the day before T - 1d
        { protocol: 'eta', at: T, tvl: 150 },
        { protocol: 'theta', at: T - 3 * DAY, tvl: 10 }, // a gap: no value in the day before T - 1d
        { protocol: 'theta', at: T, tvl: 20 },
      ]);
      const tags = await announced(() => refreshReferenceValues(t.db), 2);
      expect(tags).toEqual(
        expect.arrayContaining([
          expect.arrayContaining(['price:coingecko:zeta', 'prices']),
          expect.arrayContaining(['tvl:eta', 'tvl']),
        ]),
      );

      const price = await t.db.query(
        'SELECT price_5m, price_1h, price_1d, price_7d, change_1d, change_7d FROM price_current WHERE token_id = $1',
        ['coingecko:zeta'],
      );
      expect(price.rows[0]).toEqual({
        price_5m: 109,
        price_1h: 108,
        price_1d: 100,
        price_7d: null,
        change_1d: expect.closeTo(10, 10),
        change_7d: null,
      });
      const tvl = await t.db.query(
        'SELECT protocol_id, tvl_1d, change_1d FROM tvl_current WHERE protocol_id IN ($1, $2) ORDER BY protocol_id',
        ['eta', 'theta'],
      );
      expect(tvl.rows).toEqual([
        { protocol_id: 'eta', tvl_1d: 200, change_1d: expect.closeTo(-25, 10) },
        { protocol_id: 'theta', tvl_1d: null, change_1d: null },
      ]);
    });

    it('moves change_1d at once when a new point arrives, and its reference at the next refresh', async () => {
      await insertPrices(t.db, [{ token: 'coingecko:zeta', at: T + 60_000, price: 120 }]);
      const change = async () =>
        (
          await t.db.query<{ change_1d: number }>('SELECT change_1d FROM price_current WHERE token_id = $1', [
            'coingecko:zeta',
          ])
        ).rows[0]?.change_1d;
      expect(await change()).toBeCloseTo(20, 10); // same reference, new price
      await refreshReferenceValues(t.db);
      // T + 1m - 1d now reaches the point at T - 1d + 1m (105).
      expect(await change()).toBeCloseTo(((120 - 105) / 105) * 100, 10);
    });

    it('runs from startReferenceRefresher at once and then every interval, until stop', async () => {
      await insertPrices(t.db, [
        { token: 'coingecko:iota', at: T - DAY - HOUR, price: 4 },
        { token: 'coingecko:iota', at: T, price: 5 },
      ]);
      const refresher = startReferenceRefresher(t.db, { intervalMs: 50, logger: createLogger('test', 'silent') });
      try {
        await eventually(async () => {
          const { rows } = await t.db.query<{ change_1d: number | null }>(
            'SELECT change_1d FROM price_current WHERE token_id = $1',
            ['coingecko:iota'],
          );
          expect(rows[0]?.change_1d).toBeCloseTo(25, 10);
        });
      } finally {
        await refresher.stop();
      }
    });

    if (kind === 'postgres') {
      it('is skipped by a process while another one holds the refresh lock', async () => {
        let release!: () => void;
        const held = new Promise<void>((resolve) => (release = resolve));
        let locked!: () => void;
        const isLocked = new Promise<void>((resolve) => (locked = resolve));
        const holder = t.db.transaction(async (tx) => {
          await tx.query(
            `SELECT pg_advisory_xact_lock(hashtext('defi-realtime:refresh-references:' || current_schema()))`,
          );
          locked();
          await held;
        });
        await isLocked;
        try {
          expect(await refreshReferenceValues(t.db)).toBeNull();
        } finally {
          release();
          await holder;
        }
        expect(await refreshReferenceValues(t.db)).toEqual(expect.any(Number));
      });
    }
  });
});

import { changeChannel, suppressChangeNotifications } from '../../src/changes';
import { uniqueSuffix, waitUntil, type GetTestDatabase } from '../helpers';

/** LISTEN/NOTIFY on one engine. */
export function notificationTests(get: GetTestDatabase): void {
  const notify = (channel: string, payload: string) => get().db.query('SELECT pg_notify($1, $2)', [channel, payload]);

  it('delivers pg_notify to the handler (exact, case-sensitive channel names) until unlisten', async () => {
    const { db } = get();
    const channel = `Test-Chan.${uniqueSuffix()}`;
    const sentinel = `sentinel_${uniqueSuffix()}`;
    const got: string[] = [];
    const seen: string[] = [];
    const unlisten = await db.listen(channel, (payload) => got.push(payload));
    const unlistenSentinel = await db.listen(sentinel, (payload) => seen.push(payload));
    await notify(channel, 'hello');
    await waitUntil(() => got.length === 1, 5_000, 'the first notification');
    expect(got).toEqual(['hello']);

    await unlisten();
    await unlisten(); // idempotent
    // Sent in order on one session: once the sentinel's arrives, the other would have too.
    await notify(channel, 'after unlisten');
    await notify(sentinel, 'done');
    await waitUntil(() => seen.length === 1, 5_000, 'the sentinel');
    expect(got).toEqual(['hello']);
    await unlistenSentinel();
  });

  it('keeps the channel while another handler still listens; a throwing handler does not stop the others', async () => {
    const { db } = get();
    const channel = `shared_${uniqueSuffix()}`;
    const first: string[] = [];
    const second: string[] = [];
    const unlistenFirst = await db.listen(channel, (p) => first.push(p));
    const unlistenThrowing = await db.listen(channel, () => {
      throw new Error('handler bug');
    });
    const unlistenSecond = await db.listen(channel, (p) => second.push(p));
    await notify(channel, 'a');
    await waitUntil(() => first.length === 1 && second.length === 1, 5_000, 'both handlers');
    await unlistenFirst();
    await notify(channel, 'b');
    await waitUntil(() => second.length === 2, 5_000, 'the remaining handler');
    expect(first).toEqual(['a']);
    expect(second).toEqual(['a', 'b']);
    await unlistenThrowing();
    await unlistenSecond();
  });

  it('announces price_points inserts on <schema>.price_points, unless the writer suppressed them', async () => {
    const { db, schema } = get();
    const payloads: Array<Record<string, unknown>> = [];
    const unlisten = await db.listen(changeChannel('price_points', schema), (p) =>
      payloads.push(JSON.parse(p) as Record<string, unknown>),
    );
    const silent = `coingecko:silent-${uniqueSuffix()}`;
    const loud = `coingecko:loud-${uniqueSuffix()}`;
    await db.transaction(async (tx) => {
      await suppressChangeNotifications(tx);
      await tx.query("INSERT INTO price_points (token_id, ts, price) VALUES ($1, '2024-01-01T00:00:00Z', 1)", [silent]);
    });
    await db.query(
      "INSERT INTO price_points (token_id, ts, price, confidence, source) VALUES ($1, '2024-01-01T00:00:00Z', 2.5, 0.99, 'test')",
      [loud],
    );
    await waitUntil(() => payloads.some((p) => p.token_id === loud), 5_000, 'the trigger notification');
    const mine = payloads.filter((p) => p.token_id === loud || p.token_id === silent);
    expect(mine).toEqual([{ token_id: loud, ts: expect.any(String), price: 2.5, confidence: 0.99, source: 'test' }]);
    expect(Date.parse(String(mine[0]?.ts))).toBe(Date.parse('2024-01-01T00:00:00Z'));
    await unlisten();
  });

  it('refuses channel names PostgreSQL would truncate', async () => {
    await expect(get().db.listen('x'.repeat(64), () => undefined)).rejects.toBeInstanceOf(TypeError);
    await expect(get().db.listen('', () => undefined)).rejects.toBeInstanceOf(TypeError);
  });
}

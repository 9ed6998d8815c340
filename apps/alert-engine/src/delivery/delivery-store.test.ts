import { createTestDatabase, type TestDatabase } from '@defi-realtime/db/testing';
import type { DatabaseKind } from '@defi-realtime/db';
import { START_TEST_TIMEOUT_MS } from '@defi-realtime/runtime/testing';
import type { StoredChannel } from '../rules/stored-rule';
import { DeliveryStore } from './delivery-store';
import { deliveriesOf, insertRule, newOwner, newSecret, notification } from './test-support/harness';

describe.each<DatabaseKind>(['pglite', 'postgres'])('DeliveryStore on %s', (kind) => {
  let tdb: TestDatabase;
  let store: DeliveryStore;

  beforeAll(async () => {
    tdb = await createTestDatabase(kind);
    store = new DeliveryStore(tdb.db);
  }, START_TEST_TIMEOUT_MS);
  afterAll(async () => {
    await tdb?.cleanup();
  });

  const secret = newSecret();
  const channels = (): StoredChannel[] => [
    { type: 'websocket' },
    { type: 'webhook', url: 'https://hooks.example.com/a', secret },
    { type: 'webhook', url: 'https://hooks.example.com/off', secret, disabledAt: '2026-01-01T00:00:00.000Z' },
    { type: 'email', to: 'ann@example.com' },
  ];

  it('records the alert event and one delivery per enabled channel, once', async () => {
    const owner = newOwner('ann');
    const ruleId = await insertRule(tdb.db, owner, channels());
    const n = notification(ruleId, owner);
    expect(await store.recordNotification(n, 0)).toBe('recorded');
    expect(await store.recordNotification(n, 0)).toBe('duplicate');
    const rows = await deliveriesOf(tdb.db, ruleId);
    expect(rows.map((r) => [r.channel, r.target, r.status, r.attempts])).toEqual([
      ['websocket', '', 'pending', 0],
      ['webhook', 'https://hooks.example.com/a', 'pending', 0],
      ['email', 'ann@example.com', 'pending', 0],
    ]);
    const { rows: events } = await tdb.db.query<{ owner: string; fired_at: Date; payload: { alertId: string } }>(
      'SELECT owner, fired_at, payload FROM alert_events WHERE id = $1',
      [n.id],
    );
    expect(events).toEqual([
      { owner, fired_at: new Date(n.firedAt), payload: expect.objectContaining({ alertId: n.id, ownerId: owner }) },
    ]);
    const other = notification('8a3c2b1d-0e9f-4a8b-9c7d-6e5f4a3b2c1d', owner);
    expect(await store.recordNotification(other, 0)).toBe('rule_deleted');
  });

  it('claims due deliveries as leases: concurrent claims never overlap, a claimed row waits for its lease', async () => {
    const owner = newOwner('ben');
    const ruleId = await insertRule(tdb.db, owner, [{ type: 'websocket' }]);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const n = notification(ruleId, owner);
      ids.push(n.id);
      await store.recordNotification(n, 0);
    }
    const [a, b] = await Promise.all([
      store.claimDue({ limit: 4, leaseMs: 60_000, alertEventIds: ids }),
      store.claimDue({ limit: 4, leaseMs: 60_000, alertEventIds: ids }),
    ]);
    const claimed = [...(a ?? []), ...(b ?? [])].map((d) => d.id);
    expect(claimed).toHaveLength(6);
    expect(new Set(claimed).size).toBe(6);
    expect(await store.claimDue({ limit: 10, leaseMs: 60_000, alertEventIds: ids })).toEqual([]);
    expect((a ?? [])[0]).toMatchObject({
      ruleId,
      owner,
      channel: 'websocket',
      attempts: 1,
      ruleChannels: [{ type: 'websocket' }],
    });
  });

  it('honours the first delay, and writes results only while the claim is held', async () => {
    const owner = newOwner('cat');
    const ruleId = await insertRule(tdb.db, owner, [{ type: 'websocket' }]);
    const later = notification(ruleId, owner);
    await store.recordNotification(later, 3_600_000);
    expect(await store.claimDue({ limit: 10, leaseMs: 60_000, alertEventIds: [later.id] })).toEqual([]);

    const now = notification(ruleId, owner);
    await store.recordNotification(now, 0);
    const [claim] = await store.claimDue({ limit: 1, leaseMs: 60_000, alertEventIds: [now.id] });
    if (!claim) throw new Error('nothing claimed');
    expect(
      await store.complete(claim, {
        status: 'retrying',
        delayMs: 30_000,
        error: 'endpoint answered HTTP 502',
        statusCode: 502,
      }),
    ).toBe(true);
    const { rows } = await tdb.db.query<{ status: string; wait: number; last_error: string }>(
      'SELECT status, extract(epoch from next_attempt_at - now())::float8 AS wait, last_error FROM alert_deliveries WHERE id = $1',
      [claim.id],
    );
    expect(rows[0]).toMatchObject({ status: 'retrying', last_error: 'endpoint answered HTTP 502' });
    expect(rows[0]?.wait).toBeGreaterThan(25);
    expect(rows[0]?.wait).toBeLessThan(31);
    // Made due again and claimed anew (attempts 2): the first claim's late write is refused.
    await tdb.db.query('UPDATE alert_deliveries SET next_attempt_at = now() WHERE id = $1', [claim.id]);
    const [again] = await store.claimDue({ limit: 1, leaseMs: 60_000, alertEventIds: [now.id] });
    expect(again?.attempts).toBe(2);
    expect(await store.complete(claim, { status: 'succeeded' })).toBe(false);
    expect(await store.complete(again as NonNullable<typeof again>, { status: 'dead', error: 'gave up' })).toBe(true);
    expect(await store.countDead()).toBeGreaterThanOrEqual(1);
  });

  it("410: disables the rule's webhook for the URL (keeping its other fields) and closes its other open deliveries there", async () => {
    const owner = newOwner('dan');
    const url = 'https://hooks.example.com/gone';
    const ruleId = await insertRule(tdb.db, owner, [
      { type: 'webhook', url, secret },
      { type: 'email', to: 'dan@example.com' },
    ]);
    const first = notification(ruleId, owner);
    const second = notification(ruleId, owner);
    await store.recordNotification(first, 0);
    await store.recordNotification(second, 60_000);
    const [claim] = (await store.claimDue({ limit: 10, leaseMs: 60_000, alertEventIds: [first.id] })).filter(
      (d) => d.channel === 'webhook',
    );
    if (!claim) throw new Error('nothing claimed');
    expect(await store.markGone(claim, 410, 'endpoint answered 410 Gone; the webhook is disabled')).toBe(true);

    const { rows } = await tdb.db.query<{ channels: StoredChannel[] }>(
      'SELECT channels FROM alert_rules WHERE id = $1',
      [ruleId],
    );
    expect(rows[0]?.channels).toEqual([
      { type: 'webhook', url, secret, disabledAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) },
      { type: 'email', to: 'dan@example.com' },
    ]);
    const deliveries = await deliveriesOf(tdb.db, ruleId);
    expect(deliveries.map((d) => [d.channel, d.status])).toEqual([
      ['webhook', 'gone'],
      ['email', 'pending'],
      ['webhook', 'gone'],
      ['email', 'pending'],
    ]);
    expect(deliveries[2]?.last_error).toBe(`not sent: the endpoint answered 410 Gone to delivery ${claim.id}`);
    // A new notification skips the disabled webhook.
    const third = notification(ruleId, owner);
    await store.recordNotification(third, 0);
    expect((await deliveriesOf(tdb.db, ruleId)).slice(4).map((d) => d.channel)).toEqual(['email']);
  });

  it('the table refuses an unknown status and a target that does not fit the channel', async () => {
    const owner = newOwner('eli');
    const ruleId = await insertRule(tdb.db, owner, [{ type: 'websocket' }]);
    const n = notification(ruleId, owner);
    await store.recordNotification(n, 0);
    const insert = (channel: string, target: string, status = 'pending') =>
      tdb.db.query(
        'INSERT INTO alert_deliveries (alert_event_id, rule_id, owner, channel, target, status) VALUES ($1, $2, $3, $4, $5, $6)',
        [n.id, ruleId, owner, channel, target, status],
      );
    await expect(insert('webhook', 'https://x.example', 'lost')).rejects.toMatchObject({
      code: '23514',
      constraint: 'alert_deliveries_status_check',
    });
    await expect(insert('websocket', 'https://x.example')).rejects.toMatchObject({
      code: '23514',
      constraint: 'alert_deliveries_target_check',
    });
    await expect(insert('webhook', '')).rejects.toMatchObject({
      code: '23514',
      constraint: 'alert_deliveries_target_check',
    });
    await expect(insert('websocket', '')).rejects.toMatchObject({
      code: '23505',
      constraint: 'alert_deliveries_event_target_key',
    });
  });
});

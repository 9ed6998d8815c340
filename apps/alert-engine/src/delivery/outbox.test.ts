import { createTestDatabase, type TestDatabase } from '@defi-realtime/db/testing';
import { userAlertsChannel } from '@defi-realtime/protocol';
import { STREAMS } from '@defi-realtime/queue';
import { eventually, sleep } from '@defi-realtime/runtime/testing';
import { DeliveryStore } from './delivery-store';
import { DELIVERY_GROUP } from './outbox-consumer';
import { deliveriesOf, insertRule, metricValue, newOwner, notification, startHarness } from './test-support/harness';

let tdb: TestDatabase;

beforeAll(async () => {
  tdb = await createTestDatabase('postgres');
});
afterAll(async () => {
  await tdb.cleanup();
});

describe('the outbox consumer', () => {
  it('logs, counts and acknowledges malformed entries and notifications of deleted rules, and carries on', async () => {
    const owner = newOwner('mo');
    const ruleId = await insertRule(tdb.db, owner, [{ type: 'websocket' }]);
    const deleted = await insertRule(tdb.db, owner, [{ type: 'websocket' }]);
    await tdb.db.query('DELETE FROM alert_rules WHERE id = $1', [deleted]);
    const h = await startHarness(tdb.db);
    const received: string[] = [];
    await h.engine.subscribe(userAlertsChannel(owner), (e) => received.push(e.payload));
    try {
      const good = notification(ruleId, owner);
      await h.append(
        '{not json',
        JSON.stringify({ id: 'x', ruleId: 'not-a-uuid' }),
        notification(deleted, owner),
        good,
      );

      await eventually(() => expect(received).toHaveLength(1));
      expect(JSON.parse(received[0] ?? '{}').eventId).toBe(good.id);
      expect(await metricValue(h.registry, 'alert_outbox_entries_total', { outcome: 'malformed' })).toBe(2);
      expect(await metricValue(h.registry, 'alert_outbox_entries_total', { outcome: 'rule_deleted' })).toBe(1);
      expect(await metricValue(h.registry, 'alert_outbox_entries_total', { outcome: 'recorded' })).toBe(1);
      await eventually(async () => expect(await h.queue.pendingCount(STREAMS.outbox, DELIVERY_GROUP)).toBe(0));
      const { rows } = await tdb.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM alert_events WHERE rule_id = $1',
        [deleted],
      );
      expect(rows[0]?.n).toBe(0);
    } finally {
      await h.close();
    }
  });

  it('a redelivered notification whose deliveries were recorded but never attempted (a crash) gets them attempted', async () => {
    const owner = newOwner('cy');
    const ruleId = await insertRule(tdb.db, owner, [{ type: 'websocket' }]);
    const h = await startHarness(tdb.db, { pollIntervalMs: 60_000 }); // after its first pass, only the outbox path delivers in time
    const received: string[] = [];
    await h.engine.subscribe(userAlertsChannel(owner), (e) => received.push(e.payload));
    await sleep(100);
    const n = notification(ruleId, owner);
    // What a worker that crashed right after recording leaves: rows pending, the entry unacknowledged.
    expect(await new DeliveryStore(tdb.db).recordNotification(n, 0)).toBe('recorded');
    try {
      await h.append(n);
      await eventually(() => expect(received).toHaveLength(1));
      await eventually(async () =>
        expect(await deliveriesOf(tdb.db, ruleId)).toEqual([
          expect.objectContaining({ status: 'succeeded', attempts: 1 }),
        ]),
      );
      expect(await metricValue(h.registry, 'alert_outbox_entries_total', { outcome: 'duplicate' })).toBe(1);
    } finally {
      await h.close();
    }
  });

  it("a crashed worker's claimed delivery is attempted again once its lease ends", async () => {
    const owner = newOwner('lea');
    const ruleId = await insertRule(tdb.db, owner, [{ type: 'websocket' }]);
    const store = new DeliveryStore(tdb.db);
    await store.recordNotification(notification(ruleId, owner), 0);
    // A worker claims it with a 300 ms lease and dies before recording a result.
    const [lost] = await store.claimDue({ limit: 10, leaseMs: 300 });
    expect(lost?.ruleId).toBe(ruleId);
    const h = await startHarness(tdb.db);
    const received: string[] = [];
    await h.engine.subscribe(userAlertsChannel(owner), (e) => received.push(e.payload));
    try {
      await eventually(() => expect(received).toHaveLength(1), 3_000);
      await eventually(async () =>
        expect(await deliveriesOf(tdb.db, ruleId)).toEqual([
          expect.objectContaining({ status: 'succeeded', attempts: 2 }),
        ]),
      );
      // The dead worker's late result is dropped: the row holds the newer claim's outcome.
      expect(await store.complete(lost as NonNullable<typeof lost>, { status: 'dead', error: 'late' })).toBe(false);
      expect((await deliveriesOf(tdb.db, ruleId))[0]?.status).toBe('succeeded');
    } finally {
      await h.close();
    }
  });
});

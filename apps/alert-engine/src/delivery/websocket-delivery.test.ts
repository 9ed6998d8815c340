import { createTestDatabase, type TestDatabase } from '@defi-realtime/db/testing';
import { createEngine, type ChannelEvent, type Engine } from '@defi-realtime/engine';
import { AlertEventSchema, userAlertsChannel } from '@defi-realtime/protocol';
import { cleanupPrefix, redisUrlForTests, requireRedis, uniquePrefix } from '@defi-realtime/redis/testing';
import { closeRedis, createRedis } from '@defi-realtime/redis';
import { eventually } from '@defi-realtime/runtime/testing';
import { deliveriesOf, insertRule, metricValue, newOwner, notification, startHarness } from './test-support/harness';

let tdb: TestDatabase;

beforeAll(async () => {
  tdb = await createTestDatabase('postgres');
});
afterAll(async () => {
  await tdb.cleanup();
});

type EngineKind = 'memory' | 'redis';

async function engineOf(kind: EngineKind): Promise<{ engine: Engine; close(): Promise<void> }> {
  if (kind === 'memory') {
    const engine = await createEngine({});
    return { engine, close: () => engine.close() };
  }
  await requireRedis();
  const prefix = uniquePrefix('delivery-ws');
  const engine = await createEngine({ redisUrl: redisUrlForTests(), prefix });
  return {
    engine,
    async close() {
      await engine.close();
      const redis = createRedis(redisUrlForTests());
      await cleanupPrefix(redis, prefix);
      await closeRedis(redis);
    },
  };
}

describe.each<EngineKind>(['memory', 'redis'])('websocket delivery on the %s engine', (kind) => {
  it("publishes the alert envelope to the owner's alerts channel and nowhere else", async () => {
    const { engine, close } = await engineOf(kind);
    const owner = newOwner('wanda');
    const other = newOwner('olaf');
    const mine: ChannelEvent[] = [];
    const theirs: ChannelEvent[] = [];
    await engine.subscribe(userAlertsChannel(owner), (e) => mine.push(e));
    await engine.subscribe(userAlertsChannel(other), (e) => theirs.push(e));
    const h = await startHarness(tdb.db, {}, engine);
    try {
      const ruleId = await insertRule(tdb.db, owner, [{ type: 'websocket' }]);
      await insertRule(tdb.db, other, [{ type: 'websocket' }]);
      const n = notification(ruleId, owner);
      await h.append(n, n);

      await eventually(() => expect(mine).toHaveLength(1));
      // The second copy handled: a second publish, if any, was made by now.
      await eventually(async () =>
        expect(await metricValue(h.registry, 'alert_outbox_entries_total', { outcome: 'duplicate' })).toBe(1),
      );
      expect(mine).toHaveLength(1);
      expect(theirs).toHaveLength(0);
      const envelope = AlertEventSchema.parse(JSON.parse(mine[0]?.payload ?? '{}'));
      expect(envelope).toEqual({
        eventId: n.id,
        type: 'alert',
        source: 'alert-engine',
        timestamp: n.firedAt,
        data: {
          alertId: n.id,
          ruleId,
          ownerId: owner,
          type: 'price_above',
          message: n.message,
          priority: 'high',
          value: 4012.5,
          threshold: 4000,
          timestamp: n.firedAt,
        },
      });
      // History keeps it too: a client reconnecting with `since` recovers the alert.
      expect((await engine.history(userAlertsChannel(owner), {})).events.map((e) => e.payload)).toEqual([
        mine[0]?.payload,
      ]);
      await eventually(async () =>
        expect(await deliveriesOf(tdb.db, ruleId)).toEqual([
          expect.objectContaining({ channel: 'websocket', target: '', status: 'succeeded', attempts: 1 }),
        ]),
      );
      expect(
        await metricValue(h.registry, 'alert_deliveries_total', { channel: 'websocket', outcome: 'succeeded' }),
      ).toBe(1);
    } finally {
      await h.close();
      await close();
    }
  });
});

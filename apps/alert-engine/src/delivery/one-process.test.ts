import { Registry } from 'prom-client';
import { createTestDatabase, type TestDatabase } from '@defi-realtime/db/testing';
import { createEngine } from '@defi-realtime/engine';
import { userAlertsChannel } from '@defi-realtime/protocol';
import { createQueue, STREAMS } from '@defi-realtime/queue';
import { createLogger } from '@defi-realtime/runtime';
import { eventually, START_TEST_TIMEOUT_MS } from '@defi-realtime/runtime/testing';
import { startDelivery } from './start-delivery';
import { FAST, deliveriesOf, insertRule, newOwner, newSecret, notification } from './test-support/harness';
import { startReceiver } from './test-support/receiver';

// `npm start` runs everything in one process: PGlite (one session), the memory queue and
// the memory engine. Delivery must work the same there.
let tdb: TestDatabase;

beforeAll(async () => {
  tdb = await createTestDatabase('pglite');
}, START_TEST_TIMEOUT_MS);
afterAll(async () => {
  await tdb?.cleanup();
});

it('delivers by webhook (with a retry) and WebSocket on PGlite, the memory queue and the memory engine', async () => {
  const secret = newSecret();
  const hook = await startReceiver(secret, (n) => (n === 0 ? 500 : 204));
  const queue = await createQueue();
  const engine = await createEngine({});
  const owner = newOwner('solo');
  const received: string[] = [];
  await engine.subscribe(userAlertsChannel(owner), (e) => received.push(e.payload));
  const metrics = new Registry();
  const delivery = await startDelivery(
    { db: tdb.db, engine, queue, logger: createLogger('one-process', 'silent'), metrics },
    FAST,
  );
  try {
    const ruleId = await insertRule(tdb.db, owner, [{ type: 'websocket' }, { type: 'webhook', url: hook.url, secret }]);
    const n = notification(ruleId, owner);
    await queue.add(STREAMS.outbox, [JSON.stringify(n), JSON.stringify(n)]);
    await eventually(async () =>
      expect((await deliveriesOf(tdb.db, ruleId)).map((d) => [d.channel, d.status, d.attempts])).toEqual([
        ['websocket', 'succeeded', 1],
        ['webhook', 'succeeded', 2],
      ]),
    );
    // The second copy handled (counted as a duplicate) and both deliveries final: nothing more is sent.
    await eventually(async () =>
      expect(await metrics.getSingleMetricAsString('alert_outbox_entries_total')).toMatch(/outcome="duplicate"\} 1$/m),
    );
    expect(received).toHaveLength(1);
    expect(hook.requests).toHaveLength(2);
    expect(hook.requests.every((r) => r.verified)).toBe(true);
  } finally {
    await delivery.stop();
    await queue.close();
    await engine.close();
    await hook.close();
  }
});

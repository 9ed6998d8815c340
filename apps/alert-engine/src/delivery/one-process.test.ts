import { Registry } from 'prom-client';
import { createTestDatabase, type TestDatabase } from '@defi-realtime/db/testing';
import { createEngine } from '@defi-realtime/engine';
import { userAlertsChannel } from '@defi-realtime/protocol';
import { createQueue, STREAMS } from '@defi-realtime/queue';
import { createLogger } from '@defi-realtime/runtime';
import { eventually, sleep } from '@defi-realtime/runtime/testing';
import { startDelivery } from './start-delivery';
import { FAST, deliveriesOf, insertRule, newOwner, newSecret, notification } from './test-support/harness';
import { startReceiver } from './test-support/receiver';

// `npm start` runs everything in one process: PGlite (one session), the memory queue and
// the memory engine. Delivery must work the same there.
let tdb: TestDatabase;

beforeAll(async () => {
  tdb = await createTestDatabase('pglite');
}, 30_000);
afterAll(async () => {
  await tdb.cleanup();
});

it('delivers by webhook (with a retry) and WebSocket on PGlite, the memory queue and the memory engine', async () => {
  const secret = newSecret();
  const hook = await startReceiver(secret, (n) => (n === 0 ? 500 : 204));
  const queue = await createQueue();
  const engine = await createEngine({});
  const owner = newOwner('solo');
  const received: string[] = [];
  await engine.subscribe(userAlertsChannel(owner), (e) => received.push(e.payload));
  const delivery = await startDelivery(
    { db: tdb.db, engine, queue, logger: createLogger('one-process', 'silent'), metrics: new Registry() },
    FAST,
  );
  try {
    const ruleId = await insertRule(tdb.db, owner, [{ type: 'websocket' }, { type: 'webhook', url: hook.url, secret }]);
    const n = notification(ruleId, owner);
    await queue.add(STREAMS.outbox, [JSON.stringify(n), JSON.stringify(n)]);
    await eventually(async () => expect((await deliveriesOf(tdb.db, ruleId)).map((d) => [d.channel, d.status, d.attempts])).toEqual([
      ['websocket', 'succeeded', 1],
      ['webhook', 'succeeded', 2],
    ]));
    await sleep(200);
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

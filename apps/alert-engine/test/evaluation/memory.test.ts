import { createTestDatabase, type TestDatabase } from '@defi-realtime/db/testing';
import { createQueue, STREAMS, type Queue } from '@defi-realtime/queue';
import { createLogger } from '@defi-realtime/runtime';
import { eventually, START_TEST_TIMEOUT_MS } from '@defi-realtime/runtime/testing';
import { notificationId } from '../../src/evaluation/notify';
import { createStateStore, type RuleStateStore } from '../../src/evaluation/state-store';
import { startEvaluation, type Evaluation } from '../../src/evaluation/worker';
import { T0, priceUpdate, tvlUpdate } from './events';
import { outboxNotifications } from './outbox';
import { insertRule } from './rules';

const HOUR = 3_600_000;

// `npm start`: no Redis, embedded PGlite. The same worker on the memory queue and memory state.
describe('evaluation in memory mode (memory queue and state, PGlite)', () => {
  let t: TestDatabase;
  let queue: Queue;
  let states: RuleStateStore;
  let worker: Evaluation | undefined;

  beforeAll(async () => {
    t = await createTestDatabase('pglite');
    queue = await createQueue();
    states = await createStateStore({ queue });
  }, START_TEST_TIMEOUT_MS); // PGlite compiles its WASM first: seconds, more on a busy machine
  afterAll(async () => {
    await worker?.stop();
    await states?.close();
    await queue?.close();
    await t?.cleanup();
  });

  it('fires level and window rules, follows rule changes, and never twice for a repeated event', async () => {
    await t.db.query("INSERT INTO tvl_points (protocol_id, chain, ts, tvl) VALUES ('aave-v3', '', $1, 2e10)", [
      new Date(T0 - HOUR),
    ]);
    const above = await insertRule(t.db, { threshold: 4000 });
    worker = await startEvaluation(
      { db: t.db, queue, states, logger: createLogger('memory', 'silent') },
      { blockMs: 50, rulesReloadMs: 0 },
    );
    const drop = await insertRule(t.db, { type: 'tvl_change_pct', threshold: -10, window: '1h', windowMs: HOUR });
    await eventually(() => expect(worker!.index.size).toBe(2), 2_000);

    const crossing = priceUpdate({ price: 4100, ts: T0 });
    const fall = tvlUpdate({ tvl: 1.7e10, ts: T0 }); // -15 % in 1 h
    await queue.add(
      STREAMS.events,
      [crossing, crossing, fall, priceUpdate({ price: 4200, ts: T0 + 1 })].map((e) => JSON.stringify(e)),
    );
    await eventually(async () => expect(await queue.pendingCount(STREAMS.events, 'alert-engine')).toBe(0), 3_000);
    await eventually(async () => {
      const notifications = await outboxNotifications(queue);
      expect(notifications.map((n) => [n.id, n.message])).toEqual([
        [notificationId(above, crossing.eventId), 'ETH (coingecko:ethereum) above 4,000: 4,100.00'],
        [notificationId(drop, fall.eventId), 'Aave V3 (aave-v3) TVL down 15.0% in 1h'],
      ]);
    }, 3_000);
  });
});

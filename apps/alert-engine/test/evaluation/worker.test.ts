import { createTestDatabase, type TestDatabase } from '@defi-realtime/db/testing';
import { createQueue, STREAMS, type Queue } from '@defi-realtime/queue';
import { closeRedis, createKeys, createRedis, type RedisClient } from '@defi-realtime/redis';
import { cleanupPrefix, redisUrlForTests, requireRedis, uniquePrefix } from '@defi-realtime/redis/testing';
import { createLogger } from '@defi-realtime/runtime';
import { eventually } from '@defi-realtime/runtime/testing';
import { Registry } from 'prom-client';
import { BatchEvaluator } from '../../src/evaluation/batch';
import { ReferenceStore } from '../../src/evaluation/references';
import { RuleIndex } from '../../src/evaluation/rule-index';
import { INITIAL_STATE } from '../../src/evaluation/rule-state';
import { createStateStore, type RuleStateStore } from '../../src/evaluation/state-store';
import {
  EVALUATION_GROUP,
  startEvaluation,
  type Evaluation,
  type EvaluationOptions,
} from '../../src/evaluation/worker';
import { notificationId } from '../../src/evaluation/notify';
import { loadEnabledRules } from '../../src/rules/stored-rule';
import { T0, priceUpdate, tvlUpdate } from './events';
import { outboxNotifications } from './outbox';
import { insertRule } from './rules';

const MIN = 60_000;
const HOUR = 60 * MIN;
const logger = createLogger('alert-eval-test', 'silent');

describe('evaluation worker (Redis queue and state, PostgreSQL rules)', () => {
  let t: TestDatabase;
  let redis: RedisClient;
  let prefix: string;
  let queue: Queue;
  let states: RuleStateStore;
  let worker: Evaluation | undefined;
  let registry: Registry;
  /** Entries the worker has handled (any outcome). */
  let seen = 0;

  beforeAll(async () => {
    await requireRedis();
    t = await createTestDatabase('postgres');
    redis = createRedis(redisUrlForTests());
  });
  beforeEach(async () => {
    prefix = uniquePrefix('alert-eval');
    queue = await createQueue({ redis, prefix });
    states = await createStateStore({ redis, prefix, queue });
    registry = new Registry();
    seen = 0;
  });
  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
    await queue.close();
    await cleanupPrefix(redis, prefix);
    await t.db.query('DELETE FROM alert_rules');
    await t.db.query('DELETE FROM price_points');
    await t.db.query('DELETE FROM tvl_points');
  });
  afterAll(async () => {
    await closeRedis(redis);
    await t.cleanup();
  });

  const start = async (options: EvaluationOptions = {}) => {
    worker = await startEvaluation(
      { db: t.db, queue, states, logger, registry },
      {
        from: 'start',
        blockMs: 50,
        claimIdleMs: 300,
        claimEveryMs: 100,
        rulesReloadMs: 0,
        onBatch: (report) => (seen += Object.values(report.events).reduce((a, b) => a + b, 0)),
        ...options,
      },
    );
    return worker;
  };
  const append = (...events: unknown[]) =>
    queue.add(
      STREAMS.events,
      events.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))),
    );
  /** Wait until the worker handled `count` entries and acknowledged them all. */
  const handled = (count: number) =>
    eventually(async () => {
      expect(seen).toBeGreaterThanOrEqual(count);
      expect(await queue.pendingCount(STREAMS.events, EVALUATION_GROUP)).toBe(0);
    }, 5_000);

  it('fires a rule once at the crossing, with its deterministic id and message', async () => {
    const ruleId = await insertRule(t.db, { threshold: 4000, cooldownSec: 600, owner: 'alice', priority: 'high' });
    await start();
    const crossing = priceUpdate({ price: 4012.5, ts: T0 + 2_000 });
    await append(
      priceUpdate({ price: 3990, ts: T0 }),
      crossing,
      priceUpdate({ price: 4050, ts: T0 + 3_000 }),
      priceUpdate({ price: 4100, ts: T0 + 4_000 }),
    );
    await handled(4);
    expect(await outboxNotifications(queue)).toEqual([
      {
        id: notificationId(ruleId, crossing.eventId),
        ruleId,
        owner: 'alice',
        type: 'price_above',
        priority: 'high',
        message: 'ETH (coingecko:ethereum) above 4,000: 4,012.50',
        value: 4012.5,
        threshold: 4000,
        target: { tokenId: 'coingecko:ethereum' },
        firedAt: T0 + 2_000,
        eventId: crossing.eventId,
        test: false,
      },
    ]);
    const state = JSON.parse((await redis.hget(createKeys(prefix).alertRuleState(STREAMS.outbox), ruleId))!);
    expect(state).toEqual({ status: 'fired', lastFiredAt: T0 + 2_000, crossings: 1, lastTs: T0 + 2_000, version: 1 });
  });

  it('never notifies twice for the same event appended twice', async () => {
    const ruleId = await insertRule(t.db, { type: 'tvl_below', threshold: 1e9, cooldownSec: 0 });
    await start({ batchSize: 2 });
    const crossing = tvlUpdate({ tvl: 9e8, ts: T0 });
    // Twice in one batch, then again after the rule re-armed (cooldown 0): only the first counts.
    await append(
      crossing,
      crossing,
      tvlUpdate({ tvl: 1.1e9, ts: T0 + 1 }),
      tvlUpdate({ protocolId: 'lido', tvl: 1, ts: T0 }),
      crossing,
    );
    await handled(5);
    expect((await outboxNotifications(queue)).map((n) => n.id)).toEqual([notificationId(ruleId, crossing.eventId)]);
  });

  it('never notifies twice when an entry is read again after a worker committed it and died before the ack', async () => {
    const ruleId = await insertRule(t.db, { type: 'price_below', threshold: 3000, cooldownSec: 0, rearmPct: 0 });
    const crossing = priceUpdate({ price: 2990, ts: T0 });
    await queue.ensureGroup(STREAMS.events, EVALUATION_GROUP, 'start');
    await append(crossing);
    // A worker that reads the entry, commits its transition, and never acknowledges (it died).
    const entries = await queue.read(STREAMS.events, EVALUATION_GROUP, 'dead-worker', { count: 10 });
    const index = new RuleIndex(await loadEnabledRules(t.db));
    await new BatchEvaluator({ index, references: new ReferenceStore(t.db), states }).run(entries);
    expect(await queue.pendingCount(STREAMS.events, EVALUATION_GROUP)).toBe(1);
    // Meanwhile the price went back up: the rule re-arms (cooldown 0) before the entry is claimed.
    await append(priceUpdate({ price: 3100, ts: T0 + 1 }));

    await start(); // reads the new entry, then claims the dead worker's once idle for 300 ms
    await handled(2);
    expect((await outboxNotifications(queue)).map((n) => n.id)).toEqual([notificationId(ruleId, crossing.eventId)]);
  });

  it('evaluates a rule again from its new state when another worker moved it meanwhile', async () => {
    const ruleId = await insertRule(t.db, { threshold: 4000, cooldownSec: 0, rearmPct: 0 });
    const index = new RuleIndex(await loadEnabledRules(t.db));
    const entry = (event: unknown, id: string) => ({ id, payload: JSON.stringify(event), deliveries: 1 });
    // Worker A fires on a later event; worker B read the rule's state before A committed.
    const first = priceUpdate({ price: 4100, ts: T0 + 5 });
    await new BatchEvaluator({ index, references: new ReferenceStore(t.db), states }).run([entry(first, '1-0')]);
    const staleStates: RuleStateStore = {
      ...states,
      load: async (ids) => ids.map(() => INITIAL_STATE),
      commit: (tr) => states.commit(tr),
    };
    const b = new BatchEvaluator({ index, references: new ReferenceStore(t.db), states: staleStates });
    const report = await b.run([entry(priceUpdate({ price: 4200, ts: T0 + 3 }), '2-0')]);
    // B's commit conflicts; from A's state (fired at T0 + 5) its older event is stale.
    expect(report.conflicts).toBe(1);
    expect(report.notifications).toEqual({});
    expect((await outboxNotifications(queue)).map((n) => n.id)).toEqual([notificationId(ruleId, first.eventId)]);
    // A newer event at exactly 4,000 would fire from B's stale read; from A's state it
    // re-arms (rearmPct 0), and that is what B commits after the retry.
    const later = await b.run([entry(priceUpdate({ price: 4000, ts: T0 + 9 }), '3-0')]);
    expect(later.conflicts).toBe(1);
    expect((await states.load([{ id: ruleId }]))[0]).toMatchObject({ status: 'armed', lastTs: T0 + 9, version: 2 });
  });

  it('follows rules inserted, updated and deleted in PostgreSQL within a second', async () => {
    await start();
    const ruleId = await insertRule(t.db, { threshold: 4000, cooldownSec: 0, rearmPct: 0 });
    await eventually(() => expect(worker!.index.get(ruleId)).toBeDefined(), 1_000);
    await append(priceUpdate({ price: 4001, ts: T0 }));
    await eventually(async () => expect(await outboxNotifications(queue)).toHaveLength(1), 3_000);

    // Raised threshold: 4,500 is now needed (re-arming below it first).
    await t.db.query('UPDATE alert_rules SET threshold = 4500 WHERE id = $1', [ruleId]);
    await eventually(() => expect(worker!.index.get(ruleId)?.threshold).toBe(4500), 1_000);
    await append(
      priceUpdate({ price: 4200, ts: T0 + 1_000 }),
      priceUpdate({ price: 4400, ts: T0 + 2_000 }),
      priceUpdate({ price: 4510, ts: T0 + 3_000 }),
    );
    await handled(4);
    expect((await outboxNotifications(queue)).map((n) => n.value)).toEqual([4001, 4510]);

    // Deleted: no longer evaluated, and its state is gone from Redis.
    await t.db.query('DELETE FROM alert_rules WHERE id = $1', [ruleId]);
    const stateKey = createKeys(prefix).alertRuleState(STREAMS.outbox);
    await eventually(async () => expect(await redis.hexists(stateKey, ruleId)).toBe(0), 1_000);
    await append(priceUpdate({ price: 4000, ts: T0 + 4_000 }), priceUpdate({ price: 5000, ts: T0 + 5_000 }));
    await handled(6);
    expect(await outboxNotifications(queue)).toHaveLength(2);
  });

  it('measures *_change_pct rules against references from price_points and tvl_points', async () => {
    await t.db.query('INSERT INTO price_points (token_id, ts, price) VALUES ($1, $2, 3000), ($1, $3, 3100)', [
      'coingecko:ethereum',
      new Date(T0 - 2 * HOUR),
      new Date(T0 - 30 * MIN),
    ]);
    await t.db.query(
      "INSERT INTO tvl_points (protocol_id, chain, ts, tvl) VALUES ('aave-v3', 'base', $1, 1e9), ('aave-v3', '', $1, 2e10)",
      [new Date(T0 - 2 * HOUR)],
    );
    const up = await insertRule(t.db, { type: 'price_change_pct', threshold: 5, window: '1h', windowMs: HOUR });
    const downOnBase = await insertRule(t.db, {
      type: 'tvl_change_pct',
      threshold: -10,
      window: '1h',
      windowMs: HOUR,
      chain: 'base',
    });
    const downTotal = await insertRule(t.db, { type: 'tvl_change_pct', threshold: -10, window: '1h', windowMs: HOUR });
    await insertRule(t.db, { type: 'price_change_pct', threshold: 1, window: '24h', windowMs: 24 * HOUR }); // no 24 h history: never evaluated
    await start();
    await append(
      priceUpdate({ price: 3150, ts: T0 }), // +5.0 % from 3,000 (the value at T0 - 1 h)
      tvlUpdate({ chain: 'base', tvl: 8.9e8, ts: T0 }), // -11 % on base
      tvlUpdate({ tvl: 1.9e10, ts: T0 }), // -5 % in total: quiet
    );
    await handled(3);
    const notifications = await outboxNotifications(queue);
    expect(notifications.map((n) => [n.ruleId, n.message])).toEqual([
      [up, 'ETH (coingecko:ethereum) up 5.0% in 1h'],
      [downOnBase, 'Aave V3 (aave-v3) on base TVL down 11.0% in 1h'],
    ]);
    expect(notifications[0]!.value).toBeCloseTo(5);
    expect(notifications.some((n) => n.ruleId === downTotal)).toBe(false);
  });

  it('evaluates a chain rule only on its chain and a TVL total rule only on totals', async () => {
    const onArbitrum = await insertRule(t.db, { threshold: 100, chain: 'arbitrum', tokenId: 'coingecko:usd-coin' });
    const total = await insertRule(t.db, { type: 'tvl_above', threshold: 1e9 });
    await start();
    await append(
      priceUpdate({ tokenId: 'coingecko:usd-coin', symbol: 'USDC', chain: 'ethereum', price: 200, ts: T0 }),
      tvlUpdate({ chain: 'ethereum', tvl: 5e9, ts: T0 }),
    );
    await handled(2);
    expect(await outboxNotifications(queue)).toEqual([]);
    await append(
      priceUpdate({ tokenId: 'coingecko:usd-coin', symbol: 'USDC', chain: 'arbitrum', price: 200, ts: T0 + 1 }),
      tvlUpdate({ tvl: 5e9, ts: T0 + 1 }),
    );
    await handled(4);
    expect((await outboxNotifications(queue)).map((n) => n.ruleId)).toEqual([onArbitrum, total]);
  });

  it('counts and skips malformed and unknown events without stopping, and exposes its metrics', async () => {
    const ruleId = await insertRule(t.db, { threshold: 4000 });
    await start();
    await append(
      'not json',
      { eventId: 'x', type: 'volume_update', data: {} },
      { eventId: 'y', type: 'price_update', data: { tokenId: 'coingecko:ethereum' } },
    );
    await append(priceUpdate({ price: 4100, ts: T0 }), priceUpdate({ tokenId: 'coingecko:nobody', price: 1, ts: T0 }));
    await handled(5);
    expect((await outboxNotifications(queue)).map((n) => n.ruleId)).toEqual([ruleId]);
    const text = await registry.metrics();
    expect(text).toContain('alert_events_evaluated_total{outcome="malformed"} 2');
    expect(text).toContain('alert_events_evaluated_total{outcome="unknown_type"} 1');
    expect(text).toContain('alert_events_evaluated_total{outcome="evaluated"} 1');
    expect(text).toContain('alert_events_evaluated_total{outcome="no_rules"} 1');
    expect(text).toContain('alert_rule_evaluations_total 1');
    expect(text).toContain('alert_notifications_total{type="price_above"} 1');
    expect(text).toContain('alert_events_pending 0');
    expect(text).toMatch(/alert_eval_batch_seconds_count [1-9]/);
  });
});

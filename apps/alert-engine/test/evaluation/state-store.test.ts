import { createQueue, STREAMS, type Queue } from '@defi-realtime/queue';
import { closeRedis, createKeys, createRedis, type RedisClient } from '@defi-realtime/redis';
import { cleanupPrefix, redisUrlForTests, requireRedis, uniquePrefix } from '@defi-realtime/redis/testing';
import { INITIAL_STATE, type RuleState } from '../../src/evaluation/rule-state';
import { createStateStore, type RuleStateStore } from '../../src/evaluation/state-store';
import { outboxNotifications } from './outbox';

/** Rules by id (stores may remember states per rule object, so each rule is one object). */
const r = { a: { id: 'a' }, b: { id: 'b' }, c: { id: 'c' }, d: { id: 'd' }, bad: { id: 'bad' } };
const fired = (version: number, lastTs = 1_000): RuleState => ({
  status: 'fired',
  lastFiredAt: lastTs,
  crossings: 1,
  lastTs,
  version,
});
const payload = (id: string) =>
  JSON.stringify({
    id,
    ruleId: '6f1c2a9e-8d4b-4c1e-9f3a-2b7d5e8a1c40',
    owner: 'alice',
    type: 'price_above',
    priority: 'normal',
    message: 'm',
    value: 1,
    threshold: 1,
    target: {},
    firedAt: 1,
    eventId: 'e',
    test: false,
  });

describe.each(['redis', 'memory'] as const)('%s state store', (kind) => {
  let redis: RedisClient | undefined;
  let prefix: string;
  let queue: Queue;
  let store: RuleStateStore;

  beforeAll(async () => {
    if (kind === 'redis') {
      await requireRedis();
      redis = createRedis(redisUrlForTests());
    }
  });
  beforeEach(async () => {
    prefix = uniquePrefix('alert-state');
    queue = await createQueue(redis ? { redis, prefix } : {});
    store = await createStateStore({ ...(redis ? { redis } : {}), prefix, queue });
  });
  afterEach(async () => {
    await store.close();
    await queue.close();
    if (redis) await cleanupPrefix(redis, prefix);
  });
  afterAll(async () => {
    if (redis) await closeRedis(redis);
  });

  it('answers the initial state for rules with nothing stored, in the order asked', async () => {
    expect(await store.load([])).toEqual([]);
    expect(await store.load([r.a, r.b])).toEqual([INITIAL_STATE, INITIAL_STATE]);
  });

  it('commits a transition with its notifications, then refuses one computed from an old version', async () => {
    expect(
      await store.commit([{ rule: r.a, expectedVersion: 0, state: fired(1), notifications: [payload('ntf_1')] }]),
    ).toEqual([{ ok: true }]);
    expect(await store.load([r.a, r.b])).toEqual([fired(1), INITIAL_STATE]);
    // A second worker that read the rule before the first commit: conflict, with the state to start again from.
    expect(
      await store.commit([
        { rule: r.a, expectedVersion: 0, state: fired(1, 2_000), notifications: [payload('ntf_2')] },
      ]),
    ).toEqual([{ ok: false, current: fired(1) }]);
    expect((await outboxNotifications(queue)).map((n) => n.id)).toEqual(['ntf_1']);
  });

  it('commits several rules in one call, each on its own', async () => {
    await store.commit([{ rule: r.b, expectedVersion: 0, state: fired(1), notifications: [] }]);
    const results = await store.commit([
      { rule: r.a, expectedVersion: 0, state: fired(1), notifications: [payload('ntf_a1'), payload('ntf_a2')] },
      { rule: r.b, expectedVersion: 0, state: fired(1), notifications: [payload('ntf_b')] },
      { rule: r.c, expectedVersion: 0, state: { ...fired(1), status: 'armed' }, notifications: [] },
    ]);
    expect(results).toEqual([{ ok: true }, { ok: false, current: fired(1) }, { ok: true }]);
    expect((await outboxNotifications(queue)).map((n) => n.id)).toEqual(['ntf_a1', 'ntf_a2']);
  });

  it('deletes the states of deleted rules', async () => {
    await store.commit([{ rule: r.a, expectedVersion: 0, state: fired(1), notifications: [] }]);
    await store.delete(['a', 'never-stored']);
    expect(await store.load([r.a])).toEqual([INITIAL_STATE]);
  });

  if (kind === 'redis') {
    it('keeps states in one hash beside the outbox stream (same cluster slot), only for rules that moved', async () => {
      const keys = createKeys(prefix);
      await store.commit([{ rule: r.a, expectedVersion: 0, state: fired(1), notifications: [payload('ntf_1')] }]);
      const stateKey = keys.alertRuleState(STREAMS.outbox);
      expect(stateKey).toBe(`${prefix}:{stream:alerts:outbox}:rule-state`);
      // The rules that moved, and the commit counter.
      expect((await redis!.hkeys(stateKey)).sort()).toEqual(['a', '~generation']);
      expect(await redis!.hget(stateKey, '~generation')).toBe('1');
      expect(JSON.parse((await redis!.hget(stateKey, 'a'))!)).toEqual(fired(1));
      // Redis Cluster hashes only the part in braces: the same tag, the same slot.
      const tag = (key: string) => /\{([^}]*)\}/.exec(key)?.[1];
      expect(tag(stateKey)).toBe(tag(keys.stream(STREAMS.outbox)));
      expect(await redis!.xlen(keys.stream(STREAMS.outbox))).toBe(1);
    });

    it('reads states again once another worker committed, and trusts what it knows while only its own commits happened', async () => {
      const other = await createStateStore({ redis: redis!, prefix, queue });
      expect(await store.load([r.a, r.b])).toEqual([INITIAL_STATE, INITIAL_STATE]);
      expect(await other.load([r.b])).toEqual([INITIAL_STATE]);
      // Its own commit: known without asking.
      await store.commit([{ rule: r.a, expectedVersion: 0, state: fired(1), notifications: [] }]);
      const stateKey = createKeys(prefix).alertRuleState(STREAMS.outbox);
      const hmget = jest.spyOn(redis!, 'hmget');
      expect(await store.load([r.a, r.b])).toEqual([fired(1), INITIAL_STATE]);
      expect(hmget.mock.calls).toEqual([[stateKey, '~generation']]); // only the counter
      hmget.mockClear();

      // Another worker moves b: the next load sees it (and a's state is read again too).
      await other.commit([{ rule: r.b, expectedVersion: 0, state: fired(1, 2_000), notifications: [] }]);
      expect(await store.load([r.a, r.b])).toEqual([fired(1), fired(1, 2_000)]);
      expect(hmget.mock.calls).toEqual([
        [stateKey, '~generation'],
        [stateKey, '~generation', 'a', 'b'],
      ]);
      hmget.mockRestore();

      // Its commits interleaved with another's: nothing trusted on the next load.
      await Promise.all([
        store.commit([{ rule: r.c, expectedVersion: 0, state: fired(1), notifications: [] }]),
        other.commit([{ rule: r.d, expectedVersion: 0, state: fired(1), notifications: [] }]),
      ]);
      await other.commit([
        { rule: r.a, expectedVersion: 1, state: { ...fired(2, 3_000), status: 'armed' }, notifications: [] },
      ]);
      expect((await store.load([r.a, r.c]))[0]).toEqual({ ...fired(2, 3_000), status: 'armed' });
      await other.close();
    });

    it('reads the states of 25,000 rules at once (several HMGETs in one MULTI)', async () => {
      const many = Array.from({ length: 25_000 }, (_, i) => ({ id: `rule-${i}` }));
      await store.commit(
        [0, 12_345, 24_999].map((i) => ({
          rule: many[i]!,
          expectedVersion: 0,
          state: fired(1, i + 1),
          notifications: [],
        })),
      );
      const fresh = await createStateStore({ redis: redis!, prefix, queue });
      const states = await fresh.load(many);
      expect(states).toHaveLength(25_000);
      expect([states[0], states[12_345], states[24_999]]).toEqual([fired(1, 1), fired(1, 12_346), fired(1, 25_000)]);
      expect(states.filter((st) => st === INITIAL_STATE)).toHaveLength(24_997);
      await fresh.delete(many.map((m) => m.id));
      expect(await redis!.hlen(createKeys(prefix).alertRuleState(STREAMS.outbox))).toBe(1); // the generation only
    });

    it('refuses a stored state that is not a state, naming the rule', async () => {
      await redis!.hset(createKeys(prefix).alertRuleState(STREAMS.outbox), 'bad', '{"status":"sleeping"}');
      await expect(store.load([r.bad])).rejects.toThrow(/Stored state of rule bad is invalid/);
    });
  }
});

import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createTestDatabase, type TestDatabase } from '@defi-realtime/db/testing';
import { createQueue, STREAMS, type Queue } from '@defi-realtime/queue';
import { closeRedis, createRedis, type RedisClient } from '@defi-realtime/redis';
import { cleanupPrefix, redisUrlForTests, requireRedis, uniquePrefix } from '@defi-realtime/redis/testing';
import { createLogger } from '@defi-realtime/runtime';
import { EXIT_WITH_PARENT, eventually, START_TEST_TIMEOUT_MS, withTimeout } from '@defi-realtime/runtime/testing';
import { notificationId } from '../../src/evaluation/notify';
import { createStateStore, type RuleStateStore } from '../../src/evaluation/state-store';
import { EVALUATION_GROUP, startEvaluation, type Evaluation } from '../../src/evaluation/worker';
import { T0, priceUpdate, tvlUpdate } from './events';
import { outboxNotifications } from './outbox';
import { insertRule } from './rules';

jest.setTimeout(60_000);

interface WorkerProcess {
  child: ChildProcess;
  logs: Array<Record<string, unknown>>;
  exited: Promise<NodeJS.Signals | number | null>;
}

/** Start test/evaluation/worker-process.ts (the real startEvaluation) as its own OS process. */
function spawnWorker(env: Record<string, string>): WorkerProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--import', EXIT_WITH_PARENT, resolve(__dirname, 'worker-process.ts')],
    {
      env: { ...process.env, NODE_OPTIONS: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    },
  );
  const logs: Array<Record<string, unknown>> = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      logs.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // not a log line
    }
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((done) =>
    child.once('exit', (code, signal) => done(signal ?? code)),
  );
  void exited.then((how) => {
    if (how !== 'SIGKILL') logs.push({ msg: 'exited', how, stderr });
  });
  return { child, logs, exited };
}

describe.each(['read', 'commit'] as const)('a worker SIGKILLed mid-batch (paused at %s)', (pauseAt) => {
  let t: TestDatabase;
  let redis: RedisClient;
  let prefix: string;
  let queue: Queue;
  let states: RuleStateStore;
  let survivor: Evaluation | undefined;
  let doomed: WorkerProcess | undefined;

  beforeAll(async () => {
    await requireRedis();
    t = await createTestDatabase('postgres');
    redis = createRedis(redisUrlForTests());
    prefix = uniquePrefix(`alert-crash-${pauseAt}`);
    queue = await createQueue({ redis, prefix });
    states = await createStateStore({ redis, prefix, queue });
  });
  afterAll(async () => {
    doomed?.child.kill('SIGKILL');
    await survivor?.stop();
    await queue.close();
    await cleanupPrefix(redis, prefix);
    await closeRedis(redis);
    await t.cleanup();
  });

  it(
    'loses nothing and duplicates nothing: its events are claimed and each notification is on the outbox once',
    async () => {
      const above = await insertRule(t.db, { threshold: 4000, cooldownSec: 0, rearmPct: 0 });
      const below = await insertRule(t.db, { type: 'price_below', threshold: 3000, cooldownSec: 0, rearmPct: 0 });
      const tvl = await insertRule(t.db, { type: 'tvl_above', threshold: 1e9, cooldownSec: 0, rearmPct: 0 });
      const events = [
        priceUpdate({ price: 3990, ts: T0 + 1 }),
        priceUpdate({ price: 4010, ts: T0 + 2 }), // above fires
        priceUpdate({ price: 3980, ts: T0 + 3 }), // re-arms
        priceUpdate({ price: 4020, ts: T0 + 4 }), // above fires again
        priceUpdate({ price: 2990, ts: T0 + 5 }), // below fires (above re-arms)
        tvlUpdate({ tvl: 9e8, ts: T0 + 1 }),
        tvlUpdate({ tvl: 1.1e9, ts: T0 + 2 }), // tvl fires
        tvlUpdate({ tvl: 9e8, ts: T0 + 3 }), // re-arms
        tvlUpdate({ tvl: 1.2e9, ts: T0 + 4 }), // tvl fires again
      ];
      const expected = [
        notificationId(above, events[1]!.eventId),
        notificationId(above, events[3]!.eventId),
        notificationId(below, events[4]!.eventId),
        notificationId(tvl, events[6]!.eventId),
        notificationId(tvl, events[8]!.eventId),
      ].sort();
      await queue.ensureGroup(STREAMS.events, EVALUATION_GROUP, 'start');
      await queue.add(
        STREAMS.events,
        events.map((e) => JSON.stringify(e)),
      );

      doomed = spawnWorker({
        REDIS_URL: redisUrlForTests(),
        REDIS_PREFIX: prefix,
        DATABASE_URL: t.url!,
        DATABASE_SCHEMA: t.schema,
        ALERT_EVAL_CONSUMER: 'doomed',
        ALERT_EVAL_BATCH: '100',
        ALERT_EVAL_BATCH_DELAY_MS: '60000',
        ALERT_EVAL_BATCH_DELAY_AT: pauseAt,
        ALERT_CLAIM_IDLE_MS: '60000',
        ALERT_RULES_RELOAD_MS: '0',
      });
      // It has read the whole batch (pending on it), and at `commit` also committed it (tsx
      // compiles the worker at start: most of a minute on a busy machine).
      await eventually(async () => {
        expect(doomed!.logs.find((l) => l.msg === 'exited')).toBeUndefined();
        expect(await queue.pendingCount(STREAMS.events, EVALUATION_GROUP)).toBe(events.length);
        if (pauseAt === 'commit') expect(doomed!.logs.some((l) => l.msg === 'batch handled')).toBe(true);
      }, START_TEST_TIMEOUT_MS - 30_000);
      expect((await outboxNotifications(queue)).map((n) => n.id).sort()).toEqual(pauseAt === 'commit' ? expected : []);

      doomed.child.kill('SIGKILL');
      expect(await withTimeout(doomed.exited, 5_000, 'the worker to die')).toBe('SIGKILL');
      expect(await queue.pendingCount(STREAMS.events, EVALUATION_GROUP)).toBe(events.length); // never acknowledged

      let handled = 0;
      survivor = await startEvaluation(
        { db: t.db, queue, states, logger: createLogger('survivor', 'silent') },
        {
          claimIdleMs: 500,
          claimEveryMs: 100,
          blockMs: 50,
          rulesReloadMs: 0,
          onBatch: (r) => (handled += r.events.evaluated),
        },
      );
      await eventually(async () => {
        expect(handled).toBe(events.length);
        expect(await queue.pendingCount(STREAMS.events, EVALUATION_GROUP)).toBe(0);
      }, 10_000);
      expect((await outboxNotifications(queue)).map((n) => n.id).sort()).toEqual(expected);
    },
    START_TEST_TIMEOUT_MS,
  );
});

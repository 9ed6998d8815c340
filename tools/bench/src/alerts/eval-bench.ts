/*
 * Alert evaluation benchmark: one evaluation worker, in this process, against
 * 100,000 enabled rules over 1,000 targets in PostgreSQL, with the events stream, the
 * rule states and the outbox in Redis. The events are appended before the worker starts;
 * the worker then drains them as fast as it can.
 *
 *   npx tsx tools/bench/src/alerts/eval-bench.ts [--rules 100000] [--targets 1000]
 *        [--events 100000] [--batch 500] [--seed 7]
 *
 * Prints the result as JSON, then as a Markdown table. Target: >= 10,000 events/s.
 * Everything it creates (a PostgreSQL schema, a Redis key prefix) is removed at the end.
 */
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import {
  EVALUATION_DEFAULTS,
  EVALUATION_GROUP,
  createStateStore,
  startEvaluation,
  type BatchReport,
} from '@defi-realtime/alert-engine';
import { createDatabase, migrate, type Database } from '@defi-realtime/db';
import { STREAMS, createQueue, type Queue } from '@defi-realtime/queue';
import { closeRedis, createKeys, createRedis, type RedisClient } from '@defi-realtime/redis';
import { cleanupPrefix } from '@defi-realtime/redis/testing';
import { createLogger } from '@defi-realtime/runtime';
import { summarize } from '../stats';
import { insertHistory, insertRules, makeEvents, makeTargets, random } from './workload';

const { values: args } = parseArgs({
  options: {
    rules: { type: 'string', default: '100000' },
    targets: { type: 'string', default: '1000' },
    events: { type: 'string', default: '100000' },
    batch: { type: 'string', default: String(EVALUATION_DEFAULTS.batchSize) },
    seed: { type: 'string', default: '7' },
  },
});
const size = {
  rules: Number(args.rules),
  targets: Number(args.targets),
  events: Number(args.events),
  batch: Number(args.batch),
};
for (const [name, value] of Object.entries(size)) {
  if (!(Number.isInteger(value) && value > 0))
    throw new TypeError(`--${name} must be a whole number > 0, got ${String(value)}`);
}
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const tag = randomBytes(3).toString('hex');
const prefix = `bench_alerts_${tag}`;
const schema = `bench_alerts_${tag}`;
const logger = createLogger('alert-eval-bench', 'warn');

async function run(db: Database, redis: RedisClient, queue: Queue) {
  const rand = random(Number(args.seed));
  const start = Date.now() - 3_600_000;
  const targets = makeTargets(size.targets);
  const rulesPerTarget = Math.ceil(size.rules / size.targets);
  process.stderr.write(
    `inserting ${(rulesPerTarget * size.targets).toLocaleString('en-US')} rules and window history...\n`,
  );
  const rules = await insertRules(db, targets, rulesPerTarget, rand);
  await insertHistory(db, targets, start, rand);
  const events = makeEvents(targets, size.events, start, rand);
  await queue.ensureGroup(STREAMS.events, EVALUATION_GROUP, 'start');
  for (let i = 0; i < events.length; i += 5_000) await queue.add(STREAMS.events, events.slice(i, i + 5_000));
  process.stderr.write(`${events.length.toLocaleString('en-US')} events on the stream; starting one worker\n`);

  const states = await createStateStore({ redis, prefix, queue });
  const batches: number[] = [];
  const totals = { events: 0, evaluated: 0, ruleEvaluations: 0, notifications: 0, conflicts: 0, skipped: 0 };
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => (done = resolve));
  const onBatch = (report: BatchReport, seconds: number) => {
    batches.push(seconds * 1000);
    const count = Object.values(report.events).reduce((a, b) => a + b, 0);
    totals.events += count;
    totals.evaluated += report.events.evaluated;
    totals.skipped += count - report.events.evaluated - report.events.no_rules;
    totals.ruleEvaluations += report.ruleEvaluations;
    totals.notifications += Object.values(report.notifications).reduce((a, b) => a + (b ?? 0), 0);
    totals.conflicts += report.conflicts;
    // Steady state: from the batch that takes the worker past the first 10 % of events
    // (the first batches read every rule's state and reference once, and warm the JIT).
    if (!steady && totals.events >= events.length / 10) {
      steady = {
        at: performance.now(),
        events: totals.events,
        ruleEvaluations: totals.ruleEvaluations,
        batches: batches.length,
        cpu: process.cpuUsage(),
      };
    }
    if (totals.events >= events.length) done();
  };
  let steady:
    { at: number; events: number; ruleEvaluations: number; batches: number; cpu: NodeJS.CpuUsage } | undefined;

  const loadBefore = loadavg()[0]!;
  const loadStarted = performance.now();
  const worker = await startEvaluation(
    { db, queue, states, logger },
    { batchSize: size.batch, blockMs: 100, rulesReloadMs: 0, from: 'start', consumer: 'bench', onBatch },
  );
  const ready = performance.now();
  const cpuBefore = process.cpuUsage();
  await finished;
  const end = performance.now();
  const seconds = (end - ready) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const steadySeconds = steady ? (end - steady.at) / 1000 : Number.NaN;
  const steadyCpu = steady ? process.cpuUsage(steady.cpu) : undefined;
  const steadyBatch = summarize(batches.slice(steady?.batches ?? 0));
  await worker.stop();
  const outbox = await redis.xlen(createKeys(prefix).stream(STREAMS.outbox));
  const batch = summarize(batches);
  return {
    benchmark: 'alert-evaluation',
    startedAt: new Date().toISOString(),
    host: { cores: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version },
    workload: {
      rules,
      indexed: worker.index.size,
      targets: size.targets,
      events: events.length,
      batchSize: size.batch,
      seed: Number(args.seed),
    },
    rulesLoadSeconds: (ready - loadStarted) / 1000,
    seconds,
    eventsPerSecond: totals.events / seconds,
    eventsTouchingRules: totals.evaluated,
    ruleEvaluations: totals.ruleEvaluations,
    ruleEvaluationsPerSecond: totals.ruleEvaluations / seconds,
    notifications: totals.notifications,
    outboxEntries: outbox,
    conflicts: totals.conflicts,
    batches: batches.length,
    batchMs: { p50: batch.p50, p99: batch.p99, max: batch.max, mean: batch.mean },
    references: { ...worker.references.stats },
    workerCpuPercent: ((cpu.user + cpu.system) / 1e6 / seconds) * 100,
    steady: {
      events: totals.events - (steady?.events ?? 0),
      seconds: steadySeconds,
      eventsPerSecond: (totals.events - (steady?.events ?? 0)) / steadySeconds,
      ruleEvaluationsPerSecond: (totals.ruleEvaluations - (steady?.ruleEvaluations ?? 0)) / steadySeconds,
      batchMs: { p50: steadyBatch.p50, p99: steadyBatch.p99 },
      workerCpuPercent: steadyCpu ? ((steadyCpu.user + steadyCpu.system) / 1e6 / steadySeconds) * 100 : Number.NaN,
      /** Worker CPU per event: what a busy machine disturbs least. */
      cpuMicrosPerEvent: steadyCpu
        ? (steadyCpu.user + steadyCpu.system) / (totals.events - (steady?.events ?? 0))
        : Number.NaN,
    },
    rssMiB: process.memoryUsage().rss / 2 ** 20,
    /** 1-minute load average before and after: above the core count, other processes competed. */
    loadAverage: { before: loadBefore, after: loadavg()[0]! },
  };
}

function markdown(r: Awaited<ReturnType<typeof run>>): string {
  const n = (v: number, digits = 0) =>
    v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const rows: Array<[string, string]> = [
    ['rules (indexed) / targets', `${n(r.workload.rules)} (${n(r.workload.indexed)}) / ${n(r.workload.targets)}`],
    ['events evaluated', `${n(r.workload.events)} (${n(r.eventsTouchingRules)} touching rules)`],
    ['**events/s (one worker)**, whole run', `**${n(r.eventsPerSecond)}**`],
    ['events/s after the first 10 % (warm)', n(r.steady.eventsPerSecond)],
    [
      'rule evaluations/s, whole run / warm',
      `${n(r.ruleEvaluationsPerSecond)} / ${n(r.steady.ruleEvaluationsPerSecond)}`,
    ],
    ['notifications (outbox entries)', `${n(r.notifications)} (${n(r.outboxEntries)})`],
    ['batch p50 / p99 / max (ms)', `${n(r.batchMs.p50, 1)} / ${n(r.batchMs.p99, 1)} / ${n(r.batchMs.max, 1)}`],
    ['batch p50 / p99 when warm (ms)', `${n(r.steady.batchMs.p50, 1)} / ${n(r.steady.batchMs.p99, 1)}`],
    ['batch size, batches', `${n(r.workload.batchSize)}, ${n(r.batches)}`],
    ['reference queries / lookups', `${n(r.references.queries)} / ${n(r.references.lookups)}`],
    ['worker CPU (% of a core), whole run / warm', `${n(r.workerCpuPercent)} / ${n(r.steady.workerCpuPercent)}`],
    [
      'worker CPU per event, warm (us)',
      `${n(r.steady.cpuMicrosPerEvent, 1)} (${n(1e6 / r.steady.cpuMicrosPerEvent)} events per CPU-second)`,
    ],
    [
      'load average before / after (cores)',
      `${n(r.loadAverage.before, 1)} / ${n(r.loadAverage.after, 1)} (${r.host.cores})`,
    ],
    ['rules load (s)', n(r.rulesLoadSeconds, 2)],
    ['RSS (MiB)', n(r.rssMiB)],
  ];
  return [
    `### Alert evaluation: ${n(r.workload.rules)} rules over ${n(r.workload.targets)} targets`,
    '',
    `${r.startedAt}, ${r.host.cores} cores (${r.host.cpuModel}), Node ${r.host.node}; real Redis (queue, state, outbox) and PostgreSQL (rules, history).`,
    '',
    '| metric | value |',
    '| --- | ---: |',
    ...rows.map(([k, v]) => `| ${k} | ${v} |`),
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const db = await createDatabase({ url: DATABASE_URL, schema, logger });
  const redis = createRedis(REDIS_URL);
  const queue = await createQueue({ redis, prefix, logger });
  let cleaned: Promise<void> | undefined;
  const cleanup = () =>
    (cleaned ??= (async () => {
      await queue.close();
      await cleanupPrefix(redis, prefix);
      await closeRedis(redis);
      await db.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await db.close();
    })());
  // Ctrl-C leaves nothing behind either.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void cleanup().finally(() => process.exit(130)));
  }
  try {
    await migrate(db, { logger });
    const result = await run(db, redis, queue);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n\n${markdown(result)}`);
  } finally {
    await cleanup();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});

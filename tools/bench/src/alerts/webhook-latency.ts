/*
 * Event-to-webhook latency benchmark: price crossings go in
 * through the event processor's `POST /v1/ingest`, out of the alert engine as signed
 * webhook requests to a local endpoint answering 204 at once; each request is matched to
 * its crossing and timed from the ingest request's send to the webhook's arrival. Both
 * apps run as their own processes on real Redis and PostgreSQL.
 *
 *   npx tsx tools/bench/src/alerts/webhook-latency.ts [--rules 1000] [--crossings 2000]
 *        [--rate 50] [--tokens 10] [--drain 10] [--keep]
 *
 * Writes tools/bench/results/alerts-webhook-<timestamp>.json and prints a Markdown table.
 * Target: p99 < 100 ms. The PostgreSQL schema and Redis prefix it creates are removed at
 * the end and on Ctrl-C, unless --keep.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase, type Database } from '@defi-realtime/db';
import { closeRedis, createRedis } from '@defi-realtime/redis';
import { cleanupPrefix } from '@defi-realtime/redis/testing';
import { createLogger } from '@defi-realtime/runtime';
import { spawnApp, type AppProcess } from '@defi-realtime/runtime/testing';
import { processCpuMicros, processMemory } from '../proc-stats';
import { CrossingDriver, type Crossing } from './webhook-crossings';
import { startWebhookReceiver, type WebhookArrival, type WebhookReceiver } from './webhook-receiver';
import { TARGET_P99_MS, markdown, matchArrivals, type ProcessUsage, type WebhookBenchResult } from './webhook-report';
import { createBenchRules, type BenchRules } from './webhook-rules';
import { stageLatencies } from './webhook-stages';

const { values: args } = parseArgs({
  options: {
    rules: { type: 'string', default: '1000' },
    crossings: { type: 'string', default: '2000' },
    rate: { type: 'string', default: '50' },
    /** Tokens the crossings take turns on; the rules are spread over them. */
    tokens: { type: 'string', default: '10' },
    /** Seconds to wait after the last crossing for missing webhooks. */
    drain: { type: 'string', default: '10' },
    keep: { type: 'boolean', default: false },
  },
});
const size = {
  rules: Number(args.rules),
  crossings: Number(args.crossings),
  rate: Number(args.rate),
  tokens: Number(args.tokens),
  drain: Number(args.drain),
};
for (const [name, value] of Object.entries(size)) {
  if (!(Number.isInteger(value) && value > 0))
    throw new TypeError(`--${name} must be a whole number > 0, got ${String(value)}`);
}
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const tag = randomBytes(3).toString('hex');
const prefix = `bench_webhook_${tag}`;
const schema = prefix;
const INGEST_TOKEN = `bench-${randomBytes(12).toString('hex')}`;
const RESULTS_DIR = resolve(__dirname, '../../results');
/** How long the warm-up crossings' webhooks may take: the rule index and every connection are cold. */
const WARMUP_TIMEOUT_MS = 30_000;
/** tsx compiles each app at start-up: slow on a busy machine. */
const START_TIMEOUT_MS = 90_000;
const logger = createLogger('alert-webhook-bench', 'warn');
const progress = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves true once every published crossing in `crossings` has a webhook, false after `timeoutMs`. */
async function waitForWebhooks(
  crossings: readonly Crossing[],
  arrivals: readonly WebhookArrival[],
  timeoutMs: number,
): Promise<boolean> {
  const wanted = new Set(crossings.filter((c) => !c.error && c.events > 0).map((c) => c.timestamp));
  const deadline = performance.now() + timeoutMs;
  let checked = 0;
  for (;;) {
    for (; checked < arrivals.length; checked++) wanted.delete(arrivals[checked]!.timestamp);
    if (wanted.size === 0) return true;
    if (performance.now() >= deadline) return false;
    await sleep(20);
  }
}

function usage(pid: number, cpuBefore: number, seconds: number, crossings: number): ProcessUsage {
  const cpuMs = (processCpuMicros(pid) - cpuBefore) / 1000;
  const memory = processMemory(pid);
  return {
    cpuPercent: (cpuMs / 1000 / seconds) * 100,
    cpuMsPerCrossing: cpuMs / crossings,
    rssMiB: memory.rss / 2 ** 20,
    peakRssMiB: memory.peak / 2 ** 20,
  };
}

/** What went wrong when the warm-up webhooks do not arrive: deliveries by status, the alert engine's warnings. */
async function diagnose(db: Database, alerts: AppProcess): Promise<void> {
  const { rows } = await db.query<{ status: string; count: string; last_error: string | null }>(
    'SELECT status, count(*) AS count, max(last_error) AS last_error FROM alert_deliveries GROUP BY status',
  );
  progress(`alert_deliveries by status: ${JSON.stringify(rows)}`);
  const metrics = await (await fetch(`${alerts.url}/metrics`)).text();
  for (const line of metrics
    .split('\n')
    .filter((l) => /^alert_(events_evaluated|notifications|outbox_entries|deliveries)_total/.test(l)))
    progress(`alert-engine metric: ${line}`);
  for (const entry of alerts.logs.filter((e) => Number(e.level) >= 40).slice(-10))
    progress(`alert-engine: ${JSON.stringify(entry)}`);
}

async function run(db: Database, receiver: WebhookReceiver, apps: AppProcess[]): Promise<WebhookBenchResult> {
  const startedAt = new Date().toISOString();
  const separator = DATABASE_URL.includes('?') ? '&' : '?';
  const common = {
    REDIS_URL,
    REDIS_PREFIX: prefix,
    DATABASE_URL: `${DATABASE_URL}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    // spawnApp waits for the info-level "<app> listening" line; neither app logs per request at info.
    LOG_LEVEL: 'info',
  };
  // The receiver listens on loopback, which the SSRF guard refuses unless allowed.
  const engineEnv = { ...common, WEBHOOK_ALLOW_PRIVATE: 'true', ALERT_EVAL_BLOCK_MS: '50' };
  const tokenIds = Array.from({ length: size.tokens }, (_, i) => `coingecko:bench-webhook-${i}`);

  // The rules are created through one alert-engine process (API only), and measured with
  // a second one that loads them all at start-up: the measurement then starts from a
  // settled rule index, without the thousand rule-change notifications in its window.
  const api = await spawnApp('alert-engine', { ...engineEnv, ALERT_EVAL_ENABLED: 'false' }, START_TIMEOUT_MS);
  apps.push(api);
  progress(`creating ${size.rules.toLocaleString('en-US')} rules through POST /v2/alerts...`);
  const rules: BenchRules = await createBenchRules({
    db,
    alertsUrl: api.url,
    tokenIds,
    rules: size.rules,
    receiverUrl: receiver.url,
    onSecret: (ruleId, secret) => receiver.secrets.set(ruleId, secret),
  });
  await api.stop('SIGTERM');

  const alerts = await spawnApp('alert-engine', engineEnv, START_TIMEOUT_MS);
  apps.push(alerts);
  const loaded = alerts.logs.find((entry) => entry.msg === 'alert rules loaded');
  if (Number(loaded?.rules) !== size.rules) {
    throw new Error(`the alert engine loaded ${String(loaded?.rules)} rules at start-up, expected ${size.rules}`);
  }
  const processor = await spawnApp('event-processor', { ...common, INGEST_TOKEN }, START_TIMEOUT_MS);
  apps.push(processor);

  const driver = new CrossingDriver({ ingestUrl: processor.url, token: INGEST_TOKEN, tokenIds });
  await driver.seed();
  // Up and down once per token, not measured: proves the whole path works and warms its
  // connections, JIT and caches.
  progress('warm-up: one crossing each way per token...');
  const warmup = await driver.run(2 * size.tokens, size.rate);
  const refused = warmup.find((c) => c.error || c.events === 0);
  if (refused)
    throw new Error(`warm-up: a crossing was not published (${refused.error ?? 'ingest reported no event'})`);
  if (!(await waitForWebhooks(warmup, receiver.arrivals, WARMUP_TIMEOUT_MS))) {
    await diagnose(db, alerts);
    throw new Error(
      `warm-up: not every crossing's webhook arrived within ${WARMUP_TIMEOUT_MS / 1000} s (${receiver.arrivals.length} of ${warmup.length}): rules not indexed or delivery failing; see the alert-engine logs`,
    );
  }
  const ignored = new Set(warmup.map((c) => c.timestamp));

  progress(`measuring: ${size.crossings.toLocaleString('en-US')} crossings at ${size.rate}/s...`);
  const pids = { alerts: alerts.child.pid!, processor: processor.child.pid! };
  const cpuBefore = { alerts: processCpuMicros(pids.alerts), processor: processCpuMicros(pids.processor) };
  const loadBefore = loadavg()[0]!;
  const started = performance.now();
  const crossings = await driver.run(size.crossings, size.rate);
  const sendSeconds = (performance.now() - started) / 1000;
  const complete = await waitForWebhooks(crossings, receiver.arrivals, size.drain * 1000);
  const seconds = (performance.now() - started) / 1000;
  const alertEngine = usage(pids.alerts, cpuBefore.alerts, seconds, crossings.length);
  const eventProcessor = usage(pids.processor, cpuBefore.processor, seconds, crossings.length);
  // A little longer, so a duplicate right behind its first copy is counted too.
  if (complete) await sleep(500);

  const matching = matchArrivals(crossings, receiver.arrivals, rules.webhook, ignored);
  const stages = await stageLatencies(db, crossings, receiver.arrivals);
  return {
    benchmark: 'alert-event-to-webhook',
    startedAt,
    host: { cores: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version },
    workload: {
      rules: size.rules,
      webhookRules: rules.webhook.size,
      websocketRules: rules.websocket,
      owners: rules.owners,
      tokens: size.tokens,
      crossings: size.crossings,
      rate: size.rate,
      drainSec: size.drain,
    },
    ...matching,
    seconds,
    achievedRate: crossings.length / sendSeconds,
    stages,
    target: { p99Ms: TARGET_P99_MS, met: matching.webhooks.lost === 0 && matching.latencyMs.p99 < TARGET_P99_MS },
    alertEngine,
    eventProcessor,
    loadAverage: { before: loadBefore, after: loadavg()[0]! },
  };
}

async function main(): Promise<void> {
  const db = await openDatabase({ url: DATABASE_URL, schema, logger });
  const redis = createRedis(REDIS_URL);
  const receiver = await startWebhookReceiver();
  const apps: AppProcess[] = [];
  let cleaned: Promise<void> | undefined;
  const cleanup = () =>
    (cleaned ??= (async () => {
      for (const app of apps.reverse()) await app.stop('SIGTERM');
      await receiver.close();
      if (args.keep) {
        progress(`--keep: PostgreSQL schema ${schema} and Redis prefix ${prefix}: are left in place`);
      } else {
        await cleanupPrefix(redis, prefix);
        await db.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      }
      await closeRedis(redis);
      await db.close();
    })());
  // Ctrl-C leaves nothing behind either. `on`, not `once`: the signal comes twice (from
  // the terminal to the process group, and relayed by tsx), and a second one without a
  // handler would end the process in the middle of the cleanup.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (!cleaned) progress(`${signal}: stopping the apps and cleaning up...`);
      void cleanup().finally(() => process.exit(130));
    });
  }
  try {
    const result = await run(db, receiver, apps);
    mkdirSync(RESULTS_DIR, { recursive: true });
    const file = resolve(RESULTS_DIR, `alerts-webhook-${result.startedAt.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    progress(`result: ${file}`);
    process.stdout.write(markdown(result));
  } finally {
    await cleanup();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});

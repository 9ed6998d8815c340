/*
 * Event-processor benchmark: ingest throughput with real Redis and PostgreSQL,
 * and ingest-to-WebSocket delivery latency through a real gateway.
 *
 *   npx tsx tools/bench/src/ingest/cli.ts [--duration 15] [--concurrency 8] [--batch 1000]
 *        [--tokens 2000] [--move-pct 0.5] [--latency-rate 2000] [--latency-duration 15] [--out bench-results]
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createDatabase } from '@defi-realtime/db';
import { createRedis } from '@defi-realtime/redis';
import WebSocket from 'ws';
import { spawnApp, type AppProcess } from '@defi-realtime/runtime/testing';
import { processCpuMicros as cpuMicros } from '../proc-stats';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '15' },
    concurrency: { type: 'string', default: '8' },
    batch: { type: 'string', default: '1000' },
    tokens: { type: 'string', default: '2000' },
    /** Largest random move per record, percent: 0.5 makes most records events, 0.05 almost none. */
    'move-pct': { type: 'string', default: '0.5' },
    'latency-rate': { type: 'string', default: '2000' },
    'latency-duration': { type: 'string', default: '15' },
    out: { type: 'string', default: 'bench-results' },
  },
});
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const TOKEN = `bench-${randomBytes(12).toString('hex')}`;
const prefix = `bench_ingest_${randomBytes(3).toString('hex')}`;
const schema = prefix;
const dbUrl = `${DATABASE_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let refusals = 0;

/** POST a batch; a 503 (PostgreSQL behind, nothing accepted) is backpressure: wait and send it again. */
async function post(url: string, body: unknown): Promise<{ accepted: number; events: number }> {
  const text = JSON.stringify(body);
  let res = await send(url, text);
  while (res.status === 503) {
    refusals += 1;
    await res.arrayBuffer();
    await sleep(100);
    res = await send(url, text);
  }
  if (!res.ok) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as { accepted: number; events: number };
}

function send(url: string, body: string): Promise<Response> {
  return fetch(`${url}/v1/ingest`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body,
  });
}

async function backlog(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^processor_write_backlog(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1] ?? NaN);
}

/** Phase 1: as many records as `concurrency` clients can push for `duration` seconds. */
async function throughput(processor: AppProcess) {
  const seconds = Number(args.duration);
  const batchSize = Number(args.batch);
  const tokens = Number(args.tokens);
  const movePct = Number(args['move-pct']);
  const prices = Array.from({ length: tokens }, () => 100);
  // One millisecond per record runs ahead of real time (thousands of records a second), and
  // ingest refuses stamps more than 5 minutes ahead: start a day back.
  let clock = Date.now() - 86_400_000;
  const makeBatch = () => ({
    prices: Array.from({ length: batchSize }, (_, i) => {
      const t = (clock + i) % tokens;
      prices[t] = prices[t]! * (1 + (Math.random() - 0.5) * 2 * (movePct / 100));
      return { tokenId: `coingecko:bench-token-${t}`, price: Number(prices[t]!.toFixed(6)), timestamp: ++clock };
    }),
  });
  await post(processor.url, makeBatch()); // warm-up: JIT, connections
  const pid = processor.child.pid!;
  const cpuBefore = cpuMicros(pid);
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let records = 0;
  let events = 0;
  await Promise.all(
    Array.from({ length: Number(args.concurrency) }, async () => {
      while (performance.now() < deadline) {
        const result = await post(processor.url, makeBatch());
        records += result.accepted;
        events += result.events;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = cpuMicros(pid) - cpuBefore;
  const backlogAtEnd = await backlog(processor.url);
  const drainStarted = performance.now();
  while ((await backlog(processor.url)) > 0 && performance.now() - drainStarted < 120_000) await sleep(100);
  const drainSeconds = (performance.now() - drainStarted) / 1000;
  return {
    records,
    events,
    seconds: elapsed,
    recordsPerSecond: records / elapsed,
    eventsPerSecond: events / elapsed,
    processorCpuPercent: (cpu / 1e6 / elapsed) * 100,
    processorCpuMicrosPerRecord: cpu / records,
    writeBacklogAtEnd: backlogAtEnd,
    drainSeconds,
    storedPerSecond: records / (elapsed + drainSeconds),
    refusals,
  };
}

/** Phase 2: a steady `rate` of changes, each one an event, timed from POST to WebSocket receipt. */
async function latency(processor: AppProcess, gateway: AppProcess, apiKey: string) {
  const rate = Number(args['latency-rate']);
  const seconds = Number(args['latency-duration']);
  const tickMs = 50;
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
  const samples: number[] = [];
  let measuring = false;
  const clients = await Promise.all(
    Array.from({ length: 10 }, async () => {
      const ws = new WebSocket(`${gateway.url.replace('http', 'ws')}/v2/realtime?apiKey=${apiKey}`);
      await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
      ws.on('message', (data) => {
        const received = Date.now();
        const message = JSON.parse(String(data)) as { type: string; data?: { timestamp: number } };
        if (message.type === 'price_update' && measuring) samples.push(received - message.data!.timestamp);
      });
      ws.send(JSON.stringify({ type: 'subscribe', channels: ['prices'] }));
      return ws;
    }),
  );
  await sleep(500);
  let flip = 0;
  const tick = async () => {
    flip += 1;
    const now = Date.now();
    // Every record moves its token by 1 %: each one is an event.
    const body = {
      prices: Array.from({ length: perTick }, (_, i) => ({
        tokenId: `coingecko:latency-token-${i}`,
        price: flip % 2 ? 1010 : 1000,
        timestamp: now,
      })),
    };
    await post(processor.url, body);
  };
  await tick(); // first values: no events
  measuring = true;
  const started = performance.now();
  let next = started;
  while (performance.now() - started < seconds * 1000) {
    void tick();
    next += tickMs;
    await sleep(Math.max(0, next - performance.now()));
  }
  await sleep(500);
  measuring = false;
  for (const ws of clients) ws.close();
  samples.sort((a, b) => a - b);
  return {
    recordsPerSecond: (perTick * 1000) / tickMs,
    deliveries: samples.length,
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    p99: percentile(samples, 99),
    max: samples.at(-1) ?? NaN,
  };
}

async function main(): Promise<void> {
  const db = await createDatabase({ url: DATABASE_URL, schema });
  const apiKey = `drt_${randomBytes(24)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .padEnd(32, 'x')
    .slice(0, 32)}`;
  const apps: AppProcess[] = [];
  try {
    const common = { REDIS_URL, REDIS_PREFIX: prefix, DATABASE_URL: dbUrl, LOG_LEVEL: 'info' };
    const processor = await spawnApp('event-processor', { ...common, INGEST_TOKEN: TOKEN, POSTGRES_CHANGES: 'off' });
    apps.push(processor);
    const phase1 = await throughput(processor);
    const gateway = await spawnApp('gateway', { ...common, SEED_API_KEYS: `${apiKey}:pro`, GATEWAY_WORKERS: '1' });
    apps.push(gateway);
    const phase2 = await latency(processor, gateway, apiKey);
    const result = { date: new Date().toISOString(), args, throughput: phase1, latency: phase2 };
    const table = [
      `Ingest benchmark (${result.date}), Redis + PostgreSQL on 127.0.0.1, event processor and gateway as their own processes`,
      '',
      '| metric | value |',
      '| --- | ---: |',
      `| ingested records/s (${args.concurrency} clients x ${args.batch}-record batches, moves up to ${args['move-pct']} %, ${phase1.seconds.toFixed(1)} s) | ${Math.round(phase1.recordsPerSecond).toLocaleString('en')} |`,
      `| events published/s (moves >= 0.1 %, each to 2 channels) | ${Math.round(phase1.eventsPerSecond).toLocaleString('en')} |`,
      `| event-processor CPU (% of a core) / us per record | ${phase1.processorCpuPercent.toFixed(0)} / ${phase1.processorCpuMicrosPerRecord.toFixed(1)} |`,
      `| PostgreSQL backlog at the end / drained in | ${phase1.writeBacklogAtEnd.toLocaleString('en')} points / ${phase1.drainSeconds.toFixed(1)} s |`,
      `| batches refused with 503 (backlog full) and resent | ${phase1.refusals.toLocaleString('en')} |`,
      `| stored records/s (ingest + drain) | ${Math.round(phase1.storedPerSecond).toLocaleString('en')} |`,
      `| ingest -> WebSocket at ${phase2.recordsPerSecond.toLocaleString('en')} records/s: p50 / p95 / p99 / max (ms) | ${phase2.p50} / ${phase2.p95} / ${phase2.p99} / ${phase2.max} (${phase2.deliveries.toLocaleString('en')} deliveries) |`,
    ].join('\n');
    console.log(table);
    mkdirSync(args.out!, { recursive: true });
    const file = `${args.out}/ingest-${result.date.replace(/[:.]/g, '-')}`;
    writeFileSync(`${file}.json`, JSON.stringify(result, null, 2));
    writeFileSync(`${file}.md`, `${table}\n`);
  } finally {
    for (const app of apps.reverse()) await app.stop('SIGTERM');
    await db.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await db.close();
    const redis = createRedis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);

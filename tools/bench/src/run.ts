import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { nowMs, sleep } from './clock';
import { waitForIdleMachine } from './idle';
import type { ConnectReport, ProbeReport, WorkerSnapshot } from './ipc';
import type { BenchOptions } from './options';
import { planWorkers } from './plan';
import { machineCpuMicros, processTree, treeCpuMicros, treeRss } from './proc-stats';
import { countBetween, startPublishing } from './publisher';
import type { TargetResult } from './result';
import { freePort, startServer } from './server-process';
import { summarize } from './stats';
import type { Publisher, RunContext, Target } from './targets/types';
import { WorkerPool } from './workers';

const HOST = '127.0.0.1';
const REPO_ROOT = path.resolve(__dirname, '../../..');
const SERVER_START_TIMEOUT_MS = 30_000;
const PUBLISHER_START_TIMEOUT_MS = 15_000;
const CONNECT_TIMEOUT_MS = 15_000;
/** Quiet time after the last connection before reading the idle RSS. */
const SETTLE_MS = 3_000;
/** After the last publish: events still in flight reach the probes. */
const DRAIN_MS = 2_000;
/** Longest wait for a server's RSS to stop moving (see settledRss). */
const RSS_SETTLE_MAX_MS = 10_000;
const MiB = 1024 * 1024;

/** A moment's counters, taken at the start and at the end of the window. */
interface Snapshot {
  at: number;
  serverCpu: number;
  harnessCpu: number;
  machine: ReturnType<typeof machineCpuMicros>;
  workers: WorkerSnapshot[];
}

/**
 * Run the workload against one target: start its server, connect, publish, measure,
 * stop everything. Never throws: a problem becomes a `not-run` or `failed` result.
 */
export async function runTarget(
  target: Target,
  options: BenchOptions,
  log: (line: string) => void,
): Promise<TargetResult> {
  const result: TargetResult = { target: target.name, description: target.description, status: 'not-run' };
  const cleanup: Array<() => Promise<void>> = [];
  const connectBudgetMs = (options.connections / options.connectRate) * 1000 + CONNECT_TIMEOUT_MS + 10_000;
  const ctx: RunContext = {
    repoRoot: REPO_ROOT,
    redisUrl: options.redisUrl,
    runId: randomBytes(4).toString('hex'),
    host: HOST,
    port: await freePort(HOST),
    connections: options.connections,
    serverProcesses: options.gatewayWorkers,
    // Everything the harness starts stops by itself after the longest this run can take.
    lifetimeMs:
      connectBudgetMs +
      2 * RSS_SETTLE_MAX_MS +
      SETTLE_MS +
      DRAIN_MS +
      (options.warmupS + options.durationS) * 1000 +
      60_000,
  };
  try {
    if (options.waitIdleS > 0)
      result.busyBeforePercent = await waitForIdleMachine(options.waitIdleS, (line) => log(`[${target.name}] ${line}`));
    log(`[${target.name}] starting the server on port ${ctx.port}`);
    const server = await startServer(target.server(ctx), HOST, ctx.port, SERVER_START_TIMEOUT_MS, ctx.lifetimeMs).catch(
      (err: unknown) => {
        throw new NotRun(`server did not start: ${message(err)}`);
      },
    );
    cleanup.push(() => server.stop());
    const starting = target.createPublisher(ctx);
    const publisher = await withTimeout(starting, PUBLISHER_START_TIMEOUT_MS, 'publisher start').catch(
      (err: unknown) => {
        void starting.then((late) => late.close()).catch(() => undefined); // one that starts after the timeout
        throw new NotRun(`publisher did not start: ${message(err)}`);
      },
    );
    cleanup.push(() => publisher.close());

    const rssBefore = await settledRss(server.pid);
    const plans = planWorkers(options, {
      target: target.name,
      host: HOST,
      port: ctx.port,
      params: target.clientParams(ctx),
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      lifetimeMs: ctx.lifetimeMs,
    });
    const pool = await WorkerPool.start(plans.length, REPO_ROOT);
    cleanup.push(() => pool.stop());

    log(
      `[${target.name}] opening ${options.connections} connections (${options.connectRate}/s over ${plans.length} workers)`,
    );
    const reports = await pool.connect(plans, connectBudgetMs);
    result.connections = mergeConnects(options.connections, reports);
    result.connectMs = summarize(reports.flatMap((r) => r.latencies));
    result.status = 'failed';
    if (!server.alive()) throw new Error(`server exited while clients connected:\n${server.output()}`);
    const { established } = result.connections;
    if (established < options.minConnected * options.connections) {
      throw new Error(
        `only ${established} of ${options.connections} connections established: ${topErrors(result.connections.errors)}`,
      );
    }

    await sleep(SETTLE_MS);
    const rssIdle = await settledRss(server.pid);
    log(
      `[${target.name}] ${established} connected; publishing ${options.rate}/s, ${options.warmupS} s warm-up + ${options.durationS} s measured`,
    );
    const stats = await measure(options, server.pid, pool, publisher);
    if (!server.alive()) throw new Error(`server exited during the run:\n${server.output()}`);
    fillWindow(result, stats, {
      pid: server.pid,
      processes: processTree(server.pid).length,
      rssBefore,
      rssIdle,
      rssEnd: treeRss(server.pid),
    });
    result.status = 'ok';
  } catch (err) {
    result.status = err instanceof NotRun ? 'not-run' : 'failed';
    result.reason = message(err);
    log(`[${target.name}] ${result.status}: ${result.reason}`);
  } finally {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  }
  return result;
}

/** Publish through warm-up and window; snapshot at both ends of the window; collect probes. */
async function measure(options: BenchOptions, serverPid: number, pool: WorkerPool, publisher: Publisher) {
  const snapshot = async (): Promise<Snapshot> => {
    const workers = await pool.snapshot();
    const cpu = process.cpuUsage();
    return {
      at: nowMs(),
      serverCpu: treeCpuMicros(serverPid),
      harnessCpu: cpu.user + cpu.system,
      machine: machineCpuMicros(),
      workers,
    };
  };
  const loop = startPublishing(publisher, options.rate);
  let published;
  let start: Snapshot;
  let end: Snapshot;
  try {
    await sleep(options.warmupS * 1000);
    start = await snapshot();
    await sleep(options.durationS * 1000);
    end = await snapshot();
  } finally {
    published = await loop.stop();
  }
  await sleep(DRAIN_MS);
  const probes = await pool.probes();
  return { start, end, published, probes };
}

function fillWindow(
  result: TargetResult,
  { start, end, published, probes }: Awaited<ReturnType<typeof measure>>,
  server: { pid: number; processes: number; rssBefore: number; rssIdle: number; rssEnd: number },
): void {
  const seconds = (end.at - start.at) / 1000;
  const established = result.connections!.established;
  const pct = (micros: number) => (micros / (seconds * 1e6)) * 100;
  const delivered = sum(end.workers, (w) => w.messages) - sum(start.workers, (w) => w.messages);
  const inWindow = countBetween(published.sentAt, start.at, end.at);
  result.connections!.lost = sum(end.workers, (w) => w.lost);
  result.connections!.lostReasons = mergeCounts(end.workers.map((w) => w.lostReasons));
  result.deliveryMs = summarize(latenciesBetween(probes, start.at, end.at));
  result.probes = {
    precise: probes.every((p) => p.imprecise === 0),
    unreadable: sum(probes, (p) => p.unreadable),
  };
  result.window = {
    seconds,
    published: inWindow,
    publishFailed: published.failed,
    publisherMaxLagMs: published.maxLagMs,
    delivered,
    deliveredPerSecond: delivered / seconds,
    deliveryRatio: delivered / (established * inWindow),
  };
  if (published.failed) result.reason = `${published.failed} publishes failed, first: ${published.firstError}`;
  const serverCpu = end.serverCpu - start.serverCpu;
  result.server = {
    pid: server.pid,
    processes: server.processes,
    cpuMicrosPerMessage: serverCpu / delivered,
    cpuPercent: pct(serverCpu),
    rssBeforeMiB: server.rssBefore / MiB,
    rssIdleMiB: server.rssIdle / MiB,
    rssPerConnectionKiB: (server.rssIdle - server.rssBefore) / 1024 / established,
    rssEndMiB: server.rssEnd / MiB,
  };
  const workerCpu = end.workers.map((w, i) => w.cpuMicros - start.workers[i]!.cpuMicros);
  const harnessCpu = end.harnessCpu - start.harnessCpu;
  result.clients = {
    cpuMicrosPerMessage: (sum(workerCpu, (c) => c) + harnessCpu) / delivered,
    workersCpuPercent: pct(sum(workerCpu, (c) => c)),
    busiestWorkerCpuPercent: pct(Math.max(...workerCpu)),
    harnessCpuPercent: pct(harnessCpu),
    loopDelayP99Ms: Math.max(...end.workers.map((w) => w.loopDelayP99Ms)),
    loopDelayMaxMs: Math.max(...end.workers.map((w) => w.loopDelayMaxMs)),
  };
  const machine = (key: keyof Snapshot['machine']) => end.machine[key] - start.machine[key];
  result.machine = {
    cores: os.cpus().length,
    busyPercent: pct(machine('busy')),
    interruptsPercent: pct(machine('interrupts')),
    stealPercent: pct(machine('steal')),
    // Not minus interrupts: softirq time spent in a process's context is in its stime too.
    otherPercent: pct(machine('busy') - machine('steal') - serverCpu - sum(workerCpu, (c) => c) - harnessCpu),
  };
}

/**
 * RSS once it stopped moving (two readings 500 ms apart within 1 %, at most 10 s): a server
 * still loading code or collecting start-up garbage would make RSS per connection meaningless.
 */
async function settledRss(pid: number): Promise<number> {
  let previous = treeRss(pid);
  for (let waited = 0; waited < RSS_SETTLE_MAX_MS; waited += 500) {
    await sleep(500);
    const current = treeRss(pid);
    if (Math.abs(current - previous) <= previous * 0.01) return current;
    previous = current;
  }
  return previous;
}

/** Probe latencies of events published in [from, to). */
function latenciesBetween(probes: ProbeReport[], from: number, to: number): number[] {
  const out: number[] = [];
  for (const { samples } of probes) {
    for (let i = 0; i < samples.length; i += 2) {
      const sentAt = samples[i]!;
      if (sentAt >= from && sentAt < to) out.push(samples[i + 1]!);
    }
  }
  return out;
}

function mergeConnects(requested: number, reports: ConnectReport[]): NonNullable<TargetResult['connections']> {
  return {
    requested,
    established: sum(reports, (r) => r.established),
    failed: sum(reports, (r) => r.failed),
    lost: 0,
    errors: mergeCounts(reports.map((r) => r.errors)),
    lostReasons: {},
    seconds: (Math.max(...reports.map((r) => r.finishedAt)) - Math.min(...reports.map((r) => r.startedAt))) / 1000,
  };
}

function mergeCounts(all: Array<Record<string, number>>): Record<string, number> {
  const merged: Record<string, number> = {};
  for (const counts of all) for (const [key, n] of Object.entries(counts)) merged[key] = (merged[key] ?? 0) + n;
  return merged;
}

function topErrors(errors: Record<string, number>): string {
  const top = Object.entries(errors)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3);
  return top.length ? top.map(([reason, n]) => `${n} x ${reason}`).join('; ') : 'no error reported';
}

function sum<T>(items: T[], of: (item: T) => number): number {
  return items.reduce((total, item) => total + of(item), 0);
}

/** A reason the target could not be run at all (as opposed to a run that broke). */
class NotRun extends Error {
  override name = 'NotRun';
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took more than ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

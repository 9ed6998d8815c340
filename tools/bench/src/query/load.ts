import autocannon from 'autocannon';
import { machineCpuMicros, treeCpuMicros, treeRss } from '../proc-stats';
import { percentile } from '../stats';
import { storesCpuDelta, storesCpuMicros } from './store-cpu';

/** One load: who to hit, with what, how hard and how long. */
export interface LoadSpec {
  /** Base URL, e.g. `http://127.0.0.1:8081`. */
  url: string;
  /** The paths, replayed in turn by every connection. Ignored when `nextPath` is given. */
  paths?: string[];
  /** A new path for every request (e.g. a URL the cache has never seen). */
  nextPath?: () => string;
  headers?: Record<string, string>;
  connections: number;
  durationS: number;
  /** Requests/s over all connections; unset: closed loop (each connection sends as soon as answered). */
  overallRate?: number;
  /** The server's pid, for its CPU and RSS from /proc. */
  serverPid?: number;
}

export interface LoadResult {
  seconds: number;
  /** Completed responses, any status. */
  responses: number;
  perSecond: number;
  /** Over 2xx answers, from each response's own timing (sub-millisecond). */
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** Connection errors and timeouts (autocannon's `errors` includes the timeouts). */
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  /** Responses by their `x-cache` header value (`none` when absent). */
  cache: Record<string, number>;
  /** Response size as received, headers included. */
  bytesPerResponse: number;
  server?: { cpuPercent: number; cpuMicrosPerRequest: number; rssEndMiB: number; rssMaxMiB: number };
  /** This process: autocannon's client work (it shares the cores with the server). */
  harnessCpuPercent: number;
  /** PostgreSQL and Redis processes on this machine (the app's queries and cache, and anyone else's). */
  storesCpuPercent: number;
  /** Machine busy time minus all the above and steal, percent of a core: other jobs. */
  otherCpuPercent: number;
}

const MiB = 1024 * 1024;

/** Run one load with autocannon in this process and measure the server from /proc around it. */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const latencies = new GrowableSamples();
  const statusCodes: Record<string, number> = {};
  const cache: Record<string, number> = {};
  let bytes = 0;

  const before = snapshot(spec.serverPid);
  let rssMax = 0;
  const sampler =
    spec.serverPid === undefined
      ? undefined
      : setInterval(() => (rssMax = Math.max(rssMax, safeRss(spec.serverPid!))), 250);

  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    autocannon(
      {
        url: spec.url,
        connections: spec.connections,
        duration: spec.durationS,
        headers: spec.headers,
        ...(spec.overallRate ? { overallRate: spec.overallRate, ignoreCoordinatedOmission: true } : {}),
        requests: spec.nextPath
          ? [{ method: 'GET', setupRequest: (request) => ({ ...request, path: spec.nextPath!() }) }]
          : (spec.paths ?? ['/']).map((path) => ({ method: 'GET' as const, path })),
        setupClient: (client) => {
          // autocannon's own histogram keeps whole milliseconds; these keep each response's time.
          client.on('headers', (info: unknown) => {
            const value = headerValue(info, 'x-cache') ?? 'none';
            cache[value] = (cache[value] ?? 0) + 1;
          });
          client.on('response', (status: number, resBytes: number, ms: number) => {
            statusCodes[status] = (statusCodes[status] ?? 0) + 1;
            bytes += resBytes;
            if (status >= 200 && status < 300) latencies.push(ms);
          });
        },
      },
      (err, res) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(res)),
    );
  });
  if (sampler) clearInterval(sampler);
  const after = snapshot(spec.serverPid);

  const seconds = result.duration;
  const responses = Object.values(statusCodes).reduce((a, b) => a + b, 0);
  const window = (after.wall - before.wall) * 1000; // microseconds
  const percentOfCore = (micros: number) => (micros / window) * 100;
  const serverCpu = after.serverCpu - before.serverCpu;
  const harnessCpu = after.harnessCpu - before.harnessCpu;
  const storesCpu = storesCpuDelta(before.stores, after.stores);
  const busy = after.machine.busy - before.machine.busy - (after.machine.steal - before.machine.steal);
  const sorted = latencies.sorted();
  return {
    seconds,
    responses,
    perSecond: responses / seconds,
    latencyMs: {
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
      mean: latencies.mean(),
    },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes,
    cache,
    bytesPerResponse: responses ? bytes / responses : Number.NaN,
    ...(spec.serverPid === undefined
      ? {}
      : {
          server: {
            cpuPercent: percentOfCore(serverCpu),
            cpuMicrosPerRequest: serverCpu / Math.max(1, responses),
            rssEndMiB: safeRss(spec.serverPid) / MiB,
            rssMaxMiB: Math.max(rssMax, safeRss(spec.serverPid)) / MiB,
          },
        }),
    harnessCpuPercent: percentOfCore(harnessCpu),
    storesCpuPercent: percentOfCore(storesCpu),
    otherCpuPercent: Math.max(0, percentOfCore(busy - serverCpu - harnessCpu - storesCpu)),
  };
}

function snapshot(serverPid: number | undefined) {
  const usage = process.cpuUsage();
  return {
    wall: performance.now(),
    serverCpu: serverPid === undefined ? 0 : treeCpuMicros(serverPid),
    harnessCpu: usage.user + usage.system,
    stores: storesCpuMicros(),
    machine: machineCpuMicros(),
  };
}

function safeRss(pid: number): number {
  try {
    return treeRss(pid);
  } catch {
    return 0; // exited: reported by the caller through its status
  }
}

/**
 * A header from autocannon's 'headers' event: http-parser-js's info object, whose
 * `headers` is the raw [name, value, name, value...] list.
 */
export function headerValue(info: unknown, name: string): string | undefined {
  const raw = (info as { headers?: unknown } | undefined)?.headers;
  if (Array.isArray(raw)) {
    for (let i = 0; i + 1 < raw.length; i += 2) {
      if (String(raw[i]).toLowerCase() === name) return String(raw[i + 1]);
    }
    return undefined;
  }
  if (raw && typeof raw === 'object') {
    const value = (raw as Record<string, unknown>)[name];
    return value === undefined ? undefined : String(value);
  }
  return undefined;
}

/** Latency samples in a Float64Array that doubles when full: no per-sample allocation. */
class GrowableSamples {
  #data = new Float64Array(1 << 16);
  #length = 0;
  #sum = 0;

  push(value: number): void {
    if (this.#length === this.#data.length) {
      const bigger = new Float64Array(this.#data.length * 2);
      bigger.set(this.#data);
      this.#data = bigger;
    }
    this.#data[this.#length++] = value;
    this.#sum += value;
  }

  sorted(): Float64Array {
    return this.#data.slice(0, this.#length).sort();
  }

  mean(): number {
    return this.#length ? this.#sum / this.#length : Number.NaN;
  }
}

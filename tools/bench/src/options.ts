import { TARGET_NAMES, isTargetName, type TargetName } from './targets';

/** Everything one bench invocation needs; validated once, then frozen. */
export interface BenchOptions {
  targets: TargetName[];
  /** The preset used, if any (only a label once connections and rate are set). */
  scenario?: ScenarioName;
  /** Connections per target, probes included. */
  connections: number;
  /** Events per second published. */
  rate: number;
  /** Measured window, seconds (after the warm-up). */
  durationS: number;
  /** Publishing before the window starts, seconds: JIT, GC and socket buffers settle. */
  warmupS: number;
  workers: number;
  probes: number;
  /** Probes in a process of their own rather than spread over the workers (see plan.ts). */
  probeWorker: boolean;
  /** New connections per second over all workers, so the listen backlog is never the bottleneck. */
  connectRate: number;
  /** Source addresses 127.0.0.2 onwards, used in turn: ~28,000 ephemeral ports each. */
  sourceAddresses: number;
  /** GATEWAY_WORKERS for the gateway: 1 compares like with like (each baseline is one process). */
  gatewayWorkers: number;
  /** Before each target, wait up to this long for the machine to be idle (0: do not wait). */
  waitIdleS: number;
  /** A target with fewer connections established than this share of `connections` fails. */
  minConnected: number;
  redisUrl: string;
  outDir: string;
}

export const SCENARIOS = Object.freeze({
  c1k: { connections: 1_000, rate: 10 },
  c5k: { connections: 5_000, rate: 4 },
  c10k: { connections: 10_000, rate: 2 },
});
export type ScenarioName = keyof typeof SCENARIOS;

export const DEFAULTS = Object.freeze({
  targets: [...TARGET_NAMES],
  connections: SCENARIOS.c1k.connections,
  rate: SCENARIOS.c1k.rate,
  durationS: 20,
  warmupS: 5,
  workers: 4,
  probes: 20,
  probeWorker: false,
  connectRate: 1_000,
  // 200, not 16: the gateway admits 100 new connections per minute per IP (DESIGN section 3).
  sourceAddresses: 200,
  gatewayWorkers: 1,
  waitIdleS: 0,
  minConnected: 0.99,
  redisUrl: 'redis://127.0.0.1:6379',
  outDir: 'bench-results',
});

/** Per process (`ulimit -n` here): no worker and no server may need more sockets than this. */
export const MAX_SOCKETS_PER_PROCESS = 19_000;
/** Ephemeral ports usable per source address (32768-60999), with room for TIME_WAIT leftovers. */
const MAX_CONNECTIONS_PER_ADDRESS = 20_000;

/** The raw command line values (strings as typed), before defaults and validation. */
export type RawOptions = Partial<
  Record<
    | 'targets'
    | 'scenario'
    | 'connections'
    | 'rate'
    | 'duration'
    | 'warmup'
    | 'workers'
    | 'probes'
    | 'connect-rate'
    | 'source-addresses'
    | 'gateway-workers'
    | 'wait-idle'
    | 'min-connected'
    | 'redis-url'
    | 'out',
    string
  > & {
    'probe-worker': boolean;
  }
>;

/**
 * Defaults, then the scenario, then explicit flags; throws a TypeError naming the flag for
 * a bad value or a combination this machine cannot run.
 */
export function resolveOptions(raw: RawOptions, env: NodeJS.ProcessEnv = process.env): Readonly<BenchOptions> {
  let scenario: ScenarioName | undefined;
  if (raw.scenario !== undefined) {
    if (!Object.hasOwn(SCENARIOS, raw.scenario)) {
      throw new TypeError(`--scenario must be one of ${Object.keys(SCENARIOS).join(', ')}, got "${raw.scenario}"`);
    }
    scenario = raw.scenario as ScenarioName;
  }
  const preset = scenario ? SCENARIOS[scenario] : undefined;
  const targets = raw.targets === undefined ? DEFAULTS.targets : parseTargets(raw.targets);
  const options: BenchOptions = {
    targets,
    scenario,
    connections: int('connections', raw.connections, preset?.connections ?? DEFAULTS.connections, 1),
    rate: num('rate', raw.rate, preset?.rate ?? DEFAULTS.rate, 0.1, 10_000),
    durationS: num('duration', raw.duration, DEFAULTS.durationS, 1, 3600),
    warmupS: num('warmup', raw.warmup, DEFAULTS.warmupS, 0, 600),
    workers: int('workers', raw.workers, DEFAULTS.workers, 1, 64),
    probes: int('probes', raw.probes, DEFAULTS.probes, 1),
    probeWorker: raw['probe-worker'] ?? DEFAULTS.probeWorker,
    connectRate: num('connect-rate', raw['connect-rate'], DEFAULTS.connectRate, 1, 100_000),
    sourceAddresses: int('source-addresses', raw['source-addresses'], DEFAULTS.sourceAddresses, 1, 65_000),
    gatewayWorkers: int('gateway-workers', raw['gateway-workers'], DEFAULTS.gatewayWorkers, 1, 64),
    waitIdleS: num('wait-idle', raw['wait-idle'], DEFAULTS.waitIdleS, 0, 3600),
    minConnected: num('min-connected', raw['min-connected'], DEFAULTS.minConnected, 0, 1),
    redisUrl: raw['redis-url'] ?? env.REDIS_URL ?? DEFAULTS.redisUrl,
    outDir: raw.out ?? DEFAULTS.outDir,
  };
  if (options.probes > options.connections) {
    throw new TypeError(`--probes (${options.probes}) cannot exceed --connections (${options.connections})`);
  }
  if (options.connections > MAX_SOCKETS_PER_PROCESS) {
    throw new TypeError(
      `--connections ${options.connections}: the server is one process and may hold at most ${MAX_SOCKETS_PER_PROCESS} sockets (ulimit -n)`,
    );
  }
  if (Math.ceil(options.connections / options.workers) > MAX_SOCKETS_PER_PROCESS) {
    throw new TypeError(
      `--workers ${options.workers}: each worker would hold more than ${MAX_SOCKETS_PER_PROCESS} sockets; use more workers`,
    );
  }
  if (Math.ceil(options.connections / options.sourceAddresses) > MAX_CONNECTIONS_PER_ADDRESS) {
    throw new TypeError(
      `--source-addresses ${options.sourceAddresses}: more than ${MAX_CONNECTIONS_PER_ADDRESS} connections per address would run out of ephemeral ports`,
    );
  }
  if (!/^redis:\/\/([^@/]*@)?(127\.\d+\.\d+\.\d+|localhost)(:\d+)?(\/\d*)?$/.test(options.redisUrl)) {
    throw new TypeError(
      `--redis-url must be a redis:// URL on 127.0.0.0/8 (the bench only talks to this machine), got ${options.redisUrl}`,
    );
  }
  return Object.freeze(options);
}

/** The n-th source address: 127.0.0.2, 127.0.0.3, ... (all of 127.0.0.0/8 is this machine). */
export function sourceAddress(n: number): string {
  const value = 0x7f000002 + n;
  if (n < 0 || value > 0x7ffffffe) throw new RangeError(`no source address number ${n} in 127.0.0.0/8`);
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

function parseTargets(list: string): TargetName[] {
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) throw new TypeError(`--targets must name at least one of ${TARGET_NAMES.join(', ')}`);
  for (const name of names) {
    if (!isTargetName(name))
      throw new TypeError(`--targets: unknown target "${name}", expected ${TARGET_NAMES.join(', ')}`);
  }
  return [...new Set(names)] as TargetName[];
}

function num(
  flag: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new TypeError(`--${flag} must be a number ${range}, got "${raw}"`);
  }
  return value;
}

function int(flag: string, raw: string | undefined, fallback: number, min: number, max?: number): number {
  const value = num(flag, raw, fallback, min, max);
  if (!Number.isInteger(value)) throw new TypeError(`--${flag} must be a whole number, got "${raw}"`);
  return value;
}

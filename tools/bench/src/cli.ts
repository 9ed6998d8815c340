/*
 * tools/bench: WebSocket fan-out benchmark (DESIGN section 9).
 *   npx tsx tools/bench/src/cli.ts --scenario c1k --targets bare-ws,socketio,gateway
 * Targets run one after another, each with its own server process and client workers.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { installExitHandlers, stopAll } from './children';
import { DEFAULTS, SCENARIOS, resolveOptions, type BenchOptions, type RawOptions } from './options';
import { assertRedisReachable } from './redis-check';
import { renderMarkdown } from './report';
import type { BenchReport } from './result';
import { runTarget } from './run';
import { TARGETS, TARGET_NAMES } from './targets';

const USAGE = `Usage: npx tsx tools/bench/src/cli.ts [options]

Measures WebSocket fan-out of each target: connect latency, publish->receive latency,
delivered messages/s, server CPU per message and RSS per connection.

  --targets <list>         comma-separated: ${TARGET_NAMES.join(', ')} (default: all)
  --scenario <name>        preset connections x rate: ${Object.entries(SCENARIOS)
    .map(([name, s]) => `${name} (${s.connections} x ${s.rate}/s)`)
    .join(', ')}
  --connections <n>        connections per target, probes included (default ${DEFAULTS.connections})
  --rate <events/s>        publish rate (default ${DEFAULTS.rate})
  --duration <s>           measured window (default ${DEFAULTS.durationS})
  --warmup <s>             publishing before the window (default ${DEFAULTS.warmupS})
  --workers <n>            client processes (default ${DEFAULTS.workers})
  --probes <n>             connections that parse and time every message (default ${DEFAULTS.probes})
  --probe-worker           give the probes a client process of their own instead of spreading
                           them over the workers (they then do not queue behind drain reads)
  --connect-rate <n/s>     connection ramp over all workers (default ${DEFAULTS.connectRate})
  --source-addresses <n>   client source addresses 127.0.0.2.. used in turn (default ${DEFAULTS.sourceAddresses})
  --gateway-workers <n>    GATEWAY_WORKERS (default ${DEFAULTS.gatewayWorkers}, like the one-process baselines;
                           CPU and RSS are summed over the server's whole process tree)
  --wait-idle <s>          before each target, wait up to this long for other processes on
                           the machine to go quiet (default ${DEFAULTS.waitIdleS}: do not wait)
  --min-connected <0..1>   fail a target below this share of connections (default ${DEFAULTS.minConnected})
  --redis-url <url>        Redis on 127.0.0.0/8 (default $REDIS_URL or ${DEFAULTS.redisUrl})
  --out <dir>              where <timestamp>.json and .md go (default ${DEFAULTS.outDir})
  --help                   this text

Explicit flags override the scenario's values. Exit code: 0 when every target ran,
1 when one failed or did not run, 2 for bad options.`;

function parseCommandLine(argv: string[]): { help: boolean; raw: RawOptions } {
  const stringFlags = [
    'targets',
    'scenario',
    'connections',
    'rate',
    'duration',
    'warmup',
    'workers',
    'probes',
    'connect-rate',
    'source-addresses',
    'gateway-workers',
    'wait-idle',
    'min-connected',
    'redis-url',
    'out',
  ] as const;
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      help: { type: 'boolean', short: 'h' },
      'probe-worker': { type: 'boolean' },
      ...Object.fromEntries(stringFlags.map((flag) => [flag, { type: 'string' as const }])),
    },
  });
  const { help, ...raw } = values as RawOptions & { help?: boolean };
  return { help: help === true, raw };
}

async function main(): Promise<number> {
  let options: BenchOptions;
  try {
    const { help, raw } = parseCommandLine(process.argv.slice(2));
    if (help) {
      console.log(USAGE);
      return 0;
    }
    options = resolveOptions(raw);
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n\nSee --help.`);
    return 2;
  }
  installExitHandlers((line) => console.error(line));
  try {
    await assertRedisReachable(options.redisUrl);
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }

  const startedAt = new Date();
  const report: BenchReport = {
    startedAt: startedAt.toISOString(),
    host: {
      cores: os.cpus().length,
      cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
      node: process.version,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    },
    options: { ...options },
    results: [],
  };
  for (const name of options.targets) {
    report.results.push(await runTarget(TARGETS[name], options, (line) => console.error(line)));
  }
  await stopAll();

  const markdown = renderMarkdown(report, options);
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  mkdirSync(options.outDir, { recursive: true });
  const jsonPath = path.join(options.outDir, `${stamp}.json`);
  const mdPath = path.join(options.outDir, `${stamp}.md`);
  writeFileSync(jsonPath, JSON.stringify(report, null, 2) + '\n');
  writeFileSync(mdPath, markdown);
  console.log(`\n${markdown}`);
  console.error(`wrote ${jsonPath} and ${mdPath}`);
  return report.results.every((r) => r.status === 'ok') ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  async (err: unknown) => {
    console.error(err);
    await stopAll(1000);
    process.exit(1);
  },
);

/*
 * Open-loop latency of uncached `/v2/query/protocols`: requests leave at evenly spaced
 * instants whatever the answers do (autocannon's `overallRate` sends each second's quota as
 * a burst at the top of the second, which measures queueing behind the burst instead).
 *
 *   npx tsx tools/bench/src/query/open-loop.ts --url http://127.0.0.1:8081 --api-key drt_... \
 *     [--rate 50] [--duration 20] [--protocols 5000 --tokens 200 --seed 1]
 *
 * Point it at a query-api running on the seeded schema (see cli.ts), ideally with
 * CACHE_TTL_MS=0; every URL is distinct anyway, so each request runs its SQL.
 */
import { Agent, request } from 'node:http';
import { parseArgs } from 'node:util';
import { buildCatalog } from './catalog';
import { protocolQueries, uniqueQueryPath } from './scenarios';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:8081' },
    'api-key': { type: 'string' },
    rate: { type: 'string', default: '50' },
    duration: { type: 'string', default: '20' },
    protocols: { type: 'string', default: '5000' },
    tokens: { type: 'string', default: '200' },
    seed: { type: 'string', default: '1' },
  },
});
const rate = Number(values.rate);
const durationS = Number(values.duration);
if (!(rate > 0 && durationS > 0)) throw new TypeError('--rate and --duration must be positive numbers');

const catalog = buildCatalog({
  protocols: Number(values.protocols),
  tokens: Number(values.tokens),
  seed: Number(values.seed),
});
const queries = protocolQueries(catalog, 200, 2);
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
const base = new URL(values.url);
// Every run asks questions no earlier run asked (uniqueQueryPath moves minTvl by n dollars).
const offset = Math.floor(Math.random() * 1e9);
const latencies: number[] = [];
let failures = 0;
let cacheHits = 0;

function once(n: number): Promise<void> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        path: uniqueQueryPath(queries, offset + n),
        headers: values['api-key'] ? { 'x-api-key': values['api-key'] } : {},
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200) latencies.push(performance.now() - started);
          else failures++;
          if (res.headers['x-cache'] === 'hit') cacheHits++;
          resolve();
        });
      },
    );
    req.on('error', () => {
      failures++;
      resolve();
    });
    req.end();
  });
}

async function main(): Promise<void> {
  const total = Math.round(rate * durationS);
  const intervalMs = 1000 / rate;
  const start = performance.now();
  const pending: Array<Promise<void>> = [];
  for (let n = 0; n < total; n++) {
    const due = start + n * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(once(n));
  }
  await Promise.all(pending);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]?.toFixed(2);
  console.log(
    JSON.stringify({
      rate,
      durationS,
      sent: total,
      ok: latencies.length,
      failures,
      cacheHits,
      p50: at(0.5),
      p90: at(0.9),
      p99: at(0.99),
      max: latencies.at(-1)?.toFixed(2),
    }),
  );
}

void main();

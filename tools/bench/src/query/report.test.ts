import type { LoadResult } from './load';
import { resolveQueryOptions } from './options';
import { checkTargets, renderQueryMarkdown } from './report';
import type { QueryBenchReport, ScenarioResult } from './result';
import { SCENARIOS, type ScenarioName } from './scenarios';

function load(perSecond: number, p99: number, extra: Partial<LoadResult> = {}): LoadResult {
  return {
    seconds: 20,
    responses: perSecond * 20,
    perSecond,
    latencyMs: { p50: p99 / 4, p90: p99 / 2, p99, max: p99 * 2, mean: p99 / 4 },
    errors: 0,
    timeouts: 0,
    non2xx: 0,
    statusCodes: { 200: perSecond * 20 },
    cache: { none: perSecond * 20 },
    bytesPerResponse: 4200,
    server: { cpuPercent: 90, cpuMicrosPerRequest: 1e6 / perSecond, rssEndMiB: 120, rssMaxMiB: 130 },
    harnessCpuPercent: 80,
    storesCpuPercent: 10,
    otherCpuPercent: 3,
    ...extra,
  };
}

function scenario(name: ScenarioName, l?: LoadResult, extra: Partial<ScenarioResult> = {}): ScenarioResult {
  const spec = SCENARIOS[name];
  return {
    name,
    target: spec.target,
    description: spec.description,
    status: 'ok',
    warnings: [],
    connections: spec.paced ? 10 : 50,
    ...(spec.paced ? { overallRate: 200 } : {}),
    bodyBytes: 4000,
    ...(l ? { load: l } : {}),
    ...extra,
  };
}

const results = [
  scenario('prices-current', load(6000, 12.5, { cache: { hit: 120_000 } })),
  scenario('protocols-uncached', load(400, 180, { cache: { miss: 8000 } })),
  scenario('protocols-paced', load(200, 31, { cache: { miss: 4000 } })),
  scenario('bare-http', load(20_000, 5)),
  scenario('fastify', load(15_000, 6)),
];

function report(scenarios: ScenarioResult[]): QueryBenchReport {
  return {
    startedAt: '2026-01-01T00:00:00.000Z',
    host: { cores: 2, cpuModel: 'EPYC', node: 'v20.20.0', memoryGiB: 24 },
    options: resolveQueryOptions({}, {}),
    seed: {
      schema: 'qbench',
      reused: true,
      seededAt: '2026-01-01T00:00:00.000Z',
      phases: {},
      rows: {},
      params: { protocols: 5000, tokens: 200, days: 365, priceDays: 7, seed: 1 },
      tables: [{ table: 'tvl_points', rows: 136_000_000, heap: 9e9, indexes: 8e9, total: 17e9 }],
    },
    baselineBody: { source: 'query-api', bytes: 4000 },
    scenarios,
    targets: checkTargets(scenarios),
  };
}

/** The cells of the row labelled `label`. */
function row(markdown: string, label: string): string[] {
  const line = markdown.split('\n').find((l) => l.startsWith(`| ${label} |`));
  if (!line) throw new Error(`no row "${label}" in:\n${markdown}`);
  return line
    .split('|')
    .slice(2, -1)
    .map((c) => c.trim());
}

describe('renderQueryMarkdown', () => {
  const md = renderQueryMarkdown(report(results));

  it('puts the baselines first and every ratio against bare-http', () => {
    expect(md).toContain('| metric | bare-http | fastify | prices-current | protocols-uncached | protocols-paced |');
    expect(row(md, 'requests/s')).toEqual(['20,000', '15,000 (0.75x)', '6,000 (0.30x)', '400 (0.02x)', '200 (0.01x)']);
    expect(row(md, 'latency p99 (ms)')).toEqual([
      '5.00',
      '6.00 (1.20x)',
      '12.50 (2.50x)',
      '180.00 (36.00x)',
      '31.00 (6.20x)',
    ]);
    expect(row(md, 'x-cache hit / miss')).toEqual(['', '', '120,000 / 0', '0 / 8,000', '0 / 4,000']);
  });

  it('describes the data set and the baselines body', () => {
    expect(md).toContain(
      '5,000 protocols x 365 days of hourly TVL (136,000,000 tvl_points rows, 15.8 GiB with indexes)',
    );
    expect(md).toContain("Baselines answer a 4,000-byte body (the query API's own prices-current answer).");
  });

  it('lists the targets with a verdict each', () => {
    expect(md).toContain(
      '| (a) GET /prices/current, 50 coins, from cache | >= 5,000 requests/s and p99 < 20 ms | 6,000 requests/s, p99 12.50 ms | yes |',
    );
    expect(md).toContain(
      '| (b) GET /v2/query/protocols, paced at 200 requests/s, cache misses | p99 < 50 ms | p99 31.00 ms at 200 requests/s | yes |',
    );
    expect(md).toContain(
      '| (b) GET /v2/query/protocols, closed loop, 50 connections, cache misses | p99 < 50 ms | p99 180.00 ms at 400 requests/s | **no** |',
    );
  });

  it('shows why a scenario did not run, its warnings, and a disturbed run', () => {
    const md2 = renderQueryMarkdown(
      report([
        scenario('prices-current', undefined, { status: 'not run', reason: 'the query-api did not start: exit 1' }),
        scenario('bare-http', load(20_000, 5, { otherCpuPercent: 60 }), { warnings: ['answered 40 of 50 coins'] }),
      ]),
    );
    expect(row(md2, 'status')).toEqual(['ok', 'not run: the query-api did not start: exit 1']);
    expect(md2).toContain(
      '| (a) GET /prices/current, 50 coins, from cache | >= 5,000 requests/s and p99 < 20 ms | not run | not run |',
    );
    expect(md2).toContain('- bare-http: answered 40 of 50 coins');
    expect(md2).toContain('- disturbed: other processes used more than 25 % of a core during bare-http');
  });
});

describe('checkTargets', () => {
  it('fails (a) on throughput or on p99, each alone', () => {
    expect(checkTargets([scenario('prices-current', load(4999, 5))])[0]!.met).toBe(false);
    expect(checkTargets([scenario('prices-current', load(9000, 20))])[0]!.met).toBe(false);
    expect(checkTargets([scenario('prices-current', load(5000, 19.9))])[0]!.met).toBe(true);
  });
});

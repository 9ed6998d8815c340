import { ratio } from '../stats';
import type { QueryBenchReport, ScenarioResult, TargetCheck } from './result';
import { SCENARIO_NAMES } from './scenarios';

/** Ratios are taken against this scenario: the cheapest HTTP answer Node gives on this machine. */
export const BASELINE = 'bare-http';
const OTHER_CPU_WARNING = 25;

interface Row {
  label: string;
  value?: (r: ScenarioResult) => number | undefined;
  digits?: number;
  /** Show `(<ratio>x)` against the baseline. */
  compare?: boolean;
  text?: (r: ScenarioResult) => string | undefined;
}

const ROWS: Row[] = [
  { label: 'requests/s', value: (r) => r.load?.perSecond, digits: 0, compare: true },
  { label: 'latency p50 (ms)', value: (r) => r.load?.latencyMs.p50, digits: 2, compare: true },
  { label: 'latency p90 (ms)', value: (r) => r.load?.latencyMs.p90, digits: 2, compare: true },
  { label: 'latency p99 (ms)', value: (r) => r.load?.latencyMs.p99, digits: 2, compare: true },
  { label: 'latency max (ms)', value: (r) => r.load?.latencyMs.max, digits: 1 },
  {
    label: 'errors / timeouts / non-2xx',
    text: (r) => r.load && `${r.load.errors} / ${r.load.timeouts} / ${r.load.non2xx}`,
  },
  {
    label: 'x-cache hit / miss',
    text: (r) =>
      r.load && r.target === 'query-api'
        ? `${count(r.load.cache.hit)} / ${count(r.load.cache.miss)}${r.load.cache.none ? ` (${count(r.load.cache.none)} without)` : ''}`
        : undefined,
  },
  { label: 'body (bytes)', value: (r) => r.bodyBytes, digits: 0 },
  { label: 'server CPU (% of a core)', value: (r) => r.load?.server?.cpuPercent, digits: 0 },
  { label: 'server CPU/request (us)', value: (r) => r.load?.server?.cpuMicrosPerRequest, digits: 1, compare: true },
  {
    label: 'server RSS end / max (MiB)',
    text: (r) => r.load?.server && `${fmt(r.load.server.rssEndMiB, 0)} / ${fmt(r.load.server.rssMaxMiB, 0)}`,
  },
  { label: 'autocannon CPU (% of a core)', value: (r) => r.load?.harnessCpuPercent, digits: 0 },
  { label: 'PostgreSQL + Redis CPU (% of a core)', value: (r) => r.load?.storesCpuPercent, digits: 0 },
  { label: 'other processes CPU (% of a core)', value: (r) => r.load?.otherCpuPercent, digits: 0 },
];

/** The Markdown of one run: a column per scenario (baselines first), ratios against bare-http, then the targets. */
export function renderQueryMarkdown(report: QueryBenchReport): string {
  const { options, seed } = report;
  const order = ['bare-http', 'fastify', ...SCENARIO_NAMES.filter((n) => n !== 'bare-http' && n !== 'fastify')];
  const results = [...report.scenarios].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  const baseline = results.find((r) => r.name === BASELINE && r.status === 'ok');
  const tvl = seed.tables.find((t) => t.table === 'tvl_points');
  const lines = [
    `### Query API (${report.startedAt})`,
    '',
    `${report.host.cores} cores (${report.host.cpuModel}), Node ${report.host.node}. Each scenario ${options.durationS} s after ${options.warmupS} s of warm-up; ` +
      `closed loop with ${options.connections} connections, paced: ${options.pacedRate} requests/s over ${options.pacedConnections} connections. ` +
      'autocannon runs in the harness process, on the same cores as the server, PostgreSQL and Redis.',
    `Data: schema \`${seed.schema}\`, ${seed.params.protocols.toLocaleString('en')} protocols x ${seed.params.days} days of hourly TVL` +
      (tvl
        ? ` (${Math.round(tvl.rows).toLocaleString('en')} tvl_points rows, ${gib(tvl.total)} GiB with indexes)`
        : '') +
      `, ${seed.params.tokens} tokens x ${seed.params.priceDays} days of minute prices; /prices/current asks for ${options.coins} coins.`,
    ...(report.baselineBody
      ? [
          `Baselines answer a ${report.baselineBody.bytes.toLocaleString('en')}-byte body (${report.baselineBody.source === 'query-api' ? "the query API's own prices-current answer" : 'built from the database: the query API did not answer'}).`,
        ]
      : []),
    '',
    `| metric | ${results.map((r) => r.name).join(' | ')} |`,
    `| --- |${results.map(() => ' ---: |').join('')}`,
    `| status | ${results.map((r) => (r.status === 'ok' ? 'ok' : `${r.status}: ${r.reason ?? ''}`)).join(' | ')} |`,
    ...ROWS.map((row) => `| ${row.label} | ${results.map((r) => cell(row, r, baseline)).join(' | ')} |`),
    '',
    '| target | requirement | measured | met? |',
    '| --- | --- | --- | --- |',
    ...report.targets.map(
      (t) =>
        `| ${t.target} | ${t.requirement} | ${t.measured} | ${t.met === null ? 'not run' : t.met ? 'yes' : '**no**'} |`,
    ),
  ];
  const notes = results.flatMap((r) => r.warnings.map((w) => `- ${r.name}: ${w}`));
  const disturbed = results.filter((r) => (r.load?.otherCpuPercent ?? 0) > OTHER_CPU_WARNING);
  if (disturbed.length > 0)
    notes.push(
      `- disturbed: other processes used more than ${OTHER_CPU_WARNING} % of a core during ${disturbed.map((r) => r.name).join(', ')}`,
    );
  if (notes.length > 0) lines.push('', ...notes);
  return lines.join('\n');
}

/** The query API targets (docs/performance.md) against this run: (a) from prices-current, (b) from the protocols scenarios that ran. */
export function checkTargets(results: ScenarioResult[]): TargetCheck[] {
  const find = (name: string) => results.find((r) => r.name === name && r.status === 'ok' && r.load);
  const prices = find('prices-current');
  const checks: TargetCheck[] = [
    {
      target: '(a) GET /prices/current, 50 coins, from cache',
      requirement: '>= 5,000 requests/s and p99 < 20 ms',
      measured: prices?.load
        ? `${fmt(prices.load.perSecond, 0)} requests/s, p99 ${fmt(prices.load.latencyMs.p99, 2)} ms`
        : 'not run',
      met: prices?.load ? prices.load.perSecond >= 5000 && prices.load.latencyMs.p99 < 20 : null,
    },
  ];
  for (const name of ['protocols-paced', 'protocols-uncached']) {
    const r = find(name);
    if (!results.some((s) => s.name === name)) continue;
    checks.push({
      target: `(b) GET /v2/query/protocols, ${name === 'protocols-paced' ? `paced at ${r?.overallRate ?? '?'} requests/s` : `closed loop, ${r?.connections ?? '?'} connections`}, cache misses`,
      requirement: 'p99 < 50 ms',
      measured: r?.load
        ? `p99 ${fmt(r.load.latencyMs.p99, 2)} ms at ${fmt(r.load.perSecond, 0)} requests/s`
        : 'not run',
      met: r?.load ? r.load.latencyMs.p99 < 50 : null,
    });
  }
  return checks;
}

function cell(row: Row, r: ScenarioResult, baseline: ScenarioResult | undefined): string {
  if (row.text) return row.text(r) ?? '';
  const value = row.value?.(r);
  if (value === undefined || !Number.isFinite(value)) return '';
  const x = row.compare && baseline && r !== baseline ? ratio(value, row.value!(baseline)) : Number.NaN;
  return Number.isFinite(x) ? `${fmt(value, row.digits ?? 0)} (${x.toFixed(2)}x)` : fmt(value, row.digits ?? 0);
}

function fmt(value: number, digits: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function count(value: number | undefined): string {
  return (value ?? 0).toLocaleString('en-US');
}

function gib(bytes: number): string {
  return (bytes / 1024 ** 3).toFixed(1);
}

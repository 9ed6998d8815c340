import type { BenchOptions } from './options';
import type { BenchReport, TargetResult } from './result';
import { ratio } from './stats';

/** Above this (percent of a core), something else competed for the CPU during the window. */
const OTHER_CPU_WARNING = 25;
const STEAL_WARNING = 10;

/** The target every ratio is taken against. */
export const BASELINE = 'bare-ws';

interface Row {
  label: string;
  /** A number, formatted with `digits` and compared with the baseline when `compare`. */
  value?: (r: TargetResult) => number | undefined;
  digits?: number;
  compare?: boolean;
  /** Or free text, for cells that hold two numbers. */
  text?: (r: TargetResult) => string | undefined;
}

const ROWS: Row[] = [
  { label: 'connections established', value: (r) => r.connections?.established, digits: 0 },
  {
    label: 'connections failed / lost',
    text: (r) => r.connections && `${r.connections.failed} / ${r.connections.lost}`,
  },
  {
    label: 'connections/s achieved',
    value: (r) => r.connections && r.connections.established / r.connections.seconds,
    digits: 0,
    compare: true,
  },
  { label: 'connect p50 (ms)', value: (r) => r.connectMs?.p50, digits: 1, compare: true },
  { label: 'connect p95 (ms)', value: (r) => r.connectMs?.p95, digits: 1, compare: true },
  { label: 'connect p99 (ms)', value: (r) => r.connectMs?.p99, digits: 1, compare: true },
  { label: 'delivery p50 (ms)', value: (r) => r.deliveryMs?.p50, digits: 1, compare: true },
  { label: 'delivery p95 (ms)', value: (r) => r.deliveryMs?.p95, digits: 1, compare: true },
  { label: 'delivery p99 (ms)', value: (r) => r.deliveryMs?.p99, digits: 1, compare: true },
  { label: 'delivery max (ms)', value: (r) => r.deliveryMs?.max, digits: 1, compare: true },
  { label: 'delivered msg/s', value: (r) => r.window?.deliveredPerSecond, digits: 0, compare: true },
  { label: 'delivered / expected', value: (r) => r.window?.deliveryRatio, digits: 3 },
  { label: 'server processes', value: (r) => r.server?.processes, digits: 0 },
  { label: 'server CPU/msg (us)', value: (r) => r.server?.cpuMicrosPerMessage, digits: 2, compare: true },
  { label: 'server CPU (% of a core)', value: (r) => r.server?.cpuPercent, digits: 0, compare: true },
  { label: 'server RSS/conn (KiB)', value: (r) => r.server?.rssPerConnectionKiB, digits: 1, compare: true },
  {
    label: 'server RSS before / idle / end (MiB)',
    text: (r) =>
      r.server && [r.server.rssBeforeMiB, r.server.rssIdleMiB, r.server.rssEndMiB].map((v) => fmt(v, 0)).join(' / '),
  },
  { label: 'clients CPU/msg (us)', value: (r) => r.clients?.cpuMicrosPerMessage, digits: 2 },
  {
    label: 'clients CPU (% of a core)',
    value: (r) => r.clients && r.clients.workersCpuPercent + r.clients.harnessCpuPercent,
    digits: 0,
  },
  { label: 'client loop delay p99 (ms)', value: (r) => r.clients?.loopDelayP99Ms, digits: 1 },
  { label: 'other processes CPU (%)', value: (r) => r.machine?.otherPercent, digits: 0 },
];

/** The Markdown table of one invocation: one column per target, ratios against bare-ws. */
export function renderMarkdown(
  report: BenchReport,
  options: Pick<
    BenchOptions,
    'connections' | 'rate' | 'durationS' | 'warmupS' | 'workers' | 'probes' | 'probeWorker' | 'scenario'
  >,
): string {
  const { results } = report;
  const baseline = results.find((r) => r.target === BASELINE && r.status === 'ok');
  const lines = [
    `### ${options.scenario ?? 'custom'}: ${options.connections.toLocaleString('en-US')} connections x ${options.rate} events/s`,
    '',
    `${report.startedAt}, ${report.host.cores} cores (${report.host.cpuModel}), Node ${report.host.node}; ` +
      `${options.durationS} s measured after ${options.warmupS} s warm-up, ${options.workers} client workers, ` +
      `${options.probes} probes ${options.probeWorker ? 'in a process of their own' : 'spread over the workers'}.`,
    '',
    `| metric | ${results.map((r) => r.target).join(' | ')} |`,
    `| --- | ${results.map(() => '---:').join(' | ')} |`,
  ];
  for (const row of ROWS) {
    lines.push(`| ${row.label} | ${results.map((r) => cell(row, r, baseline)).join(' | ')} |`);
  }
  const notes = results.flatMap((r) => notesFor(r));
  if (notes.length) lines.push('', ...notes);
  return lines.join('\n') + '\n';
}

function cell(row: Row, result: TargetResult, baseline: TargetResult | undefined): string {
  if (result.status === 'not-run') return 'not run';
  if (row.text) return row.text(result) ?? '-';
  const value = row.value?.(result);
  if (value === undefined || !Number.isFinite(value)) return '-';
  const text = fmt(value, row.digits ?? 0);
  if (!row.compare || !baseline || result === baseline) return text;
  const r = ratio(value, row.value?.(baseline));
  return Number.isFinite(r) ? `${text} (${r.toFixed(2)}x)` : text;
}

function notesFor(result: TargetResult): string[] {
  const notes: string[] = [];
  if (result.status !== 'ok') notes.push(`- **${result.target}** ${result.status}: ${firstLine(result.reason)}`);
  else if (result.reason) notes.push(`- ${result.target}: ${firstLine(result.reason)}`);
  if (result.status === 'ok' && !result.deliveryMs?.count) {
    notes.push(
      `- ${result.target}: the probes recorded no latency (${result.probes?.unreadable ?? 0} frames unreadable).`,
    );
  }
  if (result.probes && !result.probes.precise) {
    notes.push(
      `- ${result.target}: the server dropped data.benchSentAt; latencies come from the integer-ms timestamp (+-0.5 ms).`,
    );
  }
  if (result.machine && result.machine.otherPercent > OTHER_CPU_WARNING) {
    notes.push(
      `- ${result.target}: other processes used ${result.machine.otherPercent.toFixed(0)} % of a core during the window; its numbers are disturbed.`,
    );
  }
  if (result.machine && result.machine.stealPercent > STEAL_WARNING) {
    notes.push(
      `- ${result.target}: the hypervisor took ${result.machine.stealPercent.toFixed(0)} % of a core (steal) during the window.`,
    );
  }
  if (result.server && result.server.rssPerConnectionKiB < 0) {
    notes.push(
      `- ${result.target}: RSS fell while clients connected (start-up memory released), so RSS/conn means nothing here.`,
    );
  }
  if (result.window && result.window.deliveryRatio < 0.99) {
    notes.push(
      `- ${result.target}: only ${(result.window.deliveryRatio * 100).toFixed(1)} % of the expected messages arrived in the window.`,
    );
  }
  return notes;
}

function firstLine(text: string | undefined): string {
  return (text ?? 'no reason given').split('\n')[0]!;
}

function fmt(value: number, digits: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

import type { BenchReport, TargetResult } from './result';
import { renderMarkdown } from './report';

const options = {
  connections: 1000,
  rate: 10,
  durationS: 20,
  warmupS: 5,
  workers: 4,
  probes: 20,
  probeWorker: false,
  scenario: 'c1k' as const,
};

function okResult(target: TargetResult['target'], p99: number, cpuPerMsg: number): TargetResult {
  const summary = (v: number) => ({ count: 100, p50: v / 2, p95: v, p99: v, max: v * 2, mean: v / 2 });
  return {
    target,
    description: target,
    status: 'ok',
    connections: { requested: 1000, established: 1000, failed: 0, lost: 0, errors: {}, lostReasons: {}, seconds: 1 },
    connectMs: summary(4),
    deliveryMs: summary(p99),
    probes: { precise: true, unreadable: 0 },
    window: {
      seconds: 20,
      published: 200,
      publishFailed: 0,
      publisherMaxLagMs: 1,
      delivered: 200_000,
      deliveredPerSecond: 10_000,
      deliveryRatio: 1,
    },
    server: {
      pid: 1,
      processes: 1,
      cpuMicrosPerMessage: cpuPerMsg,
      cpuPercent: cpuPerMsg,
      rssBeforeMiB: 50,
      rssIdleMiB: 60,
      rssPerConnectionKiB: 10,
      rssEndMiB: 70,
    },
    clients: {
      cpuMicrosPerMessage: 20,
      workersCpuPercent: 20,
      busiestWorkerCpuPercent: 6,
      harnessCpuPercent: 1,
      loopDelayP99Ms: 12,
      loopDelayMaxMs: 20,
    },
    machine: { cores: 2, busyPercent: 80, interruptsPercent: 2, stealPercent: 0, otherPercent: 3 },
  };
}

function report(results: TargetResult[]): BenchReport {
  return {
    startedAt: '2025-01-01T00:00:00.000Z',
    host: { cores: 2, cpuModel: 'cpu', node: 'v20', memoryGiB: 24 },
    options: {},
    results,
  };
}

/** The cells of the table row whose label is `label`. */
function row(markdown: string, label: string): string[] {
  const line = markdown.split('\n').find((l) => l.startsWith(`| ${label} |`));
  if (!line) throw new Error(`no row "${label}" in:\n${markdown}`);
  return line
    .split('|')
    .slice(2, -1)
    .map((c) => c.trim());
}

describe('renderMarkdown', () => {
  it('puts each target in a column with its ratio against bare-ws', () => {
    const md = renderMarkdown(
      report([okResult('bare-ws', 30, 15), okResult('socketio', 45, 30), okResult('gateway', 32.4, 16.5)]),
      options,
    );
    expect(md).toContain('| metric | bare-ws | socketio | gateway |');
    expect(row(md, 'delivery p99 (ms)')).toEqual(['30.0', '45.0 (1.50x)', '32.4 (1.08x)']);
    expect(row(md, 'server CPU/msg (us)')).toEqual(['15.00', '30.00 (2.00x)', '16.50 (1.10x)']);
    // Counts are not ratios.
    expect(row(md, 'connections established')).toEqual(['1,000', '1,000', '1,000']);
  });

  it('marks a target that could not start and says why, without breaking the other columns', () => {
    const gateway: TargetResult = {
      target: 'gateway',
      description: 'gw',
      status: 'not-run',
      reason: 'server did not start: exited with 1\nstack...',
    };
    const md = renderMarkdown(report([okResult('bare-ws', 30, 15), gateway]), options);
    expect(row(md, 'delivery p99 (ms)')).toEqual(['30.0', 'not run']);
    expect(md).toContain('- **gateway** not-run: server did not start: exited with 1');
    expect(md).not.toContain('stack...');
  });

  it('shows plain values when the baseline did not run', () => {
    const bare: TargetResult = {
      target: 'bare-ws',
      description: 'b',
      status: 'failed',
      reason: 'only 10 of 1000 connections established',
    };
    const md = renderMarkdown(report([bare, okResult('socketio', 45, 30)]), options);
    expect(row(md, 'delivery p99 (ms)')).toEqual(['-', '45.0']);
    expect(md).toContain('- **bare-ws** failed: only 10 of 1000 connections established');
  });

  it('warns when messages went missing or latencies lost their sub-millisecond part', () => {
    const lossy = okResult('gateway', 30, 15);
    lossy.window!.deliveryRatio = 0.9;
    lossy.probes!.precise = false;
    const md = renderMarkdown(report([okResult('bare-ws', 30, 15), lossy]), options);
    expect(md).toContain('gateway: only 90.0 % of the expected messages arrived');
    expect(md).toContain('gateway: the server dropped data.benchSentAt');
  });
});

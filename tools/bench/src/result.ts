import type { Summary } from './stats';
import type { TargetName } from './targets/types';

/** What one target's run produced. Numbers are absent when the run stopped before them. */
export interface TargetResult {
  target: TargetName;
  description: string;
  /** not-run: the server or its publisher could not start; failed: it started but the run broke. */
  status: 'ok' | 'failed' | 'not-run';
  reason?: string;
  /** With --wait-idle: how busy the machine was (percent of a core) when the target started. */
  busyBeforePercent?: number;
  connections?: {
    requested: number;
    established: number;
    failed: number;
    /** Established, then closed before the harness stopped (by the server or the network). */
    lost: number;
    errors: Record<string, number>;
    lostReasons: Record<string, number>;
    /** From the first connection started to the last settled, seconds; the ramp alone takes connections / --connect-rate. */
    seconds: number;
  };
  /** From starting the connection to open, or to the welcome for protocols that send one. */
  connectMs?: Summary;
  /** Publish -> probe receive, for events published inside the window. */
  deliveryMs?: Summary;
  probes?: {
    /** False when the server dropped `data.benchSentAt`: latencies then have ~0.5 ms error. */
    precise: boolean;
    unreadable: number;
  };
  window?: {
    seconds: number;
    published: number;
    publishFailed: number;
    /** Worst lateness of the publisher against its schedule (harness busy if large). */
    publisherMaxLagMs: number;
    delivered: number;
    deliveredPerSecond: number;
    /** delivered / (established x published): below 1 means messages were lost or late. */
    deliveryRatio: number;
  };
  server?: {
    pid: number;
    /** Processes in the server's tree (CPU and RSS are summed over all of them). */
    processes: number;
    /** Server CPU time in the window / messages delivered in the window. */
    cpuMicrosPerMessage: number;
    /** Percent of one core, as `top` shows it. */
    cpuPercent: number;
    rssBeforeMiB: number;
    rssIdleMiB: number;
    /** (RSS with all connected and idle - RSS before any connection) / established. */
    rssPerConnectionKiB: number;
    rssEndMiB: number;
  };
  clients?: {
    /** Workers and harness CPU time in the window / messages delivered: to set against the server's. */
    cpuMicrosPerMessage: number;
    /** All workers together, percent of one core. */
    workersCpuPercent: number;
    busiestWorkerCpuPercent: number;
    /** The harness process itself (publisher, orchestration). */
    harnessCpuPercent: number;
    /** Worst worker event-loop delay in the window: how late a probe could read a frame. */
    loopDelayP99Ms: number;
    loopDelayMaxMs: number;
  };
  machine?: {
    cores: number;
    /** Whole machine, percent of one core (max cores x 100). */
    busyPercent: number;
    /** Kernel interrupt work, mostly loopback networking (partly inside the processes' system time too). */
    interruptsPercent: number;
    /** Time the hypervisor gave our virtual cores to someone else. */
    stealPercent: number;
    /** Busy time of everything but the server and the bench (Redis, other jobs, ksoftirqd), +-10 ms ticks. */
    otherPercent: number;
  };
}

/** The whole invocation, as written to `<out>/<timestamp>.json`. */
export interface BenchReport {
  startedAt: string;
  host: { cores: number; cpuModel: string; node: string; memoryGiB: number };
  options: Record<string, unknown>;
  results: TargetResult[];
}

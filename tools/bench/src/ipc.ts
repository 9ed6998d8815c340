import type { ClientParams, TargetName } from './targets/types';

// Messages between the harness and its client workers (child_process IPC), discriminated
// on `type`. Workers only ever answer; the harness drives every phase.

/** What one worker does: open `connections` connections, some of them probes. */
export interface WorkerPlan {
  target: TargetName;
  host: string;
  port: number;
  params: ClientParams;
  /** This worker opens the run's connections number `first`, `first + stride`, ... */
  first: number;
  stride: number;
  connections: number;
  /** Local indexes (0..connections-1) of the probes, spread over the connect order. */
  probes: number[];
  /** Source addresses, picked by global connection number so every worker uses them all. */
  localAddresses: string[];
  /** New connections per second for this worker. */
  connectRate: number;
  /** At most this many handshakes in flight, so a stalled server cannot pile them up. */
  maxPending: number;
  connectTimeoutMs: number;
  /** The worker exits by itself after this long. */
  lifetimeMs: number;
}

export interface ConnectReport {
  established: number;
  failed: number;
  /** Milliseconds from starting the connection to open (or to the welcome, when there is one). */
  latencies: number[];
  /** Failure reasons with their counts. */
  errors: Record<string, number>;
  /** nowMs of the first connection started and of the last one settled (established or failed). */
  startedAt: number;
  finishedAt: number;
}

export interface WorkerSnapshot {
  /** Data messages received by all connections of the worker so far. */
  messages: number;
  /** Connections that closed after being established and before `stop`. */
  lost: number;
  lostReasons: Record<string, number>;
  /** This worker's CPU time so far (user + system), microseconds. */
  cpuMicros: number;
  /** Event-loop delay since the previous snapshot: if high, the worker was too busy to read promptly. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

export interface ProbeReport {
  /** Pairs [sentAt, latencyMs], flattened. */
  samples: number[];
  /** Frames a probe could not read a publish time from. */
  unreadable: number;
  /** Samples that had only the integer-ms envelope timestamp. */
  imprecise: number;
}

export type ToWorker =
  { type: 'plan'; plan: WorkerPlan } | { type: 'snapshot'; id: number } | { type: 'probes' } | { type: 'stop' };

export type FromWorker =
  | { type: 'loaded' }
  | { type: 'connected'; report: ConnectReport }
  | { type: 'snapshot'; id: number; snapshot: WorkerSnapshot }
  | { type: 'probes'; report: ProbeReport }
  | { type: 'fatal'; message: string };

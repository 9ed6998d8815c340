import type WebSocket from 'ws';
import type { BenchEvent, SentAt } from '../event';

export type TargetName = 'bare-ws' | 'socketio' | 'gateway';

/** What the harness gives a target for one run. */
export interface RunContext {
  repoRoot: string;
  redisUrl: string;
  /** Unique per run (a-z0-9): prefixes every Redis channel and key, so runs never share traffic. */
  runId: string;
  host: string;
  port: number;
  /** Connections the run will open (some targets size per-key quotas from it). */
  connections: number;
  /** Processes to run for a server that can run several (the gateway); the baselines are one. */
  serverProcesses: number;
  /** The server must exit by itself after this long, even if the harness was killed. */
  lifetimeMs: number;
}

/** How to start a target's server as a child process of the harness. */
export interface ServerSpec {
  command: string;
  args: string[];
  /** Added to a minimal environment (PATH, HOME); nothing else of the harness's leaks in. */
  env: Record<string, string>;
  cwd: string;
  /** GET this path on the server's port; 200 means ready for the workload. */
  readyPath: string;
}

/** Publishes bench events through the target's real path (Redis). Runs in the harness. */
export interface Publisher {
  /** Fire and forget; a failure is reported through the promise but never blocks the next event. */
  publish(event: BenchEvent): Promise<unknown>;
  close(): Promise<void>;
}

/** JSON-serializable values a worker needs to connect (e.g. the API key). */
export type ClientParams = Record<string, string>;

/** Pull the next frame received during the handshake (rejects on close or timeout). */
export type NextFrame = () => Promise<Buffer>;

/**
 * The client side of a target, run in the worker processes. Keep it free of server-side
 * imports: every worker loads it. Frames are Buffers (UTF-8 validation is switched off).
 */
export interface ClientSpec {
  /** The URL of connection number `index` (0-based over the whole run). */
  url(host: string, port: number, params: ClientParams, index: number): string;
  /**
   * After the socket opened: authenticate and subscribe. Resolves with the time (nowMs) of
   * the server's first message when the protocol has a welcome, else undefined (the open counts).
   */
  handshake(ws: WebSocket, next: NextFrame): Promise<number | undefined>;
  /** Whether a frame is a data message. Called for every frame of every connection: keep it O(1). */
  isData(frame: Buffer): boolean;
  /** Probes only: parse a data frame for the event's publish time (nowMs of the publisher). */
  sentAt(frame: Buffer): SentAt | undefined;
  /** Non-data frames the client must answer (e.g. Engine.IO pings). */
  onControl?(ws: WebSocket, frame: Buffer): void;
}

/** One server under test: how to start it, publish to it and connect to it. */
export interface Target {
  name: TargetName;
  /** One line for the report. */
  description: string;
  server(ctx: RunContext): ServerSpec;
  /** Load heavy dependencies lazily here: workers import this module too. */
  createPublisher(ctx: RunContext): Promise<Publisher>;
  clientParams(ctx: RunContext): ClientParams;
  client: ClientSpec;
}

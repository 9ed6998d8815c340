import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { sleep } from './clock';
import { stopChild, track } from './children';
import type { ServerSpec } from './targets/types';

const TAIL_BYTES = 4096;

/** The server under test, a child of the harness; `pid` is its own (for /proc), not timeout's. */
export interface ServerProcess {
  pid: number;
  alive(): boolean;
  /** The last few KiB of its stdout and stderr, for error reports. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Start the server and wait until GET readyPath answers 200. Rejects, with the server's
 * output, when it exits first or is not ready within `timeoutMs`; the process is stopped.
 */
export async function startServer(
  spec: ServerSpec,
  host: string,
  port: number,
  timeoutMs: number,
  lifetimeMs: number,
): Promise<ServerProcess> {
  // Under coreutils `timeout`: even if the harness is SIGKILLed (no exit handler runs) the
  // server is stopped after its lifetime. timeout forwards our SIGTERM to it and exits with it.
  const lifetimeS = String(Math.ceil(lifetimeMs / 1000));
  const child = track(
    spawn('timeout', ['--kill-after=5', lifetimeS, spec.command, ...spec.args], {
      cwd: spec.cwd,
      // A minimal environment: the harness's own variables (NODE_OPTIONS, DATABASE_URL...)
      // must not change what is measured.
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...spec.env },
      // stdin stays an open pipe: baseline servers exit when it closes (harness gone).
      stdio: ['pipe', 'pipe', 'pipe'],
    }),
  );
  let tail = '';
  const keep = (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-TAIL_BYTES));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.stdin.on('error', () => {}); // EPIPE when it exits first: reported through 'exit'
  let spawnFailed = false;
  child.once('error', (err) => {
    spawnFailed = true; // e.g. no coreutils `timeout` on this machine
    keep(Buffer.from(String(err)));
  });
  const server: ServerProcess = {
    pid: await childPid(child.pid ?? -1),
    alive: () => !spawnFailed && child.exitCode === null && child.signalCode === null,
    output: () => tail.trim(),
    stop: () => stopChild(child),
  };

  const deadline = Date.now() + timeoutMs;
  const url = `http://${host}:${port}${spec.readyPath}`;
  for (;;) {
    if (!server.alive()) {
      throw new Error(
        `exited with ${child.exitCode ?? child.signalCode ?? 'a spawn error'} before it was ready:\n${server.output() || '(no output)'}`,
      );
    }
    if (await isReady(url)) {
      if (server.pid > 0) return server;
      await server.stop();
      throw new Error('ready, but its pid could not be read from /proc (needed for CPU and memory)');
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(
        `not ready within ${timeoutMs / 1000} s (GET ${url} never answered 200):\n${server.output() || '(no output)'}`,
      );
    }
    await sleep(200);
  }
}

/** The pid of the process `timeout` started: the one whose CPU and memory are measured. */
async function childPid(parent: number): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      const children = readFileSync(`/proc/${parent}/task/${parent}/children`, 'utf8').trim();
      if (children) return Number(children.split(' ')[0]);
    } catch {
      break; // timeout already exited: the exit is reported by the readiness loop
    }
    await sleep(20);
  }
  return -1;
}

async function isReady(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false; // not listening yet
  }
}

/** A port free on `host` right now (the server binds it a moment later). */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

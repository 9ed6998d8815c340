import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';

/** A redis-server of a test's own, on a free port: it can be stopped and started again. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** Kill the server (SIGKILL: a crash, as clients see it) and wait for it to be gone. */
  stop(): Promise<void>;
  /** Start it again on the same port (empty: it saves nothing). */
  start(): Promise<void>;
}

/**
 * Start the installed `redis-server` on a free port, for tests that must kill and restart
 * Redis: never the shared server other tests use. Call `stop()` in `finally`.
 */
export async function startRedisServer(timeoutMs = 5_000): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  const start = async (): Promise<void> => {
    if (child) return;
    const started = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
    child = started;
    const failed = new Promise<never>((_, reject) => {
      started.once('error', (error) =>
        reject(new Error(`could not run redis-server (${error.message}): install Redis`, { cause: error })),
      );
      started.once('exit', (code) => reject(new Error(`redis-server on port ${port} exited at start (code ${code})`)));
    });
    failed.catch(() => undefined);
    try {
      await Promise.race([waitForPort(port, timeoutMs), failed]);
    } catch (error) {
      await stop();
      throw error;
    }
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, stop, start };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not listen on port ${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

/** The repository root (this file is libs/runtime/src/spawn-app.ts). */
const ROOT = resolve(__dirname, '../../..');

/** An app running as its own OS process, as in production. */
export interface AppProcess {
  /** Base URL from its "<app> listening" log line, e.g. `http://127.0.0.1:43125`. */
  url: string;
  port: number;
  child: ChildProcess;
  /** Every JSON log line it printed, parsed. */
  logs: Array<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Send `signal` and wait (bounded) for the exit; SIGKILL when it lingers. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<void>;
}

/**
 * A module to preload (`--import`, after tsx) into a child process a test starts, with an
 * 'ipc' slot in its stdio: the child stops when the test process is gone, even killed.
 */
export const EXIT_WITH_PARENT = resolve(__dirname, 'exit-with-parent.ts');

/**
 * Start `apps/<app>/src/main.ts` (through tsx) with `env` on a free port; resolves once it
 * logged `<app> listening`, and kills it (SIGKILL) when that takes longer than `timeoutMs`
 * (the default allows for a busy machine, where tsx compiling the app at start can take
 * most of a minute, and stays under START_TEST_TIMEOUT_MS so the test sees why). For tests and
 * benchmarks that need real processes: SIGKILL, SIGTERM drains, a client library that may
 * not import apps. The child is killed if this process exits first, and stops by itself
 * if this process is killed.
 */
export function spawnApp(app: string, env: Record<string, string>, timeoutMs = 90_000): Promise<AppProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--import', EXIT_WITH_PARENT, resolve(ROOT, `apps/${app}/src/main.ts`)],
    {
      env: { ...process.env, NODE_OPTIONS: '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      cwd: ROOT,
    },
  );
  const orphan = () => child.kill('SIGKILL');
  process.once('exit', orphan);
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-8_000)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => {
      process.off('exit', orphan);
      done({ code, signal });
    }),
  );
  const stop = async (signal: NodeJS.Signals = 'SIGTERM', stopTimeoutMs = 15_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((done) => (timer = setTimeout(() => done('late'), stopTimeoutMs)));
    const outcome = await Promise.race([exited, late]);
    clearTimeout(timer);
    if (outcome === 'late') {
      child.kill('SIGKILL');
      await exited;
    }
  };
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${app} did not start within ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${app} exited (${code ?? signal}) before listening\n${stderr}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      logs.push(entry);
      if (entry.msg === `${app} listening`) {
        clearTimeout(timer);
        const url = String(entry.url);
        resolveStart({ url, port: Number(new URL(url).port), child, logs, exited, stop });
      }
    });
  });
}

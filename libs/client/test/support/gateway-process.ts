import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

// Libs may not import apps: the gateway runs as a child process, as in production.
const MAIN = resolve(__dirname, '../../../../apps/gateway/src/main.ts');

/** A gateway OS process and what it printed. */
export interface GatewayProcess {
  /** `ws://127.0.0.1:<port>/v2/realtime` */
  wsUrl: string;
  /** `http://127.0.0.1:<port>` */
  httpUrl: string;
  port: number;
  child: ChildProcess;
  /** Every JSON log line, parsed. */
  logs: Array<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Start `apps/gateway/src/main.ts` with `env`; resolves once it logged 'gateway listening'. */
export function spawnGateway(env: Record<string, string>, timeoutMs = 30_000): Promise<GatewayProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...process.env, NODE_OPTIONS: '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', GATEWAY_WORKERS: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`gateway did not start within ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited (${code ?? signal}) before listening\n${stderr}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      logs.push(entry);
      if (entry.msg === 'gateway listening') {
        clearTimeout(timer);
        const httpUrl = String(entry.url);
        const port = Number(new URL(httpUrl).port);
        resolveStart({ wsUrl: `${httpUrl.replace(/^http/, 'ws')}/v2/realtime`, httpUrl, port, child, logs, exited });
      }
    });
  });
}

/** Stop a gateway with `signal` and wait (bounded) for it to exit; SIGKILL if it lingers. */
export async function stopGateway(gateway: GatewayProcess, signal: NodeJS.Signals = 'SIGKILL', timeoutMs = 15_000): Promise<void> {
  if (gateway.child.exitCode !== null || gateway.child.signalCode !== null) return;
  gateway.child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((done) => {
    timer = setTimeout(() => done('late'), timeoutMs);
  });
  const outcome = await Promise.race([gateway.exited, late]);
  clearTimeout(timer);
  if (outcome === 'late') {
    gateway.child.kill('SIGKILL');
    await gateway.exited;
  }
}

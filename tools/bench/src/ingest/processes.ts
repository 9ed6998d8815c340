import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = resolve(__dirname, '../../../..');

export interface AppProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Start one app (`apps/<name>/src/main.ts`) as its own process; resolves when it logs `<name> listening`. */
export function startApp(name: 'event-processor' | 'gateway', env: Record<string, string>, timeoutMs = 60_000): Promise<AppProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(ROOT, `apps/${name}/src/main.ts`)], {
    env: { ...process.env, NODE_OPTIONS: '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: ROOT,
  });
  // Never outlive the benchmark, whatever way it ends.
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const stop = async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  };
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`${name} did not start in ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`${name} exited (${code}) before listening: ${stderr}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.includes(`"${name} listening"`)) return;
      clearTimeout(timer);
      done({ url: String((JSON.parse(line) as { url: string }).url), child, stop });
    });
  });
}

/** utime + stime of a process, in microseconds (from /proc). */
export function cpuMicros(pid: number): number {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const stat: string = require('node:fs').readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100; // clock ticks are 1/100 s on Linux
}

/* The `defi-realtime` executable as tests run it (import from '@defi-realtime/cli/testing'). */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

/** The bin shim `npx defi-realtime` runs (the TypeScript source through tsx in the workspace). */
export const CLI_BIN = resolve(__dirname, '../bin/defi-realtime.js');

/** A running `defi-realtime` process and what it printed so far, line by line. */
export interface CliProcess {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  exited: Promise<number | null>;
}

/** What a finished `defi-realtime` process printed, and its exit code. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Start `defi-realtime <argv>` as its own process; `DEFI_REALTIME_API_KEY` is cleared unless `env` sets it. */
export function spawnCli(argv: string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  const child = spawn(process.execPath, [CLI_BIN, ...argv], {
    env: { ...process.env, NODE_OPTIONS: '', DEFI_REALTIME_API_KEY: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => stdout.push(line));
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, stdout, stderr, exited };
}

/** Wait (bounded) for the process to exit; SIGKILL it past the deadline. */
export async function exitCode(process: CliProcess, timeoutMs = 10_000): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((done) => {
    timer = setTimeout(() => done('late'), timeoutMs);
  });
  const outcome = await Promise.race([process.exited, late]);
  clearTimeout(timer);
  if (outcome !== 'late') return outcome;
  process.child.kill('SIGKILL');
  await process.exited;
  throw new Error(
    `the CLI did not exit within ${timeoutMs} ms\nstdout: ${process.stdout.join('\n')}\nstderr: ${process.stderr.join('\n')}`,
  );
}

/** Run `defi-realtime <argv>` to its end; the test runner's NODE_OPTIONS and DATABASE_URL are not passed on. */
export function runCliProcess(
  argv: string[],
  env: Record<string, string | undefined>,
  timeoutMs = 60_000,
): Promise<CliRun> {
  // --experimental-vm-modules would only add warnings; DATABASE_URL only when the test gives one.
  const { NODE_OPTIONS: _ignored, DATABASE_URL: _url, ...inherited } = process.env;
  return new Promise((done) => {
    execFile(
      process.execPath,
      [CLI_BIN, ...argv],
      { env: { ...inherited, ...env }, timeout: timeoutMs, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        done({ code, stdout, stderr });
      },
    );
  });
}

import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { runCli } from '../../src/cli/run';

export const BIN = resolve(__dirname, '../../bin/defi-realtime.js');

/** The CLI run in-process: exit code and what it printed. */
export async function cli(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, env, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

/** The CLI as its own process (the bin shim, as `npx defi-realtime` runs it). */
export interface CliProcess {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  exited: Promise<number | null>;
}

export function spawnCli(argv: string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  const child = spawn(process.execPath, [BIN, ...argv], {
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
  throw new Error(`the CLI did not exit within ${timeoutMs} ms\nstdout: ${process.stdout.join('\n')}\nstderr: ${process.stderr.join('\n')}`);
}

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

/** The repository root (this file is tools/e2e/src/support/built-app.ts). */
export const ROOT = resolve(__dirname, '../../../..');

/** `apps/<app>/dist/main.js`, as the README runs it. */
export const distMain = (app: string): string => resolve(ROOT, `apps/${app}/dist/main.js`);

/** Build the apps as `npx nx build <app>` does (Nx's cache makes it quick when nothing changed). */
export function buildApps(apps: readonly string[]): void {
  execFileSync('npx', ['nx', 'run-many', '-t', 'build', '-p', apps.join(','), '--outputStyle=stream'], {
    cwd: ROOT,
    env: { ...process.env, NX_DAEMON: 'false', NODE_OPTIONS: '' },
    stdio: 'pipe',
    timeout: 240_000,
  });
}

const BUILTINS = new Set(builtinModules);

/** The npm packages a bundle loads at run time (`require("x")`, `import("x")`), by package name. */
export function bundleRequires(file: string): string[] {
  const names = new Set<string>();
  for (const [, specifier = ''] of readFileSync(file, 'utf8').matchAll(/\b(?:require|import)\("([^".][^"]*)"\)/g)) {
    if (specifier.startsWith('node:') || BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0]!)) continue;
    const parts = specifier.split('/');
    names.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
  }
  return [...names].sort();
}

/** A built app running as its own process. */
export interface BuiltApp {
  child: ChildProcess;
  /** Base URL from its "<app> listening" log line. */
  url: string;
  /** Everything it wrote to stderr (last 8 KB): the reason when it fails to start. */
  stderr: () => string;
  /** SIGTERM, then SIGKILL when it lingers; resolves once it exited. */
  stop(): Promise<void>;
}

/**
 * `node apps/<app>/dist/main.js` from the repository root with `env` (PORT=0 on
 * 127.0.0.1, embedded database and engine unless `env` sets URLs); resolves once it logs
 * `<app> listening`, rejects with its stderr when it exits first or takes over `timeoutMs`.
 */
export function startBuiltApp(app: string, env: Record<string, string> = {}, timeoutMs = 90_000): Promise<BuiltApp> {
  const base: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' };
  delete base.REDIS_URL;
  delete base.DATABASE_URL;
  const child = spawn(process.execPath, [distMain(app)], {
    cwd: ROOT,
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const orphan = () => child.kill('SIGKILL');
  process.once('exit', orphan);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-8_000)));
  const exited = new Promise<void>((done) =>
    child.once('exit', () => {
      process.off('exit', orphan);
      done();
    }),
  );
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolveStart, reject) => {
    let settled = false;
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stop().then(() => reject(new Error(`${app} (dist/main.js) ${why}\n${stderr}`)));
    };
    const timer = setTimeout(() => fail(`did not log '${app} listening' within ${timeoutMs} ms`), timeoutMs);
    void exited.then(() => fail(`exited (${child.exitCode ?? child.signalCode}) before listening`));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry: { msg?: unknown; url?: unknown };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        return;
      }
      if (entry.msg !== `${app} listening` || settled) return;
      settled = true;
      clearTimeout(timer);
      resolveStart({ child, url: String(entry.url), stderr: () => stderr, stop });
    });
  });
}

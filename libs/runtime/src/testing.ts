/* Test helpers shared by the apps' tests (import from '@defi-realtime/runtime/testing'). */
import { execFile } from 'node:child_process';
import { createLogger } from './logger';
import type { RunningApp } from './main';
import { closeAfterEach } from './test-resources';

/**
 * The budget of a test or hook that starts an app (in this process or as a child process)
 * or an embedded PGlite: enough for a busy machine, where tsx compiling an app or PGlite
 * initialising and migrating took over 60 s on two cores shared with other builds (1-15 s
 * idle). A hook or test that starts several gives a multiple. Everything else keeps the
 * preset's short default, so a test that hangs elsewhere still fails soon.
 */
export const START_TEST_TIMEOUT_MS = 120_000;

export interface ServiceUnderTest<C> {
  name: string;
  loadConfig: (env: NodeJS.ProcessEnv) => C;
  start: (config: C, deps: { logger: ReturnType<typeof createLogger> }) => Promise<RunningApp>;
  /** Absolute path of the app's `src/main.ts`. */
  mainPath: string;
  /** Readiness checks the app must report. */
  checks: string[];
  /** Extra environment for the start-up test (e.g. DATABASE_URL). */
  env?: NodeJS.ProcessEnv;
}

/**
 * The behaviour every app shares, as a user sees it: it starts on a free port, answers
 * `/healthz` and `/readyz` with its dependency checks, stops cleanly, and refuses a bad
 * environment variable at start-up with a message naming it.
 */
export function describeServiceBasics<C>(service: ServiceUnderTest<C>): void {
  describe(`${service.name} basics`, () => {
    const started = closeAfterEach();

    it(
      'starts on a free port and answers /healthz and /readyz with its dependency checks',
      async () => {
        const config = service.loadConfig({ ...service.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
        const app = await started.add(service.start(config, { logger: createLogger(service.name, 'silent') }), (a) =>
          a.close(),
        );
        const health = await fetch(`${app.url}/healthz`);
        expect(health.status).toBe(200);
        const ready = await fetch(`${app.url}/readyz`);
        const report = (await ready.json()) as { status: string; checks: Record<string, { ok: boolean }> };
        expect(ready.status).toBe(200);
        expect(Object.keys(report.checks).sort()).toEqual([...service.checks].sort());
        expect(report.status).toBe('ok');
        const missing = await fetch(`${app.url}/no-such-path`);
        expect(missing.status).toBe(404);
        expect(await missing.json()).toMatchObject({ code: 'NOT_FOUND' });
        await app.close();
        await expect(fetch(`${app.url}/healthz`)).rejects.toThrow();
      },
      START_TEST_TIMEOUT_MS,
    );

    it(
      'stops at start-up with exit code 2 and a message naming a bad variable',
      async () => {
        const result = await runMainToExit(service.mainPath, { PORT: 'eighty', LOG_LEVEL: 'loud' });
        expect(result.status).toBe(2);
        expect(result.stderr).toContain(`Invalid configuration for ${service.name}`);
        expect(result.stderr).toMatch(/PORT: expected a port number.*"eighty"/);
        expect(result.stderr).toMatch(/LOG_LEVEL: expected one of/);
      },
      START_TEST_TIMEOUT_MS,
    );
  });
}

/** How an app's `main.ts` ended. */
export interface MainExit {
  status: number | null;
  stderr: string;
}

/**
 * Run an app's `src/main.ts` (through tsx) with `env` over this process's environment to
 * its end: for a configuration the app must refuse at start-up (exit code 2, the variable
 * named on stderr). Never blocks the event loop (spawnSync would keep Jest from timing the
 * test out); SIGKILLed past `timeoutMs`.
 */
export function runMainToExit(
  mainPath: string,
  env: NodeJS.ProcessEnv,
  timeoutMs = START_TEST_TIMEOUT_MS - 10_000,
): Promise<MainExit> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', mainPath],
      { env: { ...process.env, NODE_OPTIONS: '', ...env }, timeout: timeoutMs, killSignal: 'SIGKILL' },
      (error, _stdout, stderr) => {
        resolve({ status: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stderr });
      },
    );
  });
}

export { EXIT_WITH_PARENT, spawnApp } from './spawn-app';
export type { AppProcess } from './spawn-app';
export { eventually, sleep, withTimeout } from './wait';
export { rawHttpRequest } from './raw-http';
export type { RawHttpResponse } from './raw-http';
export { closeAfterAll, closeAfterEach, TestResources } from './test-resources';

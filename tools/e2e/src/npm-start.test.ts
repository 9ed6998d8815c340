/*
 * `npm start` as a user runs it: every app in one process on embedded defaults, here on
 * ports that are not the defaults, printing commands that reach this gateway; a bad
 * variable stops it at once with exit code 2 naming the variable.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort } from '../../bench/src/server-process';
import { eventually, runMainToExit, START_TEST_TIMEOUT_MS, withTimeout } from '@defi-realtime/runtime/testing';

const ROOT = resolve(__dirname, '../../..');
const START = resolve(ROOT, 'tools/scripts/start.ts');
// Embedded defaults whatever the test runner's environment says (empty means unset).
const EMBEDDED = { NODE_OPTIONS: '', REDIS_URL: '', DATABASE_URL: '' };

/** `npm start` that must refuse its configuration: run to its end. */
function npmStart(env: Record<string, string>) {
  return runMainToExit(START, { ...EMBEDDED, ...env });
}

describe('npm start', () => {
  it(
    'stops with exit code 2 naming a bad variable of its own',
    async () => {
      const result = await npmStart({ GATEWAY_PORT: 'eighty' });
      expect(result.status).toBe(2);
      expect(result.stderr).toContain('Invalid configuration for npm start');
      expect(result.stderr).toMatch(/GATEWAY_PORT: expected a port number/);
    },
    START_TEST_TIMEOUT_MS,
  );

  it(
    "stops with exit code 2 naming an app's conflicting variables, before opening anything",
    async () => {
      const result = await npmStart({ EVENTS_STREAM: 'off' });
      expect(result.status).toBe(2);
      expect(result.stderr).toContain('Invalid configuration for alert-engine');
      expect(result.stderr).toMatch(/EVENTS_STREAM: off leaves rule evaluation without events/);
    },
    START_TEST_TIMEOUT_MS,
  );

  it('on other ports, prints every app and commands that reach its gateway, and stops on Ctrl-C', async () => {
    const ports = {
      GATEWAY_PORT: await freePort('127.0.0.1'),
      QUERY_API_PORT: await freePort('127.0.0.1'),
      ALERT_ENGINE_PORT: await freePort('127.0.0.1'),
      EVENT_PROCESSOR_PORT: await freePort('127.0.0.1'),
    };
    const child = spawn(process.execPath, ['--import', 'tsx', START], {
      cwd: ROOT,
      env: {
        ...process.env,
        ...EMBEDDED,
        ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
        SIMULATOR_BACKFILL_HOURS: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    try {
      await eventually(() => expect(output).toContain('Ctrl-C stops everything.'), 90_000, 100);
      const ws = `ws://127.0.0.1:${ports.GATEWAY_PORT}/v2/realtime`;
      const commands = output.split('\n').filter((line) => line.includes('npx defi-realtime subscribe'));
      expect(commands).toHaveLength(2);
      for (const command of commands) expect(command).toContain(`--url ${ws}`);
      expect(output).toContain(`event-processor  http://127.0.0.1:${ports.EVENT_PROCESSOR_PORT}`);
      const ready = await fetch(`http://127.0.0.1:${ports.ALERT_ENGINE_PORT}/readyz`);
      expect(ready.status).toBe(200);

      child.kill('SIGINT');
      expect(await withTimeout(exited, 30_000, 'npm start to stop on SIGINT')).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  }, 150_000);
});

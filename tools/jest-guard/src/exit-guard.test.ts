/*
 * The test run's safety net, on real Jest runs (in band, as Jest runs on a 2-core machine)
 * of the fixture project next to this folder: a run whose test leaked a server fails soon
 * after its tests with the open handle named, instead of hanging (jest.exit-guard.js); a
 * clean run is left alone; and a start registered with closeAfterEach is closed even when
 * it completes after its test timed out, so that run ends without the guard.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { START_TEST_TIMEOUT_MS } from '@defi-realtime/runtime/testing';

const ROOT = resolve(__dirname, '../../..');
const JEST = resolve(ROOT, 'node_modules/jest/bin/jest.js');
const CONFIG = resolve(__dirname, '../fixture/jest.config.js');

interface Run {
  code: number | null;
  /** Set when the run had to be killed at our deadline: it did not end by itself. */
  signal: NodeJS.Signals | null;
  output: string;
}

/** Run one fixture file through Jest with a 1 s exit grace, its output without colours. */
function runFixture(name: string): Promise<Run> {
  const { NODE_OPTIONS: _ignored, ...env } = process.env;
  const args = [JEST, '--config', CONFIG, '--runInBand', '--ci', name];
  return new Promise((done) => {
    execFile(
      process.execPath,
      args,
      {
        cwd: ROOT,
        env: { ...env, JEST_EXIT_GRACE_MS: '1000', FORCE_COLOR: '0' },
        timeout: START_TEST_TIMEOUT_MS - 10_000,
        killSignal: 'SIGKILL',
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        done({ code, signal: error?.signal ?? null, output: `${stdout}${stderr}` });
      },
    );
  });
}

describe('a Jest run of this repository', () => {
  it(
    'that leaked a server ends with code 1 soon after its tests passed, naming the open handle',
    async () => {
      const run = await runFixture('leaks-a-server');
      expect(run.signal).toBeNull();
      expect(run.code).toBe(1);
      expect(run.output).toMatch(/Tests:\s+1 passed/);
      expect(run.output).toMatch(
        /Jest did not exit 1 s after the tests ended: something a test started is still open \(.*TCPServerWrap.*\)\. Exiting with code 1/,
      );
    },
    START_TEST_TIMEOUT_MS,
  );

  it(
    'that closed what it opened ends with code 0 and no report',
    async () => {
      const run = await runFixture('clean');
      expect(run.signal).toBeNull();
      expect(run.code).toBe(0);
      expect(run.output).not.toMatch(/Jest did not exit/);
    },
    START_TEST_TIMEOUT_MS,
  );

  it(
    'whose test timed out while a start registered with closeAfterEach was pending fails on the timeout, and exits',
    async () => {
      const run = await runFixture('outlived-start');
      expect(run.signal).toBeNull();
      expect(run.code).toBe(1);
      expect(run.output).toMatch(/Exceeded timeout of 200 ms/);
      expect(run.output).not.toMatch(/Jest did not exit/);
    },
    START_TEST_TIMEOUT_MS,
  );
});

import { resolve } from 'node:path';
import { describeServiceBasics, runMainToExit, START_TEST_TIMEOUT_MS } from '@defi-realtime/runtime/testing';
import { loadConfig, start } from './index';

describeServiceBasics({
  name: 'event-processor',
  loadConfig,
  start,
  mainPath: resolve(__dirname, 'main.ts'),
  checks: ['database', 'engine'],
});

it(
  'refuses bad shared engine and stream variables at start-up with exit code 2, naming each',
  async () => {
    const result = await runMainToExit(resolve(__dirname, 'main.ts'), {
      HISTORY_SIZE: '0',
      EVENTS_STREAM: 'two words',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/HISTORY_SIZE: expected a number above 0/);
    expect(result.stderr).toMatch(/EVENTS_STREAM: expected a stream name/);
  },
  START_TEST_TIMEOUT_MS,
);

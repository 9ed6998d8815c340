import { resolve } from 'node:path';
import { describeServiceBasics, runMainToExit, START_TEST_TIMEOUT_MS } from '@defi-realtime/runtime/testing';
import { loadConfig, start } from './index';

describeServiceBasics({
  name: 'alert-engine',
  loadConfig,
  start,
  mainPath: resolve(__dirname, 'main.ts'),
  checks: ['database', 'engine'],
});

it(
  'refuses conflicting variables at start-up with exit code 2, naming each',
  async () => {
    const result = await runMainToExit(resolve(__dirname, 'main.ts'), {
      EMAIL_TRANSPORT: 'ses',
      AWS_REGION: '',
      EMAIL_FROM: '',
      EVENTS_STREAM: 'off',
      ALERT_EVAL_ENABLED: 'true',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('Invalid configuration for alert-engine');
    expect(result.stderr).toMatch(/AWS_REGION: required when EMAIL_TRANSPORT=ses/);
    expect(result.stderr).toMatch(/EMAIL_FROM: required when EMAIL_TRANSPORT=ses/);
    expect(result.stderr).toMatch(/EVENTS_STREAM: off leaves rule evaluation without events/);
  },
  START_TEST_TIMEOUT_MS,
);

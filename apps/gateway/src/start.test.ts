import { resolve } from 'node:path';
import { describeServiceBasics, runMainToExit, START_TEST_TIMEOUT_MS } from '@defi-realtime/runtime/testing';
import { loadConfig, start } from './index';

describeServiceBasics({
  name: 'gateway',
  loadConfig,
  start,
  mainPath: resolve(__dirname, 'main.ts'),
  checks: ['database', 'engine'],
});

it(
  'refuses conflicting or unparsable variables at start-up with exit code 2, naming each',
  async () => {
    const result = await runMainToExit(resolve(__dirname, 'main.ts'), {
      GATEWAY_WORKERS: '4',
      REDIS_URL: '',
      HISTORY_TTL_MS: '60000',
      TIER_LIMITS: '{"free":{"maxConnections":5}}',
      SEED_API_KEYS: `drt_${'a'.repeat(32)}:gold`,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('Invalid configuration for gateway');
    expect(result.stderr).toMatch(/GATEWAY_WORKERS: more than 1 needs REDIS_URL/);
    expect(result.stderr).toMatch(/HISTORY_TTL_MS: expected more than RECOVERY_WINDOW_MS \(120000\)/);
    expect(result.stderr).toMatch(/TIER_LIMITS: .*free\.maxConnections: unknown/);
    expect(result.stderr).toMatch(/SEED_API_KEYS: list entry 1 .*unknown tier "gold"/);
    expect(result.stderr).not.toContain('a'.repeat(32)); // a list of keys is a secret
  },
  START_TEST_TIMEOUT_MS,
);

import { z } from 'zod';
import { parseEnv } from '@defi-realtime/runtime';
import { ENGINE_DEFAULTS, engineEnvShape, engineOptionsFromEnv } from '../src';

const parse = (env: NodeJS.ProcessEnv) => parseEnv('app', z.object(engineEnvShape), env);

describe('engineEnvShape', () => {
  it("defaults to the engine's own history bounds", () => {
    expect(engineOptionsFromEnv(parse({}))).toEqual({
      historySize: ENGINE_DEFAULTS.historySize,
      historyTtlMs: ENGINE_DEFAULTS.historyTtlMs,
    });
  });

  it('reads HISTORY_SIZE and HISTORY_TTL_MS', () => {
    expect(engineOptionsFromEnv(parse({ HISTORY_SIZE: '20000', HISTORY_TTL_MS: '600000' }))).toEqual({
      historySize: 20_000,
      historyTtlMs: 600_000,
    });
  });

  it('refuses a bound that is not a positive whole number, naming the variable', () => {
    expect(() => parse({ HISTORY_SIZE: '0', HISTORY_TTL_MS: '1.5' })).toThrow(
      expect.objectContaining({ variables: ['HISTORY_SIZE', 'HISTORY_TTL_MS'] }),
    );
  });
});

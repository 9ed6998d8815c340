import { z } from 'zod';
import { ConfigError, parseEnv } from '@defi-realtime/runtime';
import { checkEvaluationEnv, evaluationEnvShape, evaluationOptionsFromEnv } from './env';
import { EVALUATION_DEFAULTS } from './worker';

const Env = z.object(evaluationEnvShape).superRefine(checkEvaluationEnv);

describe('evaluation environment', () => {
  it('defaults to the events stream, batches of 500, a 30 s claim idle and a 60 s rules reload', () => {
    const options = evaluationOptionsFromEnv(parseEnv('alert-engine', Env, {}));
    expect(options).toEqual({
      stream: 'events',
      batchSize: 500,
      blockMs: 2_000,
      claimIdleMs: 30_000,
      claimEveryMs: 5_000,
      maxDeliveries: 5,
      rulesReloadMs: 60_000,
      batchDelayMs: 0,
      batchDelayAt: 'commit',
    });
    // The environment's defaults are the options' defaults: one object holds them.
    const { from: _from, ...defaults } = EVALUATION_DEFAULTS;
    expect(options).toEqual(defaults);
  });

  it('reads the events stream from EVENTS_STREAM, and refuses off while evaluation is on', () => {
    expect(evaluationOptionsFromEnv(parseEnv('alert-engine', Env, { EVENTS_STREAM: 'market-events' })).stream).toBe(
      'market-events',
    );
    expect(() => parseEnv('alert-engine', Env, { EVENTS_STREAM: 'off' })).toThrow(
      expect.objectContaining({ name: 'ConfigError', variables: ['EVENTS_STREAM'] }),
    );
    expect(
      parseEnv('alert-engine', Env, { EVENTS_STREAM: 'off', ALERT_EVAL_ENABLED: 'false' }).ALERT_EVAL_ENABLED,
    ).toBe(false);
  });

  it('reads every variable', () => {
    const env = parseEnv('alert-engine', Env, {
      ALERT_EVAL_ENABLED: 'false',
      ALERT_EVAL_BATCH: '2000',
      ALERT_CLAIM_IDLE_MS: '500',
      ALERT_RULES_RELOAD_MS: '0',
      ALERT_EVAL_CONSUMER: 'worker-a',
      ALERT_EVAL_BATCH_DELAY_MS: '60000',
      ALERT_EVAL_BATCH_DELAY_AT: 'read',
    });
    expect(env.ALERT_EVAL_ENABLED).toBe(false);
    expect(evaluationOptionsFromEnv(env)).toMatchObject({
      batchSize: 2000,
      claimIdleMs: 500,
      rulesReloadMs: 0,
      consumer: 'worker-a',
      batchDelayMs: 60_000,
      batchDelayAt: 'read',
    });
  });

  it('refuses bad values, naming the variable', () => {
    const parse = () =>
      parseEnv('alert-engine', Env, {
        ALERT_EVAL_BATCH: '0',
        ALERT_EVAL_BATCH_DELAY_AT: 'ack',
        ALERT_EVAL_CONSUMER: 'has space',
      });
    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(/ALERT_EVAL_BATCH: expected at least 1 \(got "0"\)/);
    expect(parse).toThrow(/ALERT_EVAL_BATCH_DELAY_AT: expected read or commit/);
    expect(parse).toThrow(/ALERT_EVAL_CONSUMER: expected 1-128 of/);
  });
});

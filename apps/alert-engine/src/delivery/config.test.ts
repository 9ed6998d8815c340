import { z } from 'zod';
import { parseEnv } from '@defi-realtime/runtime';
import {
  DELIVERY_DEFAULTS,
  checkDeliveryEnv,
  deliveryEnvShape,
  deliveryOptionsFromEnv,
  resolveDeliveryOptions,
} from './config';

const schema = z.object(deliveryEnvShape).superRefine(checkDeliveryEnv);
const parse = (env: NodeJS.ProcessEnv) => parseEnv('alert-engine', schema, env);

describe('delivery environment', () => {
  it('defaults: SSRF guard on, 10 s timeout, the Standard Webhooks schedule, no email transport', () => {
    const env = parse({});
    expect(env).toMatchObject({ WEBHOOK_ALLOW_PRIVATE: false, WEBHOOK_TIMEOUT_MS: 10_000, EMAIL_TRANSPORT: 'smtp' });
    expect(env.WEBHOOK_RETRY_SCHEDULE).toEqual([...DELIVERY_DEFAULTS.retrySchedule]);
    expect(deliveryOptionsFromEnv(env)).toEqual({
      allowPrivate: false,
      timeoutMs: 10_000,
      retrySchedule: env.WEBHOOK_RETRY_SCHEDULE,
      email: undefined,
    });
  });

  it('reads every variable', () => {
    const env = parse({
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_TIMEOUT_MS: '2500',
      WEBHOOK_RETRY_SCHEDULE: '0,5s,5m',
      SMTP_URL: 'smtp://u:p@mail.example.com:587',
      EMAIL_FROM: 'Alerts <alerts@example.com>',
    });
    expect(deliveryOptionsFromEnv(env)).toEqual({
      allowPrivate: true,
      timeoutMs: 2_500,
      retrySchedule: [0, 5_000, 300_000],
      email: { kind: 'smtp', url: 'smtp://u:p@mail.example.com:587', from: 'Alerts <alerts@example.com>' },
    });
    const ses = parse({ EMAIL_TRANSPORT: 'ses', AWS_REGION: 'eu-west-1', EMAIL_FROM: 'alerts@example.com' });
    expect(deliveryOptionsFromEnv(ses).email).toEqual({ kind: 'ses', region: 'eu-west-1', from: 'alerts@example.com' });
  });

  it.each([
    [{ WEBHOOK_RETRY_SCHEDULE: '0,5 seconds' }, 'WEBHOOK_RETRY_SCHEDULE'],
    [{ WEBHOOK_TIMEOUT_MS: '10' }, 'WEBHOOK_TIMEOUT_MS'],
    [{ WEBHOOK_ALLOW_PRIVATE: 'maybe' }, 'WEBHOOK_ALLOW_PRIVATE'],
    [{ SMTP_URL: 'mail.example.com', EMAIL_FROM: 'alerts@example.com' }, 'SMTP_URL'],
    [{ EMAIL_TRANSPORT: 'sendmail' }, 'EMAIL_TRANSPORT'],
    [{ AWS_REGION: 'europe' }, 'AWS_REGION'],
  ])('a bad value stops start-up naming the variable: %j', (env, variable) => {
    expect(() => parse(env)).toThrow(expect.objectContaining({ name: 'ConfigError', variables: [variable] }));
  });

  it('an incomplete email setup stops start-up naming the missing variable', () => {
    expect(() => parse({ SMTP_URL: 'smtp://mail.example.com' })).toThrow(
      expect.objectContaining({ name: 'ConfigError', variables: ['EMAIL_FROM'] }),
    );
    expect(() => parse({ SMTP_URL: 'smtp://mail.example.com' })).toThrow('EMAIL_FROM: required when SMTP_URL is set');
    expect(() => parse({ EMAIL_TRANSPORT: 'ses', EMAIL_FROM: 'a@example.com' })).toThrow(
      'AWS_REGION: required when EMAIL_TRANSPORT=ses',
    );
  });

  it('a webhook timeout the delivery lease cannot cover stops start-up', () => {
    expect(() => parse({ WEBHOOK_TIMEOUT_MS: String(DELIVERY_DEFAULTS.leaseMs) })).toThrow(
      /WEBHOOK_TIMEOUT_MS: expected less than 60000 ms/,
    );
    expect(
      resolveDeliveryOptions(
        deliveryOptionsFromEnv(parse({ WEBHOOK_TIMEOUT_MS: String(DELIVERY_DEFAULTS.leaseMs - 1) })),
      ).timeoutMs,
    ).toBe(59_999);
  });
});

describe('resolveDeliveryOptions', () => {
  it('fills in the defaults', () => {
    expect(resolveDeliveryOptions({ timeoutMs: 5_000 })).toMatchObject({ ...DELIVERY_DEFAULTS, timeoutMs: 5_000 });
  });

  it.each([
    [{ retrySchedule: [] }, 'at least one entry'],
    [{ retrySchedule: [0, -5] }, 'non-negative'],
    [{ timeoutMs: 60_000, leaseMs: 60_000 }, 'leaseMs (60000) must exceed timeoutMs'],
    [{ maxInFlight: 0 }, 'maxInFlight must be positive'],
  ])('refuses %j at once', (options, problem) => {
    expect(() => resolveDeliveryOptions(options)).toThrow(problem);
  });
});

import { z } from 'zod';
import { envFields } from '@defi-realtime/runtime';
import { DEFAULT_RETRY_SCHEDULE, parseRetrySchedule } from './retry-schedule';

/** The defaults of DeliveryOptions, in one place: the environment's defaults are these too. */
export const DELIVERY_DEFAULTS = Object.freeze({
  allowPrivate: false,
  timeoutMs: 10_000,
  retrySchedule: Object.freeze(parseRetrySchedule(DEFAULT_RETRY_SCHEDULE)),
  pollIntervalMs: 1_000,
  leaseMs: 60_000,
  maxInFlight: 64,
  batchSize: 100,
  claimIdleMs: 30_000,
  maxOutboxDeliveries: 10,
  deadLetterRefreshMs: 10_000,
});

// A claimed delivery is claimed again after leaseMs: a request must end before (resolveDeliveryOptions).
const MAX_TIMEOUT_MS = DELIVERY_DEFAULTS.leaseMs - 1;

/**
 * The delivery part of the alert-engine's environment; the app spreads it into its own
 * schema (`z.object({...serviceEnvShape(8082), ...deliveryEnvShape}).superRefine(checkDeliveryEnv)`)
 * and passes the parsed result to `deliveryOptionsFromEnv`.
 */
export const deliveryEnvShape = {
  /** Allow webhooks to private, loopback, link-local... addresses (SSRF guard off). Only for closed networks and tests. */
  WEBHOOK_ALLOW_PRIVATE: envFields.bool(DELIVERY_DEFAULTS.allowPrivate),
  /** Time limit of one webhook request (connect, headers and body); below the lease, or a slow delivery would be claimed and sent twice. */
  WEBHOOK_TIMEOUT_MS: z.coerce
    .number({ error: 'expected milliseconds' })
    .int('expected whole milliseconds')
    .min(100, 'expected at least 100 ms')
    .max(
      MAX_TIMEOUT_MS,
      `expected less than ${DELIVERY_DEFAULTS.leaseMs} ms (the delivery lease: a slower request would be sent twice)`,
    )
    .default(DELIVERY_DEFAULTS.timeoutMs),
  /** Delay before each attempt (webhook and email), comma-separated: `0,5s,5m,30m,2h,5h,10h,24h`. */
  WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .default(DEFAULT_RETRY_SCHEDULE)
    .transform((text, ctx) => {
      try {
        return parseRetrySchedule(text);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
  /** `smtp://user:pass@host:port` (or smtps://). Unset with EMAIL_TRANSPORT=smtp: email deliveries fail as dead. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'expected an smtp:// or smtps:// URL')
    .optional(),
  /** `smtp` (SMTP_URL) or `ses` (Amazon SES v2 in AWS_REGION, credentials from the usual AWS chain). */
  EMAIL_TRANSPORT: z.enum(['smtp', 'ses'], { error: 'expected smtp or ses' }).default('smtp'),
  /** The From of alert emails, e.g. `Alerts <alerts@example.com>`; required when a transport is configured. */
  EMAIL_FROM: z.string().min(3).optional(),
  /** The AWS region of SES (EMAIL_TRANSPORT=ses). */
  AWS_REGION: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region like eu-west-1')
    .optional(),
};

/** The parsed delivery variables. */
export type DeliveryEnv = z.output<z.ZodObject<typeof deliveryEnvShape>>;

/** How email leaves the system. */
export type EmailTransportOptions =
  { kind: 'smtp'; url: string; from: string } | { kind: 'ses'; region: string; from: string };

/** What startDelivery is configured with (env-derived values plus knobs for tests and operations). */
export interface DeliveryOptions {
  /** Refuse webhooks to non-public addresses unless true. @default false */
  allowPrivate?: boolean;
  /** One webhook request's time limit; email connect/greeting/socket timeouts too. @default 10_000 */
  timeoutMs?: number;
  /** Delay (ms) before each attempt; its length is the number of attempts. @default 0,5s,5m,30m,2h,5h,10h,24h */
  retrySchedule?: readonly number[];
  /** Unset: email deliveries are dead at once with an error saying how to configure one. @default undefined */
  email?: EmailTransportOptions;
  /** How often the retry loop looks for due deliveries. @default 1_000 */
  pollIntervalMs?: number;
  /**
   * A claimed delivery is not claimed again for this long, so a crashed worker's in-flight
   * deliveries are retried after it (and a slow one is not sent twice). Must exceed timeoutMs.
   * @default 60_000
   */
  leaseMs?: number;
  /** Deliveries in flight at once in this process; more wait for the retry loop. @default 64 */
  maxInFlight?: number;
  /** Outbox entries read per batch. @default 100 */
  batchSize?: number;
  /** This process's name in the outbox consumer group. @default `<hostname>-<pid>-<random>` */
  consumer?: string;
  /** An outbox entry pending this long on a dead consumer is taken over. @default 30_000 */
  claimIdleMs?: number;
  /** An outbox entry delivered this many times without being acked is dropped (logged). @default 10 */
  maxOutboxDeliveries?: number;
  /** Refresh of the alert_dead_letters gauge at most this often. @default 10_000 */
  deadLetterRefreshMs?: number;
}

/** DeliveryOptions with every default filled in. */
export type ResolvedDeliveryOptions = Required<Omit<DeliveryOptions, 'email' | 'consumer'>> &
  Pick<DeliveryOptions, 'email' | 'consumer'>;

/** Fill in the defaults and refuse invalid combinations at once (TypeError naming the option). */
export function resolveDeliveryOptions(options: DeliveryOptions = {}): ResolvedDeliveryOptions {
  const resolved = { ...DELIVERY_DEFAULTS, ...withoutUndefined(options) } as ResolvedDeliveryOptions;
  if (resolved.retrySchedule.length === 0)
    throw new TypeError('retrySchedule must have at least one entry (the first attempt)');
  if (resolved.retrySchedule.some((ms) => !Number.isFinite(ms) || ms < 0)) {
    throw new TypeError(
      `retrySchedule must be non-negative milliseconds; got ${JSON.stringify(resolved.retrySchedule)}`,
    );
  }
  if (resolved.leaseMs <= resolved.timeoutMs) {
    throw new TypeError(
      `leaseMs (${resolved.leaseMs}) must exceed timeoutMs (${resolved.timeoutMs}): otherwise a slow delivery is claimed and sent twice`,
    );
  }
  for (const name of ['pollIntervalMs', 'maxInFlight', 'batchSize', 'claimIdleMs', 'maxOutboxDeliveries'] as const) {
    if (!(resolved[name] > 0)) throw new TypeError(`${name} must be positive; got ${resolved[name]}`);
  }
  return resolved;
}

/**
 * The rules across the delivery variables, for the app schema's superRefine (a missing
 * variable stops the app with exit code 2 naming it): SES needs AWS_REGION, and a
 * configured transport needs EMAIL_FROM.
 */
export function checkDeliveryEnv(env: DeliveryEnv, ctx: z.RefinementCtx): void {
  if (env.EMAIL_TRANSPORT === 'ses' && env.AWS_REGION === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['AWS_REGION'],
      message: 'required when EMAIL_TRANSPORT=ses (e.g. AWS_REGION=eu-west-1)',
    });
  }
  const transport =
    env.EMAIL_TRANSPORT === 'ses' ? 'EMAIL_TRANSPORT=ses' : env.SMTP_URL !== undefined ? 'SMTP_URL is set' : undefined;
  if (transport !== undefined && env.EMAIL_FROM === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['EMAIL_FROM'],
      message: `required when ${transport} (e.g. EMAIL_FROM="Alerts <alerts@example.com>")`,
    });
  }
}

/** DeliveryOptions from the environment, parsed and checked by checkDeliveryEnv. */
export function deliveryOptionsFromEnv(env: DeliveryEnv): DeliveryOptions {
  return {
    allowPrivate: env.WEBHOOK_ALLOW_PRIVATE,
    timeoutMs: env.WEBHOOK_TIMEOUT_MS,
    retrySchedule: env.WEBHOOK_RETRY_SCHEDULE,
    email: emailFromEnv(env),
  };
}

// checkDeliveryEnv reported what is missing at parse time; these throws guard callers that skipped it.
function emailFromEnv(env: DeliveryEnv): EmailTransportOptions | undefined {
  if (env.EMAIL_TRANSPORT === 'ses') {
    if (env.AWS_REGION === undefined)
      throw new TypeError('AWS_REGION is required when EMAIL_TRANSPORT=ses (e.g. AWS_REGION=eu-west-1)');
    return { kind: 'ses', region: env.AWS_REGION, from: requireFrom(env, 'EMAIL_TRANSPORT=ses') };
  }
  if (env.SMTP_URL === undefined) return undefined;
  return { kind: 'smtp', url: env.SMTP_URL, from: requireFrom(env, 'SMTP_URL is set') };
}

function requireFrom(env: DeliveryEnv, because: string): string {
  if (env.EMAIL_FROM === undefined)
    throw new TypeError(`EMAIL_FROM is required when ${because} (e.g. EMAIL_FROM="Alerts <alerts@example.com>")`);
  return env.EMAIL_FROM;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

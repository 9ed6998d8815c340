import { z } from 'zod';
import { streamNames, streamsEnvShape } from '@defi-realtime/queue';
import { envFields } from '@defi-realtime/runtime';
import { EVALUATION_DEFAULTS, type EvaluationOptions } from './worker';

const D = EVALUATION_DEFAULTS;

const count = (fallback: number, max: number) =>
  z.coerce
    .number({ error: 'expected a whole number' })
    .int('expected a whole number')
    .min(1, 'expected at least 1')
    .max(max, `expected at most ${max}`)
    .default(fallback);

/**
 * The evaluation's environment variables, to spread into the alert-engine's env schema
 * (`z.object({...serviceEnvShape(8082), ...evaluationEnvShape})`).
 */
export const evaluationEnvShape = {
  /** EVENTS_STREAM: the stream evaluation consumes, the one the event processor appends to. */
  ...streamsEnvShape,
  /** Evaluate rules in this process (false: the process serves the API and delivery only). */
  ALERT_EVAL_ENABLED: envFields.bool(true),
  /** Events per batch (per read and per claim). */
  ALERT_EVAL_BATCH: count(D.batchSize, 10_000),
  /** Longest wait for new events in one read. */
  ALERT_EVAL_BLOCK_MS: envFields.durationMs(D.blockMs),
  /** Events pending this long on a consumer are taken over (the consumer crashed). */
  ALERT_CLAIM_IDLE_MS: envFields.durationMs(D.claimIdleMs),
  /** How often to look for such events. */
  ALERT_CLAIM_EVERY_MS: envFields.durationMs(D.claimEveryMs),
  /** An event delivered more often than this is logged and dropped (a poison event must not block the stream). */
  ALERT_EVAL_MAX_DELIVERIES: count(D.maxDeliveries, 1_000),
  /** Full reload of the rules, a safety net for lost change notifications (0: never). */
  ALERT_RULES_RELOAD_MS: envFields.durationMs(D.rulesReloadMs),
  /** This worker's consumer name in the group. Unset: `<host>-<pid>-<random>`. */
  ALERT_EVAL_CONSUMER: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'expected 1-128 of A-Z a-z 0-9 _ . : -')
    .optional(),
  /**
   * Test/ops knob: pause this long in every batch, at ALERT_EVAL_BATCH_DELAY_AT. Makes a
   * worker slow on purpose (crash tests kill it mid-batch; load tests build a backlog).
   */
  ALERT_EVAL_BATCH_DELAY_MS: envFields.durationMs(D.batchDelayMs),
  /** Where the pause is: `read` (before evaluating) or `commit` (after committing, before the ack). */
  ALERT_EVAL_BATCH_DELAY_AT: z.enum(['read', 'commit'], { error: 'expected read or commit' }).default(D.batchDelayAt),
};

/** The variables of evaluationEnvShape, parsed. */
export type EvaluationEnv = z.output<z.ZodObject<typeof evaluationEnvShape>>;

/**
 * The rules across the evaluation's variables, for the app schema's superRefine (a
 * conflict stops the app with exit code 2 naming the variable): evaluation needs the
 * events feed, so EVENTS_STREAM=off asks for ALERT_EVAL_ENABLED=false.
 */
export function checkEvaluationEnv(env: EvaluationEnv, ctx: z.RefinementCtx): void {
  if (env.ALERT_EVAL_ENABLED && streamNames(env).events === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['EVENTS_STREAM'],
      message:
        'off leaves rule evaluation without events: set ALERT_EVAL_ENABLED=false too (API and delivery only), or name the stream',
    });
  }
}

/** EvaluationOptions from the parsed environment. */
export function evaluationOptionsFromEnv(env: EvaluationEnv): EvaluationOptions {
  const stream = streamNames(env).events;
  return {
    ...(stream === undefined ? {} : { stream }),
    batchSize: env.ALERT_EVAL_BATCH,
    blockMs: Math.max(1, env.ALERT_EVAL_BLOCK_MS),
    claimIdleMs: env.ALERT_CLAIM_IDLE_MS,
    claimEveryMs: Math.max(1, env.ALERT_CLAIM_EVERY_MS),
    maxDeliveries: env.ALERT_EVAL_MAX_DELIVERIES,
    rulesReloadMs: env.ALERT_RULES_RELOAD_MS,
    ...(env.ALERT_EVAL_CONSUMER === undefined ? {} : { consumer: env.ALERT_EVAL_CONSUMER }),
    batchDelayMs: env.ALERT_EVAL_BATCH_DELAY_MS,
    batchDelayAt: env.ALERT_EVAL_BATCH_DELAY_AT,
  };
}

/*
 * A real evaluation worker as an OS process of its own, for the crash test (which SIGKILLs
 * it mid-batch). It runs startEvaluation exactly as the app does; the environment is
 * evaluationEnvShape plus where Redis and PostgreSQL are:
 *   REDIS_URL, REDIS_PREFIX, DATABASE_URL, DATABASE_SCHEMA
 * It logs (pino JSON) "alert evaluation started" once consuming, and "batch handled"
 * after every batch is committed (before the ack and any ALERT_EVAL_BATCH_DELAY_MS at commit).
 */
import { z } from 'zod';
import { createDatabase } from '@defi-realtime/db';
import { createQueue } from '@defi-realtime/queue';
import { createLogger, parseEnv } from '@defi-realtime/runtime';
import { evaluationEnvShape, evaluationOptionsFromEnv } from '../../src/evaluation/env';
import { createStateStore } from '../../src/evaluation/state-store';
import { startEvaluation } from '../../src/evaluation/worker';

const Env = z.object({
  ...evaluationEnvShape,
  REDIS_URL: z.string().min(1),
  REDIS_PREFIX: z.string().min(1),
  DATABASE_URL: z.string().min(1),
  DATABASE_SCHEMA: z.string().min(1),
});

async function main(): Promise<void> {
  const env = parseEnv('alert-eval-worker', Env);
  const logger = createLogger('alert-eval-worker', 'info');
  const db = await createDatabase({ url: env.DATABASE_URL, schema: env.DATABASE_SCHEMA, logger });
  const queue = await createQueue({ redisUrl: env.REDIS_URL, prefix: env.REDIS_PREFIX, logger });
  const states = await createStateStore({ redisUrl: env.REDIS_URL, prefix: env.REDIS_PREFIX, queue, logger });
  // onBatch runs once the batch is committed, before the commit-time delay and the ack.
  await startEvaluation(
    { db, queue, states, logger },
    {
      ...evaluationOptionsFromEnv(env),
      from: 'start',
      onBatch: (report) => logger.info({ events: report.events, notifications: report.notifications }, 'batch handled'),
    },
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});

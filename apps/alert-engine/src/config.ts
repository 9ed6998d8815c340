import { z } from 'zod';
import { checkJwtEnv, jwtEnvShape } from '@defi-realtime/auth';
import { engineEnvShape } from '@defi-realtime/engine';
import { parseEnv, serviceEnvShape } from '@defi-realtime/runtime';
import { checkDeliveryEnv, deliveryEnvShape } from './delivery/config';
import { checkEvaluationEnv, evaluationEnvShape } from './evaluation/env';

/** The alert-engine's environment: every variable, its default and what it is for. */
export const AlertEngineEnvSchema = z
  .object({
    ...serviceEnvShape(8082),
    /** HISTORY_SIZE, HISTORY_TTL_MS: the history this app's publishes (`alerts` channels) trim each channel to. */
    ...engineEnvShape,
    ...jwtEnvShape,
    ...evaluationEnvShape,
    ...deliveryEnvShape,
  })
  .superRefine((env, ctx) => {
    checkJwtEnv(env, ctx);
    checkEvaluationEnv(env, ctx);
    checkDeliveryEnv(env, ctx);
  });
export type AlertEngineConfig = z.output<typeof AlertEngineEnvSchema>;

/** Parse the alert-engine's environment; throws a ConfigError naming any bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AlertEngineConfig {
  return parseEnv('alert-engine', AlertEngineEnvSchema, env);
}

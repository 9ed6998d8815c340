import { z } from 'zod';
import { jwtEnvShape } from '@defi-realtime/auth';
import { parseEnv, serviceEnvShape } from '@defi-realtime/runtime';
import { deliveryEnvShape } from './delivery/config';
import { evaluationEnvShape } from './evaluation/env';

/** The alert-engine's environment: every variable, its default and what it is for. */
export const AlertEngineEnvSchema = z.object({
  ...serviceEnvShape(8082),
  ...jwtEnvShape,
  ...evaluationEnvShape,
  ...deliveryEnvShape,
});
export type AlertEngineConfig = z.output<typeof AlertEngineEnvSchema>;

/** Parse the alert-engine's environment; throws a ConfigError naming any bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AlertEngineConfig {
  return parseEnv('alert-engine', AlertEngineEnvSchema, env);
}

import { z } from 'zod';
import { parseEnv, serviceEnvShape } from '@defi-realtime/runtime';

/** The event-processor's environment: every variable, its default and what it is for. */
export const EventProcessorEnvSchema = z.object({
  ...serviceEnvShape(8083),
  /** Bearer token required by POST /v1/ingest. Unset: ingest is refused. */
  INGEST_TOKEN: z.string().min(16, 'expected at least 16 characters').optional(),
});
export type EventProcessorConfig = z.output<typeof EventProcessorEnvSchema>;

/** Parse the event-processor's environment; throws a ConfigError naming any bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): EventProcessorConfig {
  return parseEnv('event-processor', EventProcessorEnvSchema, env);
}

import { z } from 'zod';
import { parseEnv, serviceEnvShape } from '@defi-realtime/runtime';

/** The query-api's environment: every variable, its default and what it is for. */
export const QueryApiEnvSchema = z.object({
  ...serviceEnvShape(8081),
});
export type QueryApiConfig = z.output<typeof QueryApiEnvSchema>;

/** Parse the query-api's environment; throws a ConfigError naming any bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): QueryApiConfig {
  return parseEnv('query-api', QueryApiEnvSchema, env);
}

import { z } from 'zod';
import { checkJwtEnv, jwtEnvShape, resolveTierLimits } from '@defi-realtime/auth';
import { envFields, parseEnv, serviceEnvShape } from '@defi-realtime/runtime';

/** The query-api's environment: every variable, its default and what it is for. */
export const QueryApiEnvSchema = z
  .object({
    ...serviceEnvShape(8081),
    ...jwtEnvShape,
    /**
     * Serve requests without credentials at the free tier, limited per client address.
     * Off: they get 401. `npm start` turns it on for the demo.
     */
    ANONYMOUS_ACCESS: envFields.bool(false),
    /** JSON merged over the tier limits (the same variable as the gateway's), e.g. `{"free":{"restRequestsPerMinute":30}}`. */
    TIER_LIMITS: envFields.checkedBy((json) => resolveTierLimits(json)),
    /** Take the client address from X-Forwarded-For (behind a load balancer); anonymous limits are per address. */
    TRUST_PROXY: envFields.bool(false),
    /**
     * How long a cached answer may be served when nothing invalidated it: "current" answers
     * also age with the clock. 0 turns the response cache off.
     */
    CACHE_TTL_MS: envFields.durationMs(60_000),
    /** Answers kept in this process's memory (alone, or in front of Redis); the oldest go first (also past 64 MiB of bodies). */
    CACHE_MAX_ENTRIES: z.coerce.number().int().min(1).default(10_000),
    /** How often the 1h/1d/7d reference values behind the change percentages are recomputed; 0 turns it off. */
    REFERENCE_REFRESH_MS: envFields.durationMs(60_000),
    /** The URL clients reach this API at, listed as the OpenAPI document's server; unset: relative to the document. */
    PUBLIC_URL: z.url({ error: 'expected an http(s) URL' }).optional(),
  })
  .superRefine(checkJwtEnv);
export type QueryApiConfig = z.output<typeof QueryApiEnvSchema>;

/** Parse the query-api's environment; throws a ConfigError naming any bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): QueryApiConfig {
  return parseEnv('query-api', QueryApiEnvSchema, env);
}

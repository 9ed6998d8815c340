import { z } from 'zod';
import { checkJwtEnv, jwtEnvShape, parseSeedSpec, resolveTierLimits } from '@defi-realtime/auth';
import { engineEnvShape } from '@defi-realtime/engine';
import { envFields, parseEnv, serviceEnvShape } from '@defi-realtime/runtime';

const optionalSecret = z.string().min(16, 'expected at least 16 characters').optional();

/** The gateway's environment: every variable, its default and what it is for. */
export const GatewayEnvSchema = z
  .object({
    // PORT serves the WebSocket upgrades and HTTP (health, metrics, admin) alike.
    ...serviceEnvShape(8080),
    /** HISTORY_SIZE, HISTORY_TTL_MS: the engine's history bounds, which recovery reads within. */
    ...engineEnvShape,
    /** Keys created at start-up for development and tests: `drt_...:tier,drt_...:tier`. */
    SEED_API_KEYS: envFields.checkedBy((spec) => parseSeedSpec(spec, 'list')),
    ...jwtEnvShape,
    /** JSON merged over the tier limits, e.g. `{"free":{"maxConnectionsPerKey":5}}`. */
    TIER_LIMITS: envFields.checkedBy((json) => resolveTierLimits(json)),
    /** Bearer token for `POST /admin/broadcast`; unset disables the admin endpoints. */
    ADMIN_TOKEN: optionalSecret,
    /** Comma-separated allowed `Origin`s for browsers; unset allows every origin. */
    ALLOWED_ORIGINS: z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .optional(),
    /** Take the client address from X-Forwarded-For (behind a load balancer). */
    TRUST_PROXY: envFields.bool(false),
    /** New connections per minute from one address. */
    IP_CONNECTIONS_PER_MINUTE: z.coerce.number().int().positive().default(100),
    /** Protocol ping interval; a peer silent for two intervals is terminated. */
    HEARTBEAT_MS: envFields.durationMs(25_000),
    /** Time to send `authenticate` when no credentials came with the handshake. */
    AUTH_TIMEOUT_MS: envFields.durationMs(5_000),
    /** Largest client frame; a larger one closes the connection with 1009. */
    MAX_MESSAGE_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(64 * 1024),
    /** A connection whose send buffer passes this is closed with 4008 (SLOW_CONSUMER). */
    SLOW_CONSUMER_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(1024 * 1024),
    /** How long a disconnected client's subscriptions are kept for `resume`. */
    RECOVERY_WINDOW_MS: envFields.durationMs(120_000),
    /** Most events replayed for one channel on recovery; a longer gap answers recovered:false. Unset: HISTORY_SIZE (all history holds; more never counts). */
    RECOVERY_MAX_EVENTS: z.coerce.number().int().positive().optional(),
    /** Recent events read to build a snapshot of an aggregate channel (latest per key). */
    SNAPSHOT_DEPTH: z.coerce.number().int().positive().default(2_000),
    /** How often this node tells the others it is alive; a node silent for two intervals is cleaned up by the others. */
    ENGINE_HEARTBEAT_MS: z.coerce.number().int().min(50).default(5_000),
    /** On SIGTERM: how long to wait for clients to leave before closing the rest. */
    DRAIN_TIMEOUT_MS: envFields.durationMs(10_000),
    /** Gateway processes sharing the port (needs REDIS_URL when > 1). Default: cores with Redis, else 1. */
    GATEWAY_WORKERS: z.coerce.number().int().min(1).max(64).optional(),
  })
  .superRefine(checkGatewayEnv);
export type GatewayConfig = z.output<typeof GatewayEnvSchema>;

/** The rules across variables: a conflict stops the gateway with exit code 2 naming the variable. */
function checkGatewayEnv(
  env: {
    GATEWAY_WORKERS?: number;
    REDIS_URL?: string;
    RECOVERY_WINDOW_MS: number;
    HISTORY_TTL_MS: number;
    JWT_JWKS_URL?: string;
    JWT_PUBLIC_KEY?: string;
  },
  ctx: z.RefinementCtx,
): void {
  checkJwtEnv(env, ctx);
  if (env.GATEWAY_WORKERS !== undefined && env.GATEWAY_WORKERS > 1 && !env.REDIS_URL) {
    ctx.addIssue({
      code: 'custom',
      path: ['GATEWAY_WORKERS'],
      message: 'more than 1 needs REDIS_URL: the in-memory engine cannot be shared between processes',
    });
  }
  if (env.HISTORY_TTL_MS <= env.RECOVERY_WINDOW_MS) {
    ctx.addIssue({
      code: 'custom',
      path: ['HISTORY_TTL_MS'],
      message: `expected more than RECOVERY_WINDOW_MS (${env.RECOVERY_WINDOW_MS}): a channel's history must outlive the resume window`,
    });
  }
}

/** Parse the gateway's environment; throws a ConfigError naming any bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return parseEnv('gateway', GatewayEnvSchema, env);
}

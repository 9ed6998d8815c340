import { authenticateHttp, type Authenticator, type Principal, type TierLimits } from '@defi-realtime/auth';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { QueryApiMetrics } from '../metrics';
import { credentialRequest } from './credentials';

/** Who is calling, as the rate limiter and the routes see it. */
export interface Caller {
  /** Absent for an anonymous caller. */
  readonly principal?: Principal;
  readonly tier: string;
  readonly limits: TierLimits;
  /** Whose budget a request spends: `key:<key id>`, or `ip:<address>` when anonymous. */
  readonly rateKey: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook on every API route (not on health, metrics, docs or unknown paths). */
    caller: Caller | null;
  }
}

export interface AuthHookOptions {
  authenticator: Authenticator;
  /** Serve requests without credentials at these limits; undefined refuses them with 401. */
  anonymousLimits?: TierLimits;
  metrics: QueryApiMetrics;
}

/** Paths anyone may read: probes, metrics and the API's own documentation. */
const PUBLIC_ROUTES = new Set(['/healthz', '/readyz', '/metrics', '/openapi.json', '/docs', '/docs/', '/docs/*']);

/** True for routes that need no credentials (and spend no rate-limit budget). */
export function isPublicRoute(req: FastifyRequest): boolean {
  const url = req.routeOptions.url;
  // Unknown paths answer 404 to anyone: there is nothing behind them to protect.
  return url === undefined || PUBLIC_ROUTES.has(url) || url.startsWith('/docs/');
}

/** The auth_failures metric's `reason` label for each failure. */
const FAILURE_REASONS = {
  missing: 'no_credentials',
  ambiguous: 'ambiguous',
  refused: 'refused',
  unavailable: 'unavailable',
} as const;

/**
 * Authenticate every API request with authenticateHttp (the forms and refusals of every
 * app, docs/auth.md) plus the path key: 401 `{code: "UNAUTHORIZED", message}` saying what
 * is wrong, 400 for several credentials, 503 `UNAVAILABLE` when credentials cannot be
 * checked right now (never read as a bad key). Sets `request.caller`.
 */
export function registerAuth(app: FastifyInstance, options: AuthHookOptions): void {
  const { authenticator, anonymousLimits, metrics } = options;
  app.decorateRequest('caller', null);
  app.addHook('onRequest', async (req, reply) => {
    if (isPublicRoute(req)) return;
    const auth = await authenticateHttp(authenticator, credentialRequest(req));
    if (auth.ok) {
      const { principal } = auth;
      req.caller = { principal, tier: principal.tier, limits: principal.limits, rateKey: `key:${principal.id}` };
      return;
    }
    if (auth.failure === 'missing' && anonymousLimits) {
      req.caller = { tier: 'anonymous', limits: anonymousLimits, rateKey: `ip:${req.ip}` };
      return;
    }
    metrics.authFailures.inc({ reason: FAILURE_REASONS[auth.failure] });
    reply.headers(auth.headers);
    throw auth.error;
  });
}

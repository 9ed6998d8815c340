import { AuthError, type Authenticator, type Principal, type TierLimits } from '@defi-realtime/auth';
import { ProtocolError } from '@defi-realtime/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { QueryApiMetrics } from '../metrics';
import { requestCredentials } from './credentials';

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

const HOW_TO_AUTHENTICATE = 'send an API key in the x-api-key header, as ?apiKey=, as Authorization: Bearer, or as the first path segment (/<key>/protocols)';

/**
 * Authenticate every API request: 401 `{code: "UNAUTHORIZED", message}` saying what is
 * wrong, 503 `UNAVAILABLE` when credentials cannot be checked right now (never read as a
 * bad key). Sets `request.caller`.
 */
export function registerAuth(app: FastifyInstance, options: AuthHookOptions): void {
  const { authenticator, anonymousLimits, metrics } = options;
  app.decorateRequest('caller', null);
  app.addHook('onRequest', async (req) => {
    if (isPublicRoute(req)) return;
    const credentials = requestCredentials(req);
    if (!credentials.apiKey && !credentials.bearer) {
      if (anonymousLimits) {
        req.caller = { tier: 'anonymous', limits: anonymousLimits, rateKey: `ip:${req.ip}` };
        return;
      }
      metrics.authFailures.inc({ reason: 'no_credentials' });
      throw new ProtocolError('UNAUTHORIZED', `unauthorized: no credentials; ${HOW_TO_AUTHENTICATE}`);
    }
    let result;
    try {
      result = await authenticator.authenticate(credentials);
    } catch (err) {
      metrics.authFailures.inc({ reason: 'unavailable' });
      if (err instanceof AuthError) throw new ProtocolError('UNAVAILABLE', 'credentials cannot be checked right now; retry', { cause: err });
      throw err;
    }
    if (!result.ok) {
      metrics.authFailures.inc({ reason: 'refused' });
      throw new ProtocolError('UNAUTHORIZED', `unauthorized: ${result.reason}`);
    }
    const { principal } = result;
    req.caller = { principal, tier: principal.tier, limits: principal.limits, rateKey: `key:${principal.id}` };
  });
}

import { AuthError, httpCredentials, type Authenticator, type Principal } from '@defi-realtime/auth';
import { ProtocolError } from '@defi-realtime/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling; set by the auth hook on every route under the protected prefix. */
    principal?: Principal;
  }
}

export interface AuthHookOptions {
  authenticator: Authenticator;
  /** Routes whose URL starts with this need credentials. @default '/v2/alerts' */
  prefix?: string;
}

/**
 * Require an API key (`x-api-key`, `?apiKey=`) or a bearer JWT on every route under
 * `prefix`: 401 `{code: "UNAUTHORIZED", message}` saying what is wrong, 503 when the
 * credentials cannot be checked right now (never read as a bad key).
 */
export function registerAuth(app: FastifyInstance, options: AuthHookOptions): void {
  const prefix = options.prefix ?? '/v2/alerts';
  app.addHook('onRequest', async (req) => {
    if (!req.url.startsWith(prefix)) return;
    let result;
    try {
      result = await options.authenticator.authenticate(httpCredentials({ headers: req.headers, query: req.query }));
    } catch (err) {
      if (err instanceof AuthError) throw new ProtocolError('UNAVAILABLE', 'credentials cannot be checked right now; retry', { cause: err });
      throw err;
    }
    if (!result.ok) throw new ProtocolError('UNAUTHORIZED', `unauthorized: ${result.reason}`);
    req.principal = result.principal;
  });
}

/** The caller of a protected route (the hook guarantees one). */
export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw new ProtocolError('UNAUTHORIZED', 'unauthorized: no credentials');
  return req.principal;
}

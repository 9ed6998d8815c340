import { AUTH_REASONS, authenticateHttp, type Authenticator, type Principal } from '@defi-realtime/auth';
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
 * Require credentials on every route under `prefix`, in the forms every app accepts
 * (authenticateHttp, docs/auth.md): 401 `{code: "UNAUTHORIZED", message}` saying what is
 * wrong, 400 for several credentials, 503 when they cannot be checked right now (never
 * read as a bad key).
 */
export function registerAuth(app: FastifyInstance, options: AuthHookOptions): void {
  const prefix = options.prefix ?? '/v2/alerts';
  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith(prefix)) return;
    const auth = await authenticateHttp(options.authenticator, {
      headers: req.headers,
      query: req.query as Record<string, unknown>,
    });
    if (!auth.ok) {
      reply.headers(auth.headers);
      throw auth.error;
    }
    req.principal = auth.principal;
  });
}

/** The caller of a protected route (the hook guarantees one). */
export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw new ProtocolError('UNAUTHORIZED', AUTH_REASONS.noHttpCredentials);
  return req.principal;
}

import type { Credentials } from './authenticator';

/** The parts of an HTTP request that can carry credentials (Node's IncomingMessage fits). */
export interface HttpRequestLike {
  headers: Record<string, string | string[] | undefined>;
  /** The request's query string parameters, when already parsed. */
  query?: unknown;
}

/**
 * Credentials as REST clients send them: `x-api-key` header, `?apiKey=` query, or
 * `Authorization: Bearer <jwt>`. The first value wins when a header is repeated.
 */
export function httpCredentials(req: HttpRequestLike): Credentials {
  const query = (req.query ?? {}) as Record<string, unknown>;
  const fromQuery = typeof query.apiKey === 'string' ? query.apiKey : undefined;
  return {
    apiKey: first(req.headers['x-api-key']) ?? fromQuery,
    bearer: first(req.headers.authorization),
  };
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

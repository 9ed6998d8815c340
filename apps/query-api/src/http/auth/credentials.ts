import type { IncomingMessage } from 'node:http';
import { API_KEY_PREFIX, type HttpRequestLike } from '@defi-realtime/auth';
import type { FastifyRequest } from 'fastify';

/** Where the URL rewrite leaves the credentials it took out of the URL. */
const URL_CREDENTIALS = Symbol('query-api.urlCredentials');

interface UrlCredentials {
  /** From the first path segment (`/<key>/...`, DefiLlama's pro API form). */
  pathKey?: string;
  /** From `?apiKey=`. */
  queryKey?: string;
}

type CarryingRequest = IncomingMessage & { [URL_CREDENTIALS]?: UrlCredentials; originalUrl?: string };

/**
 * Fastify's `rewriteUrl`: take API keys out of the URL before routing, so every route is
 * declared once and no key reaches a log line, a cache key or a route's query schema.
 * `/<key>/protocols` and `/<key>/api/protocols` (pro-api.llama.fi's form) become
 * `/protocols`; `?apiKey=` is removed from the query. A first segment counts as a key when
 * it starts with `drt_`: a malformed one is still taken, so the client hears 401, not 404.
 */
export function rewriteCredentialsOutOfUrl(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const queryAt = url.indexOf('?');
  let path = queryAt === -1 ? url : url.slice(0, queryAt);
  let query = queryAt === -1 ? '' : url.slice(queryAt + 1);
  const found: UrlCredentials = {};

  if (path.startsWith(`/${API_KEY_PREFIX}`)) {
    const end = path.indexOf('/', 1);
    found.pathKey = decodeSegment(end === -1 ? path.slice(1) : path.slice(1, end));
    path = end === -1 ? '/' : path.slice(end);
    if (path === '/api' || path.startsWith('/api/')) path = path.slice(4) || '/';
  }
  if (query.includes('apiKey=')) {
    const params = new URLSearchParams(query);
    found.queryKey = params.get('apiKey') ?? undefined;
    params.delete('apiKey');
    query = params.toString();
  }
  if (found.pathKey === undefined && found.queryKey === undefined) return url;

  const carrier = req as CarryingRequest;
  carrier[URL_CREDENTIALS] = found;
  const rewritten = query ? `${path}?${query}` : path;
  // Fastify keeps the URL as sent in `originalUrl`; keep the key out of it as well.
  carrier.originalUrl = rewritten;
  return rewritten;
}

/**
 * The request as authenticateHttp reads it: its headers, the `?apiKey=` and the path key
 * the URL rewrite took out, so precedence and refusals are those of every other app.
 */
export function credentialRequest(req: FastifyRequest): HttpRequestLike {
  const fromUrl = (req.raw as CarryingRequest)[URL_CREDENTIALS] ?? {};
  return { headers: req.headers, query: { apiKey: fromUrl.queryKey }, pathKey: fromUrl.pathKey };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    // Malformed percent-encoding: hand it over as sent; the authenticator says what is wrong.
    return segment;
  }
}

import type { IncomingMessage } from 'node:http';
import { API_KEY_PREFIX, httpCredentials, type Credentials } from '@defi-realtime/auth';
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
 * Every credential the request brought: the key from the path, then the `x-api-key`
 * header, then `?apiKey=`; a bearer value that is an API key (`Authorization: Bearer
 * drt_...`) counts as one, any other bearer value is a token for the Authenticator.
 */
export function requestCredentials(req: FastifyRequest): Credentials {
  const fromUrl = (req.raw as CarryingRequest)[URL_CREDENTIALS] ?? {};
  const { apiKey: headerKey, bearer } = httpCredentials({ headers: req.headers });
  const bearerValue = bearer?.trim().replace(/^bearer\s+/i, '');
  const bearerIsKey = bearerValue?.startsWith(API_KEY_PREFIX) === true;
  const apiKey = fromUrl.pathKey || headerKey || fromUrl.queryKey || (bearerIsKey ? bearerValue : undefined);
  return { apiKey, bearer: bearerIsKey ? undefined : bearer };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    // Malformed percent-encoding: hand it over as sent; the authenticator says what is wrong.
    return segment;
  }
}

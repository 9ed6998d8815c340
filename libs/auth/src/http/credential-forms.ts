import { API_KEY_PREFIX } from '../api-keys';
import { AUTH_REASONS } from '../authenticator';

/** Request headers as Node gives them (lower-case names; arrays only where a framework keeps repeats). */
export type HttpHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** The parts of an HTTP request that can carry credentials: Node's IncomingMessage plus its parsed query fits. */
export interface HttpRequestLike {
  headers: HttpHeaders;
  /** The query string, parsed (Fastify's `request.query`) or as URLSearchParams. @default undefined (none) */
  query?: URLSearchParams | Readonly<Record<string, unknown>> | null;
  /** A key the app's routing took out of the URL path (the query API's `/<key>/...` form). @default undefined */
  pathKey?: string;
}

/** Where a credential was found, as messages name it. */
export type CredentialForm = 'x-api-key header' | 'apiKey query parameter' | 'Authorization header' | 'URL path';

/** One credential, told apart by its shape: `drt_...` is an API key wherever it came from; any other bearer value is a JWT. */
export type HttpCredential =
  { kind: 'api_key'; key: string; form: CredentialForm } | { kind: 'jwt'; token: string; form: 'Authorization header' };

/** The request's one credential (undefined when it brought none), or why it cannot be used. */
export type CredentialExtraction =
  | { ok: true; credential: HttpCredential | undefined }
  | { ok: false; code: 'BAD_REQUEST' | 'UNAUTHORIZED'; message: string };

/**
 * The credential of an HTTP request, the same for every app: `x-api-key: <key>`,
 * `?apiKey=<key>`, `Authorization: Bearer <key or JWT>` (and the path key an app's routing
 * found). A repeated header or parameter counts once, with its first value; an empty one
 * counts as absent. More than one form in one request is refused (400), even with equal
 * values, as RFC 6750 section 2 asks: the server never has to pick one.
 */
export function extractHttpCredential(req: HttpRequestLike): CredentialExtraction {
  const found: Array<[CredentialForm, string]> = [];
  const headerKey = firstValue(req.headers['x-api-key']);
  if (headerKey !== undefined) found.push(['x-api-key header', headerKey]);
  const queryKey = queryApiKey(req.query);
  if (queryKey !== undefined) found.push(['apiKey query parameter', queryKey]);
  const authorization = firstValue(req.headers.authorization);
  if (authorization !== undefined) found.push(['Authorization header', authorization]);
  const pathKey = req.pathKey?.trim() || undefined;
  if (pathKey !== undefined) found.push(['URL path', pathKey]);

  if (found.length === 0) return { ok: true, credential: undefined };
  if (found.length > 1)
    return {
      ok: false,
      code: 'BAD_REQUEST',
      message: `${AUTH_REASONS.several} (got ${found.map(([form]) => form).join(' and ')})`,
    };
  const [form, value] = found[0] as [CredentialForm, string];
  if (form !== 'Authorization header') return { ok: true, credential: { kind: 'api_key', key: value, form } };

  const bearer = parseBearer(value);
  if (!bearer.ok) return { ok: false, code: 'UNAUTHORIZED', message: bearer.message };
  return {
    ok: true,
    credential: bearer.value.startsWith(API_KEY_PREFIX)
      ? { kind: 'api_key', key: bearer.value, form }
      : { kind: 'jwt', token: bearer.value, form },
  };
}

/** The value of `Authorization: Bearer <value>` (first value when repeated), or undefined when absent or not of that form. */
export function bearerValue(headers: HttpHeaders): string | undefined {
  const authorization = firstValue(headers.authorization);
  if (authorization === undefined) return undefined;
  const bearer = parseBearer(authorization);
  return bearer.ok ? bearer.value : undefined;
}

function parseBearer(authorization: string): { ok: true; value: string } | { ok: false; message: string } {
  // RFC 9110 section 11.4: `scheme SP credentials`, the scheme case-insensitive.
  const [scheme = '', value, ...rest] = authorization.split(/\s+/);
  if (value === undefined || rest.length > 0) return { ok: false, message: AUTH_REASONS.authorizationMalformed };
  if (scheme.toLowerCase() !== 'bearer') return { ok: false, message: AUTH_REASONS.authorizationScheme };
  return { ok: true, value };
}

/**
 * The first value of a header, trimmed; undefined when absent or empty. Node joins a
 * repeated `x-api-key` into one string with `, ` (it keeps only the first Authorization),
 * and neither API keys nor JWTs contain a comma, so the first value ends at the first comma.
 */
function firstValue(value: string | readonly string[] | undefined): string | undefined {
  const first = typeof value === 'string' ? value : value?.[0];
  return first?.split(',')[0]?.trim() || undefined;
}

function queryApiKey(query: HttpRequestLike['query']): string | undefined {
  if (query === undefined || query === null) return undefined;
  if (query instanceof URLSearchParams) return query.get('apiKey')?.trim() || undefined;
  const value = query.apiKey;
  const first = Array.isArray(value) ? (value[0] as unknown) : value;
  return typeof first === 'string' ? first.trim() || undefined : undefined;
}

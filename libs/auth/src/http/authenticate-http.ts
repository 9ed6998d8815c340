import { ProtocolError } from '@defi-realtime/protocol';
import { AUTH_REASONS, type Authenticator } from '../authenticator';
import { AuthError } from '../errors';
import type { Principal } from '../principal';
import { extractHttpCredential, type CredentialForm, type HttpRequestLike } from './credential-forms';

/**
 * Why a request was not authenticated. `missing` (no credential at all) is the one an app
 * may let through: anonymous access, or the WebSocket's `authenticate` message.
 */
export type HttpAuthFailure = 'missing' | 'ambiguous' | 'refused' | 'unavailable';

/**
 * The verdict on an HTTP request: its principal, or the registry error to answer with
 * (`error.httpStatus`, `error.toHttpBody()`) and the headers to send along.
 */
export type HttpAuthResult =
  | { ok: true; principal: Principal; form: CredentialForm }
  | { ok: false; failure: HttpAuthFailure; error: ProtocolError; headers: Readonly<Record<string, string>> };

// RFC 9110 section 11.6.1: a 401 carries a challenge. RFC 6750 section 3: `error` only
// when credentials were sent, so a client without any is simply told the scheme.
const CHALLENGE = 'Bearer realm="defi-realtime"';
const CHALLENGE_INVALID = `${CHALLENGE}, error="invalid_token"`;

/**
 * Authenticate an HTTP request (a REST call or a WebSocket handshake) the same way in
 * every app: find its one credential (extractHttpCredential: `x-api-key`, `?apiKey=`,
 * `Authorization: Bearer <key or JWT>`), check it, and turn any refusal into a registry
 * error: 400 BAD_REQUEST for several credentials, 401 UNAUTHORIZED for none or a bad one,
 * 503 UNAVAILABLE (Retry-After: 1) when it cannot be checked right now, never a 401 then.
 * Throws only what is not an AuthError (a bug).
 */
export async function authenticateHttp(
  authenticator: Pick<Authenticator, 'authenticate'>,
  req: HttpRequestLike,
): Promise<HttpAuthResult> {
  const extracted = extractHttpCredential(req);
  if (!extracted.ok) {
    return extracted.code === 'BAD_REQUEST'
      ? refuse('ambiguous', 'BAD_REQUEST', extracted.message, {})
      : refuse('refused', 'UNAUTHORIZED', extracted.message, { 'WWW-Authenticate': CHALLENGE_INVALID });
  }
  const { credential } = extracted;
  if (credential === undefined)
    return refuse('missing', 'UNAUTHORIZED', AUTH_REASONS.noHttpCredentials, { 'WWW-Authenticate': CHALLENGE });

  let result;
  try {
    result = await authenticator.authenticate(
      credential.kind === 'api_key' ? { apiKey: credential.key } : { bearer: credential.token },
    );
  } catch (err) {
    if (!(err instanceof AuthError && err.code === 'AUTH_UNAVAILABLE')) throw err;
    return {
      ok: false,
      failure: 'unavailable',
      error: new ProtocolError('UNAVAILABLE', AUTH_REASONS.unavailable, { cause: err }),
      headers: { 'Retry-After': '1' },
    };
  }
  if (!result.ok) return refuse('refused', 'UNAUTHORIZED', result.reason, { 'WWW-Authenticate': CHALLENGE_INVALID });
  return { ok: true, principal: result.principal, form: credential.form };
}

function refuse(
  failure: HttpAuthFailure,
  code: 'BAD_REQUEST' | 'UNAUTHORIZED',
  message: string,
  headers: Record<string, string>,
): HttpAuthResult {
  return { ok: false, failure, error: new ProtocolError(code, message), headers };
}

import { looksLikeApiKey } from './api-keys';
import { AuthError } from './errors';
import type { JwtVerifier } from './jwt';
import type { Principal } from './principal';

/** What the Authenticator needs of an API key store (ApiKeyStore, or a fake in tests). */
export interface ApiKeyAuthenticator {
  authenticate(key: string): Promise<Principal | null>;
}

/** Credentials as a request brings them; empty strings count as absent. */
export interface Credentials {
  /** From `?apiKey=`, `x-api-key` or an authenticate message. */
  apiKey?: string;
  /** A JWT, bare or as the whole `Authorization` header value (`Bearer <jwt>`). */
  bearer?: string;
}

/** The verdict. `reason` tells the client what to fix; it never contains the credential. */
export type AuthResult = { ok: true; principal: Principal } | { ok: false; code: 'UNAUTHORIZED'; reason: string };

export interface AuthenticatorOptions {
  /** Accept API keys. @default undefined (API keys refused) */
  apiKeys?: ApiKeyAuthenticator;
  /** Accept JWTs. @default undefined (tokens refused) */
  jwt?: JwtVerifier;
}

/** The reasons a client may see, as constants so callers and tests do not retype them. */
export const AUTH_REASONS = {
  noCredentials: 'no credentials',
  both: 'give an API key or a token, not both',
  keyMalformed: 'API key malformed (expected drt_ followed by 32 letters and digits)',
  keyUnknown: 'API key unknown or revoked',
  keysNotAccepted: 'API keys are not accepted here',
  tokensNotAccepted: 'tokens are not accepted here',
  /** HTTP: none of the forms docs/auth.md lists was sent. */
  noHttpCredentials:
    'no credentials: send an API key as x-api-key, ?apiKey= or Authorization: Bearer, or a JWT as Authorization: Bearer',
  /** HTTP: two forms in one request; the message names them after this. */
  several: 'send one credential, not several',
  authorizationMalformed: 'Authorization header malformed: expected "Bearer <API key or JWT>"',
  authorizationScheme: 'Authorization scheme not accepted: expected "Bearer <API key or JWT>"',
  /** Not a verdict: the database or the JWKS could not be reached. */
  unavailable: 'credentials cannot be checked right now; retry',
} as const;

/**
 * One entry point for every credential the apps accept (HTTP requests go through
 * authenticateHttp first, which finds the credential in the request). Refusals
 * resolve `{ok: false}`; only "cannot check right now" (database or JWKS down) rejects,
 * with an AuthError AUTH_UNAVAILABLE, so an outage never reads as a bad key.
 */
export class Authenticator {
  readonly #apiKeys: ApiKeyAuthenticator | undefined;
  readonly #jwt: JwtVerifier | undefined;

  constructor(options: AuthenticatorOptions) {
    if (!options.apiKeys && !options.jwt)
      throw new TypeError('Authenticator needs apiKeys, jwt or both: otherwise it refuses everyone');
    this.#apiKeys = options.apiKeys;
    this.#jwt = options.jwt;
  }

  async authenticate(credentials: Credentials): Promise<AuthResult> {
    const apiKey = credentials.apiKey?.trim() || undefined;
    const bearer = stripBearer(credentials.bearer);
    if (apiKey === undefined && bearer === undefined) return refuse(AUTH_REASONS.noCredentials);
    if (apiKey !== undefined && bearer !== undefined) return refuse(AUTH_REASONS.both);
    if (apiKey !== undefined) return this.#byApiKey(apiKey);
    return this.#byToken(bearer as string);
  }

  async #byApiKey(key: string): Promise<AuthResult> {
    if (!this.#apiKeys) return refuse(AUTH_REASONS.keysNotAccepted);
    if (!looksLikeApiKey(key)) return refuse(AUTH_REASONS.keyMalformed);
    let principal: Principal | null;
    try {
      principal = await this.#apiKeys.authenticate(key);
    } catch (err) {
      throw unavailable('API key could not be checked', err);
    }
    return principal ? { ok: true, principal } : refuse(AUTH_REASONS.keyUnknown);
  }

  async #byToken(token: string): Promise<AuthResult> {
    if (!this.#jwt) return refuse(AUTH_REASONS.tokensNotAccepted);
    try {
      const result = await this.#jwt.verify(token);
      return result.ok ? result : refuse(result.reason);
    } catch (err) {
      throw unavailable('token could not be checked', err);
    }
  }
}

function stripBearer(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  return trimmed.replace(/^bearer\s+/i, '') || undefined;
}

function refuse(reason: string): AuthResult {
  return { ok: false, code: 'UNAUTHORIZED', reason };
}

function unavailable(what: string, err: unknown): AuthError {
  if (err instanceof AuthError && err.code === 'AUTH_UNAVAILABLE') return err;
  return new AuthError('AUTH_UNAVAILABLE', `${what}: ${(err as Error)?.message ?? String(err)}`, { cause: err });
}

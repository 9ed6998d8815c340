/**
 * What went wrong, as a string a caller can switch on:
 * - INVALID_TIER_LIMITS: a tier-limit override (e.g. TIER_LIMITS) does not parse.
 * - INVALID_SEED: a seed spec (SEED_API_KEYS) has a bad entry.
 * - INVALID_KEY_INPUT: create() got a bad name, owner or tier.
 * - KEY_NOT_FOUND / KEY_AMBIGUOUS: revoke() matched no key / several keys.
 * - AUTH_UNAVAILABLE: credentials could not be checked (database or JWKS unreachable);
 *   a server problem, never a verdict on the credentials.
 */
export type AuthErrorCode =
  'INVALID_TIER_LIMITS' | 'INVALID_SEED' | 'INVALID_KEY_INPUT' | 'KEY_NOT_FOUND' | 'KEY_AMBIGUOUS' | 'AUTH_UNAVAILABLE';

/** Every error this library throws on purpose (bad options are TypeErrors, as in ws). */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  constructor(
    readonly code: AuthErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

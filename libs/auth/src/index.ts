export {
  TIER_NAMES,
  DEFAULT_TIER_LIMITS,
  tierNameSchema,
  tierLimitsSchema,
  tierTableSchema,
  tierOverridesSchema,
  isTierName,
  resolveTierLimits,
} from './tiers';
export type { TierName, TierLimits, TierTable, TierOverrides } from './tiers';
export {
  API_KEY_PREFIX,
  KEY_PREFIX_LENGTH,
  generateApiKey,
  hashApiKey,
  keyPrefix,
  looksLikeApiKey,
  maskApiKey,
} from './api-keys';
export { ApiKeyStore, MAX_REVOCATION_LATENCY_MS } from './api-key-store';
export type { ApiKeyStoreOptions, ApiKeyRecord, CreateApiKeyInput } from './api-key-store';
export { parseSeedSpec } from './seed-spec';
export type { SeedEntry } from './seed-spec';
export { createJwtVerifier } from './jwt';
export type { JwtVerifier, JwtVerifierOptions, TokenResult } from './jwt';
export { principalMayUse, channelMatches } from './principal';
export type { Principal } from './principal';
export { Authenticator, AUTH_REASONS } from './authenticator';
export type { ApiKeyAuthenticator, AuthenticatorOptions, AuthResult, Credentials } from './authenticator';
export { AuthError } from './errors';
export type { AuthErrorCode } from './errors';
export { authenticateHttp } from './http/authenticate-http';
export type { HttpAuthFailure, HttpAuthResult } from './http/authenticate-http';
export { extractHttpCredential } from './http/credential-forms';
export type {
  CredentialExtraction,
  CredentialForm,
  HttpCredential,
  HttpHeaders,
  HttpRequestLike,
} from './http/credential-forms';
export { HTTP_SECURITY_SCHEMES, httpSecurity } from './http/openapi-security';
export { staticBearerMatches, staticTokenEquals } from './static-token';
export { checkJwtEnv, jwtEnvShape, jwtVerifierFromEnv } from './jwt-env';
export type { JwtEnv } from './jwt-env';

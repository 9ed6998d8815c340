import { createPublicKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { AuthError } from './errors';
import { channelPatternProblem, type Principal } from './principal';
import { DEFAULT_TIER_LIMITS, TIER_NAMES, isTierName, type TierName, type TierTable } from './tiers';

export interface JwtVerifierOptions {
  /** HS256 shared secret, at least 32 bytes (RFC 7518 3.2). @default undefined */
  secret?: string | Uint8Array;
  /** RS256 keys from this JSON Web Key Set URL (fetched on demand, cached). Excludes publicKeyPem. @default undefined */
  jwksUrl?: string | URL;
  /** RS256 with this one SPKI PEM public key. Excludes jwksUrl. @default undefined */
  publicKeyPem?: string;
  /** Accept only tokens with this `iss`. @default undefined (any) */
  issuer?: string | string[];
  /** Accept only tokens with this `aud`. @default undefined (any) */
  audience?: string | string[];
  /** Clock skew allowed on exp/nbf, in seconds: issuers' clocks are never exactly ours. @default 5 */
  clockToleranceSec?: number;
  /** Refuse tokens without `exp`: a token that never expires cannot be taken back. @default true */
  requireExpiry?: boolean;
  /** Tier of a token without a `tier` claim. @default 'free' */
  defaultTier?: TierName;
  /** Limits attached to principals. @default DEFAULT_TIER_LIMITS */
  tiers?: TierTable;
  /** Give up fetching the JWKS after this long (the handshake waits on it). @default 5_000 */
  jwksTimeoutMs?: number;
  /** Refetch the JWKS after this long even if every `kid` is found, to pick up key rotations. @default 600_000 */
  jwksCacheMaxAgeMs?: number;
}

/** A token either verifies to a principal, or is refused with a reason the client can act on. */
export type TokenResult = { ok: true; principal: Principal } | { ok: false; reason: string };

export interface JwtVerifier {
  /** Verify a compact JWS. Throws AuthError AUTH_UNAVAILABLE only when the JWKS cannot be fetched. */
  verify(token: string): Promise<TokenResult>;
}

/**
 * A verifier for browser clients' tokens (jose): HS256 with `secret`, RS256 with
 * `jwksUrl` or `publicKeyPem` (both algorithms when a secret and a public key are given;
 * the token's `alg` picks the key, and a key only ever verifies its own algorithm).
 * Claims: `sub` (required), `tier` (a known tier, default free), `channels` (optional
 * list of channel names or prefixes ending in `*`). Bad options throw a TypeError at once.
 */
export function createJwtVerifier(options: JwtVerifierOptions): JwtVerifier {
  const o = {
    clockToleranceSec: 5,
    requireExpiry: true,
    defaultTier: 'free' as TierName,
    jwksTimeoutMs: 5_000,
    jwksCacheMaxAgeMs: 600_000,
    ...options,
  };
  const secret = o.secret === undefined ? undefined : secretBytes(o.secret);
  const publicKey = o.publicKeyPem === undefined ? undefined : rsaPublicKey(o.publicKeyPem);
  if (o.jwksUrl !== undefined && publicKey !== undefined) {
    throw new TypeError('Options jwksUrl and publicKeyPem exclude each other: give the RS256 key one way');
  }
  if (secret === undefined && publicKey === undefined && o.jwksUrl === undefined) {
    throw new TypeError('No JWT key: give secret (HS256), jwksUrl or publicKeyPem (RS256)');
  }
  if (!isTierName(o.defaultTier))
    throw new TypeError(
      `Invalid defaultTier option "${String(o.defaultTier)}": expected one of ${TIER_NAMES.join(', ')}`,
    );
  const jwks =
    o.jwksUrl === undefined
      ? undefined
      : createRemoteJWKSet(jwksUrl(o.jwksUrl), {
          timeoutDuration: o.jwksTimeoutMs,
          cacheMaxAge: o.jwksCacheMaxAgeMs,
        });
  const algorithms = [...(secret ? ['HS256'] : []), ...(publicKey || jwks ? ['RS256'] : [])];
  const getKey: JWTVerifyGetKey = async (header, token) => {
    if (header.alg === 'HS256' && secret) return secret;
    if (jwks) return jwks(header, token);
    return publicKey as KeyObject;
  };
  const tiers = o.tiers ?? DEFAULT_TIER_LIMITS;
  const claimsFor = (payload: JWTPayload): TokenResult => principalFromClaims(payload, o.defaultTier, tiers);

  return {
    async verify(token: string): Promise<TokenResult> {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, getKey, {
          algorithms,
          issuer: o.issuer,
          audience: o.audience,
          clockTolerance: o.clockToleranceSec,
          requiredClaims: o.requireExpiry ? ['exp'] : [],
        }));
      } catch (err) {
        return { ok: false, reason: refusalReason(err) };
      }
      return claimsFor(payload);
    },
  };
}

function principalFromClaims(payload: JWTPayload, defaultTier: TierName, tiers: TierTable): TokenResult {
  const { sub, tier = defaultTier, channels } = payload as JWTPayload & { tier?: unknown; channels?: unknown };
  if (typeof sub !== 'string' || sub === '') return { ok: false, reason: 'token has no sub claim' };
  if (!isTierName(tier))
    return {
      ok: false,
      reason: `token tier claim "${String(tier)}" unknown (expected one of ${TIER_NAMES.join(', ')})`,
    };
  let allowedChannels: readonly string[] | undefined;
  if (channels !== undefined) {
    if (!Array.isArray(channels))
      return { ok: false, reason: 'token channels claim must be an array of channel names' };
    for (const pattern of channels) {
      const problem = channelPatternProblem(pattern);
      if (problem) return { ok: false, reason: `token channels claim entry ${JSON.stringify(pattern)}: ${problem}` };
    }
    allowedChannels = Object.freeze([...(channels as string[])]);
  }
  const principal: Principal = {
    id: sub,
    owner: sub,
    tier,
    limits: tiers[tier],
    via: 'jwt',
    ...(allowedChannels ? { allowedChannels } : {}),
  };
  return { ok: true, principal: Object.freeze(principal) };
}

// jose error codes -> what a client can do about it. Codes, not classes: they survive
// bundling and duplicate copies of jose.
const REASONS: Record<string, string> = {
  ERR_JWT_EXPIRED: 'token expired',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'token signature invalid',
  ERR_JOSE_ALG_NOT_ALLOWED: 'token algorithm not accepted',
  ERR_JOSE_NOT_SUPPORTED: 'token algorithm not supported',
  ERR_JWS_INVALID: 'token malformed',
  ERR_JWT_INVALID: 'token malformed',
  ERR_JWKS_NO_MATCHING_KEY: 'token signing key unknown',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'token signing key ambiguous (give the kid header)',
};
const CLAIM_REASONS: Record<string, string> = {
  nbf: 'token not valid yet',
  iss: 'token issuer not accepted',
  aud: 'token audience not accepted',
  exp: 'token has no exp claim',
};

function refusalReason(err: unknown): string {
  const { code, claim } = (err ?? {}) as { code?: unknown; claim?: unknown };
  if (typeof code === 'string' && code in REASONS) return REASONS[code] as string;
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') {
    return (typeof claim === 'string' && CLAIM_REASONS[claim]) || `token claim ${String(claim)} invalid`;
  }
  // The rest is ours, not the client's: the key set could not be fetched or read.
  throw new AuthError('AUTH_UNAVAILABLE', `token could not be verified: ${(err as Error)?.message ?? String(err)}`, {
    cause: err,
  });
}

function secretBytes(secret: string | Uint8Array): Uint8Array {
  const bytes = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  if (!(bytes instanceof Uint8Array) || bytes.byteLength < 32) {
    throw new TypeError(
      'Invalid secret option: an HS256 secret needs at least 32 bytes (e.g. `openssl rand -base64 32`)',
    );
  }
  return bytes;
}

function rsaPublicKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (err) {
    throw new TypeError(`Invalid publicKeyPem option: not a PEM public key (${(err as Error).message})`, {
      cause: err,
    });
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new TypeError(
      `Invalid publicKeyPem option: expected an RSA key for RS256, got ${key.asymmetricKeyType ?? 'unknown'}`,
    );
  }
  return key;
}

function jwksUrl(url: string | URL): URL {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
    throw new TypeError(`Invalid jwksUrl option ${JSON.stringify(String(url))}: expected an http(s) URL`);
  }
  return parsed;
}

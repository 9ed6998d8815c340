import { createPublicKey } from 'node:crypto';
import { z } from 'zod';
import { createJwtVerifier, type JwtVerifier } from './jwt';
import type { TierTable } from './tiers';

/**
 * The JWT variables, the same in every app that accepts tokens (gateway, query API, alert
 * engine): an app spreads this into its env schema and builds its verifier with
 * jwtVerifierFromEnv. All unset: tokens are refused (401 `tokens are not accepted here`).
 */
export const jwtEnvShape = {
  /** HS256 secret: at least 32 bytes, as the verifier requires (RFC 7518 3.2). */
  JWT_SECRET: z
    .string()
    .refine((v) => Buffer.byteLength(v) >= 32, 'expected at least 32 bytes (e.g. `openssl rand -base64 32`)')
    .optional(),
  /** RS256: the JWKS URL of the token issuer. */
  JWT_JWKS_URL: z.url({ error: 'expected an http(s) URL' }).optional(),
  /** RS256: a PEM public key (alternative to JWT_JWKS_URL); `\n` escapes count as line breaks, as env files need them. */
  JWT_PUBLIC_KEY: z
    .string()
    .transform((v) => v.replace(/\\n/g, '\n'))
    .refine(isRsaPublicKeyPem, 'expected an RSA public key in PEM form (-----BEGIN PUBLIC KEY-----)')
    .optional(),
  /** Accept only tokens with this `iss`. */
  JWT_ISSUER: z.string().optional(),
  /** Accept only tokens with this `aud`. */
  JWT_AUDIENCE: z.string().optional(),
};

/** The parsed JWT variables (any app config that spread jwtEnvShape fits). */
export type JwtEnv = z.output<z.ZodObject<typeof jwtEnvShape>>;

/**
 * The rule across the JWT variables, for the app schema's superRefine: the RS256 key comes
 * one way, so a conflict stops the app at start-up (exit 2) naming the variable.
 */
export function checkJwtEnv(env: Pick<JwtEnv, 'JWT_JWKS_URL' | 'JWT_PUBLIC_KEY'>, ctx: z.RefinementCtx): void {
  if (env.JWT_JWKS_URL && env.JWT_PUBLIC_KEY) {
    ctx.addIssue({
      code: 'custom',
      path: ['JWT_PUBLIC_KEY'],
      message: 'excludes JWT_JWKS_URL: give the RS256 key one way',
    });
  }
}

/**
 * The verifier the JWT variables describe, or undefined when none of JWT_SECRET,
 * JWT_JWKS_URL, JWT_PUBLIC_KEY is set. Both RS256 sources at once throw a TypeError
 * (checkJwtEnv refuses them before, in every app's schema).
 */
export function jwtVerifierFromEnv(env: JwtEnv, options: { tiers?: TierTable } = {}): JwtVerifier | undefined {
  if (!env.JWT_SECRET && !env.JWT_JWKS_URL && !env.JWT_PUBLIC_KEY) return undefined;
  if (env.JWT_JWKS_URL && env.JWT_PUBLIC_KEY)
    throw new TypeError('JWT_JWKS_URL and JWT_PUBLIC_KEY exclude each other: give the RS256 key one way');
  return createJwtVerifier({
    secret: env.JWT_SECRET || undefined,
    jwksUrl: env.JWT_JWKS_URL || undefined,
    publicKeyPem: env.JWT_PUBLIC_KEY || undefined,
    issuer: env.JWT_ISSUER || undefined,
    audience: env.JWT_AUDIENCE || undefined,
    ...(options.tiers ? { tiers: options.tiers } : {}),
  });
}

function isRsaPublicKeyPem(pem: string): boolean {
  try {
    return createPublicKey(pem).asymmetricKeyType === 'rsa';
  } catch {
    return false;
  }
}

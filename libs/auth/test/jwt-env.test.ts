import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { z } from 'zod';
import { checkJwtEnv, jwtEnvShape, jwtVerifierFromEnv } from '../src/index';

const Schema = z.object({ ...jwtEnvShape });
const SECRET = 'a-test-secret-that-is-long-enough-0123456789';

describe('jwtEnvShape', () => {
  it('names the variable and what was expected', () => {
    const problems = (env: Record<string, string>) =>
      (Schema.safeParse(env).error?.issues ?? []).map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    expect(problems({ JWT_SECRET: 'short' })).toEqual([
      expect.stringMatching(/^JWT_SECRET: expected at least 32 bytes/),
    ]);
    expect(problems({ JWT_JWKS_URL: 'not a url' })).toEqual(['JWT_JWKS_URL: expected an http(s) URL']);
    expect(problems({ JWT_PUBLIC_KEY: 'not a key' })).toEqual([
      expect.stringMatching(/^JWT_PUBLIC_KEY: expected an RSA public key/),
    ]);
  });

  it('refuses JWT_JWKS_URL with JWT_PUBLIC_KEY in the schema, naming the variable', () => {
    const pem = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    const checked = z.object({ ...jwtEnvShape }).superRefine(checkJwtEnv);
    const issues =
      checked.safeParse({ JWT_JWKS_URL: 'https://issuer.example/jwks.json', JWT_PUBLIC_KEY: pem }).error?.issues ?? [];
    expect(issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)).toEqual([
      'JWT_PUBLIC_KEY: excludes JWT_JWKS_URL: give the RS256 key one way',
    ]);
  });

  it('reads a PEM key with \\n escapes, as env files carry it', () => {
    const pem = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    const parsed = Schema.parse({ JWT_PUBLIC_KEY: pem.replace(/\n/g, '\\n') });
    expect(parsed.JWT_PUBLIC_KEY).toBe(pem);
  });
});

describe('jwtVerifierFromEnv', () => {
  it('is undefined when no key is configured: tokens are then refused', () => {
    expect(jwtVerifierFromEnv(Schema.parse({ JWT_ISSUER: 'https://issuer.example' }))).toBeUndefined();
  });

  it('verifies HS256 tokens with JWT_SECRET and checks JWT_ISSUER', async () => {
    const verifier = jwtVerifierFromEnv(Schema.parse({ JWT_SECRET: SECRET, JWT_ISSUER: 'https://issuer.example' }));
    const sign = (issuer: string) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('carol')
        .setIssuer(issuer)
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(SECRET));
    expect(await verifier!.verify(await sign('https://issuer.example'))).toMatchObject({
      ok: true,
      principal: { id: 'carol' },
    });
    expect(await verifier!.verify(await sign('https://other.example'))).toEqual({
      ok: false,
      reason: 'token issuer not accepted',
    });
  });

  it('refuses JWT_JWKS_URL with JWT_PUBLIC_KEY, naming both', () => {
    const pem = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    const env = Schema.parse({ JWT_JWKS_URL: 'https://issuer.example/jwks.json', JWT_PUBLIC_KEY: pem });
    expect(() => jwtVerifierFromEnv(env)).toThrow(/JWT_JWKS_URL and JWT_PUBLIC_KEY exclude each other/);
  });
});

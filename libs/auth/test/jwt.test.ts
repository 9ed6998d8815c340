import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { AuthError, createJwtVerifier, DEFAULT_TIER_LIMITS, type TokenResult } from '../src/index';
import { serveJwks } from './helpers';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const now = (): number => Math.floor(Date.now() / 1000);

function hs256(claims: JWTPayload, secret: string = SECRET): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));
}

function rs256(claims: JWTPayload, key: CryptoKey, kid?: string): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', ...(kid ? { kid } : {}) }).sign(key);
}

const inAnHour = (): number => now() + 3_600;

function refused(result: TokenResult): string {
  if (result.ok) throw new Error(`expected a refusal, got principal ${result.principal.id}`);
  return result.reason;
}

describe('JWT HS256', () => {
  const verifier = createJwtVerifier({ secret: SECRET });

  it('turns sub, tier and channels into a principal', async () => {
    const result = await verifier.verify(
      await hs256({ sub: 'user-1', tier: 'pro', channels: ['prices', 'token:*'], exp: inAnHour() }),
    );
    expect(result).toEqual({
      ok: true,
      principal: {
        id: 'user-1',
        owner: 'user-1',
        tier: 'pro',
        limits: DEFAULT_TIER_LIMITS.pro,
        via: 'jwt',
        allowedChannels: ['prices', 'token:*'],
      },
    });
  });

  it('defaults to the free tier and to every channel', async () => {
    const result = await verifier.verify(await hs256({ sub: 'user-2', exp: inAnHour() }));
    expect(result.ok && result.principal).toMatchObject({ tier: 'free', limits: DEFAULT_TIER_LIMITS.free });
    expect(result.ok && result.principal.allowedChannels).toBeUndefined();
  });

  it.each<[string, () => Promise<string>, RegExp]>([
    ['expired', () => hs256({ sub: 'u', exp: now() - 60 }), /^token expired$/],
    ['not valid yet', () => hs256({ sub: 'u', nbf: now() + 600, exp: inAnHour() }), /^token not valid yet$/],
    [
      'signed with another secret',
      () => hs256({ sub: 'u', exp: inAnHour() }, 'another-secret-that-is-long-enough-000000'),
      /^token signature invalid$/,
    ],
    [
      'of an unknown tier',
      () => hs256({ sub: 'u', tier: 'gold', exp: inAnHour() }),
      /tier claim "gold" unknown \(expected one of free, pro, enterprise\)/,
    ],
    ['without sub', () => hs256({ exp: inAnHour() }), /no sub claim/],
    ['without exp', () => hs256({ sub: 'u' }), /no exp claim/],
    [
      'with channels not a list',
      () => hs256({ sub: 'u', channels: 'prices', exp: inAnHour() }),
      /channels claim must be an array/,
    ],
    [
      'with a * inside a channel pattern',
      () => hs256({ sub: 'u', channels: ['to*ken'], exp: inAnHour() }),
      /channels claim entry "to\*ken": `\*` is only allowed at the end/,
    ],
    ['malformed', async () => 'not.a.jwt', /^token malformed$/],
  ])('refuses a token %s with a reason the client can act on', async (_what, make, reason) => {
    expect(refused(await verifier.verify(await make()))).toMatch(reason);
  });

  it('allows a few seconds of clock skew on exp', async () => {
    expect((await verifier.verify(await hs256({ sub: 'u', exp: now() - 2 }))).ok).toBe(true);
  });

  it('checks issuer and audience when configured', async () => {
    const strict = createJwtVerifier({ secret: SECRET, issuer: 'https://id.example', audience: 'defi-realtime' });
    const good = await hs256({ sub: 'u', iss: 'https://id.example', aud: 'defi-realtime', exp: inAnHour() });
    expect((await strict.verify(good)).ok).toBe(true);
    expect(
      refused(
        await strict.verify(
          await hs256({ sub: 'u', iss: 'https://evil.example', aud: 'defi-realtime', exp: inAnHour() }),
        ),
      ),
    ).toBe('token issuer not accepted');
    expect(
      refused(await strict.verify(await hs256({ sub: 'u', iss: 'https://id.example', aud: 'other', exp: inAnHour() }))),
    ).toBe('token audience not accepted');
  });

  it('refuses RS256 tokens when only a secret is configured', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    expect(refused(await verifier.verify(await rs256({ sub: 'u', exp: inAnHour() }, privateKey)))).toBe(
      'token algorithm not accepted',
    );
  });
});

describe('JWT RS256', () => {
  let keys: Awaited<ReturnType<typeof generateKeyPair>>;
  let jwks: Awaited<ReturnType<typeof serveJwks>>;

  beforeAll(async () => {
    keys = await generateKeyPair('RS256', { extractable: true });
    const jwk = await exportJWK(keys.publicKey);
    jwks = await serveJwks({ keys: [{ ...jwk, kid: 'k1', alg: 'RS256', use: 'sig' }] });
  });
  afterAll(async () => {
    await jwks.close();
  });

  it('verifies with keys fetched from a JWKS URL, fetching the set once', async () => {
    const verifier = createJwtVerifier({ jwksUrl: jwks.url });
    const before = jwks.requests();
    for (let i = 0; i < 3; i++) {
      const result = await verifier.verify(
        await rs256({ sub: `svc-${i}`, tier: 'enterprise', exp: inAnHour() }, keys.privateKey, 'k1'),
      );
      expect(result.ok && result.principal).toMatchObject({ id: `svc-${i}`, tier: 'enterprise', via: 'jwt' });
    }
    expect(jwks.requests() - before).toBe(1);
  });

  it('refuses a token signed by a key the set does not have', async () => {
    const verifier = createJwtVerifier({ jwksUrl: jwks.url });
    const stranger = await generateKeyPair('RS256');
    expect(refused(await verifier.verify(await rs256({ sub: 'u', exp: inAnHour() }, stranger.privateKey, 'k2')))).toBe(
      'token signing key unknown',
    );
    expect(refused(await verifier.verify(await rs256({ sub: 'u', exp: inAnHour() }, stranger.privateKey, 'k1')))).toBe(
      'token signature invalid',
    );
  });

  it('refuses HS256 tokens when only RS256 keys are configured', async () => {
    const verifier = createJwtVerifier({ jwksUrl: jwks.url });
    expect(refused(await verifier.verify(await hs256({ sub: 'u', exp: inAnHour() })))).toBe(
      'token algorithm not accepted',
    );
  });

  it('reports an unreachable JWKS as AUTH_UNAVAILABLE, not as a bad token', async () => {
    const down = await serveJwks({ keys: [] });
    await down.close();
    const verifier = createJwtVerifier({ jwksUrl: down.url, jwksTimeoutMs: 1_000 });
    const error = await verifier
      .verify(await rs256({ sub: 'u', exp: inAnHour() }, keys.privateKey, 'k1'))
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ code: 'AUTH_UNAVAILABLE' });
  });

  it('verifies with a PEM public key, and never accepts that PEM as an HS256 secret', async () => {
    const pem = await exportSPKI(keys.publicKey);
    const verifier = createJwtVerifier({ publicKeyPem: pem });
    const result = await verifier.verify(
      await rs256({ sub: 'pem-user', channels: ['alerts'], exp: inAnHour() }, keys.privateKey),
    );
    expect(result.ok && result.principal).toMatchObject({ id: 'pem-user', tier: 'free', allowedChannels: ['alerts'] });
    const other = await generateKeyPair('RS256');
    expect(refused(await verifier.verify(await rs256({ sub: 'u', exp: inAnHour() }, other.privateKey)))).toBe(
      'token signature invalid',
    );
    // The classic algorithm-confusion attack: HMAC keyed with the public key's text.
    expect(refused(await verifier.verify(await hs256({ sub: 'u', exp: inAnHour() }, pem)))).toBe(
      'token algorithm not accepted',
    );
  });

  it('accepts both algorithms when given a secret and a public key', async () => {
    const verifier = createJwtVerifier({ secret: SECRET, publicKeyPem: await exportSPKI(keys.publicKey) });
    expect((await verifier.verify(await hs256({ sub: 'a', exp: inAnHour() }))).ok).toBe(true);
    expect((await verifier.verify(await rs256({ sub: 'b', exp: inAnHour() }, keys.privateKey))).ok).toBe(true);
  });
});

describe('createJwtVerifier options', () => {
  it.each<[string, Parameters<typeof createJwtVerifier>[0], RegExp]>([
    ['no key', {}, /No JWT key/],
    ['a short secret', { secret: 'short' }, /at least 32 bytes/],
    ['a bad PEM', { publicKeyPem: 'nope' }, /Invalid publicKeyPem/],
    ['a non-http JWKS URL', { jwksUrl: 'ftp://id.example/jwks' }, /Invalid jwksUrl/],
    ['an unknown default tier', { secret: SECRET, defaultTier: 'gold' as never }, /Invalid defaultTier/],
  ])('throws a TypeError for %s', (_what, options, message) => {
    expect(() => createJwtVerifier(options)).toThrow(TypeError);
    expect(() => createJwtVerifier(options)).toThrow(message);
  });

  it('refuses a non-RSA PEM for RS256', async () => {
    const ec = await generateKeyPair('ES256', { extractable: true });
    expect(() => createJwtVerifier({ publicKeyPem: '' })).toThrow(TypeError);
    const pem = await exportSPKI(ec.publicKey);
    expect(() => createJwtVerifier({ publicKeyPem: pem })).toThrow(/expected an RSA key for RS256, got ec/);
  });

  it('refuses a JWKS URL together with a PEM (one RS256 key source)', async () => {
    const rsa = await generateKeyPair('RS256', { extractable: true });
    const publicKeyPem = await exportSPKI(rsa.publicKey);
    expect(() => createJwtVerifier({ jwksUrl: 'https://id.example/jwks', publicKeyPem })).toThrow(
      /jwksUrl and publicKeyPem exclude each other/,
    );
  });
});

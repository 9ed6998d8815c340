import { SignJWT } from 'jose';
import {
  AUTH_REASONS,
  AuthError,
  Authenticator,
  createJwtVerifier,
  DEFAULT_TIER_LIMITS,
  generateApiKey,
  type Principal,
} from '../src/index';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const KNOWN = generateApiKey();
const principal: Principal = {
  id: 'k1',
  owner: 'alice',
  tier: 'pro',
  limits: DEFAULT_TIER_LIMITS.pro,
  via: 'api_key',
  keyPrefix: KNOWN.slice(0, 12),
};
const fakeStore = { authenticate: async (key: string) => (key === KNOWN ? principal : null) };
const jwt = createJwtVerifier({ secret: SECRET });

function token(exp: number): Promise<string> {
  return new SignJWT({ sub: 'bob', exp }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET));
}

describe('Authenticator', () => {
  const auth = new Authenticator({ apiKeys: fakeStore, jwt });
  const inAnHour = Math.floor(Date.now() / 1000) + 3_600;

  it('accepts a known API key', async () => {
    expect(await auth.authenticate({ apiKey: KNOWN })).toEqual({ ok: true, principal });
  });

  it('accepts a token, bare or as a Bearer header value', async () => {
    const t = await token(inAnHour);
    for (const bearer of [t, `Bearer ${t}`, `bearer  ${t}`]) {
      const result = await auth.authenticate({ bearer });
      expect(result.ok && result.principal).toMatchObject({ id: 'bob', via: 'jwt' });
    }
  });

  it.each<[string, () => Promise<Parameters<Authenticator['authenticate']>[0]>, string]>([
    ['nothing', async () => ({}), AUTH_REASONS.noCredentials],
    ['empty strings', async () => ({ apiKey: ' ', bearer: '' }), AUTH_REASONS.noCredentials],
    ['an unknown key', async () => ({ apiKey: generateApiKey() }), 'API key unknown or revoked'],
    ['a malformed key', async () => ({ apiKey: 'drt_oops' }), AUTH_REASONS.keyMalformed],
    ['an expired token', async () => ({ bearer: await token(Math.floor(Date.now() / 1000) - 60) }), 'token expired'],
    ['a key and a token', async () => ({ apiKey: KNOWN, bearer: await token(inAnHour) }), AUTH_REASONS.both],
  ])('refuses %s with UNAUTHORIZED and a reason, never echoing the key', async (_what, credentials, reason) => {
    const given = await credentials();
    const result = await auth.authenticate(given);
    expect(result).toEqual({ ok: false, code: 'UNAUTHORIZED', reason });
    if (given.apiKey && given.apiKey.length > 12) expect(JSON.stringify(result)).not.toContain(given.apiKey);
  });

  it('says which kinds of credentials are not accepted here', async () => {
    expect(await new Authenticator({ jwt }).authenticate({ apiKey: KNOWN })).toMatchObject({
      reason: AUTH_REASONS.keysNotAccepted,
    });
    expect(await new Authenticator({ apiKeys: fakeStore }).authenticate({ bearer: 'x.y.z' })).toMatchObject({
      reason: AUTH_REASONS.tokensNotAccepted,
    });
    expect(() => new Authenticator({})).toThrow(TypeError);
  });

  it('rejects with AUTH_UNAVAILABLE when the key store fails: an outage is not a bad key', async () => {
    const failing = new Authenticator({
      apiKeys: { authenticate: async () => Promise.reject(new Error('connection refused')) },
    });
    const error = await failing.authenticate({ apiKey: KNOWN }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ code: 'AUTH_UNAVAILABLE', message: expect.stringContaining('connection refused') });
    expect((error as Error).message).not.toContain(KNOWN);
  });
});

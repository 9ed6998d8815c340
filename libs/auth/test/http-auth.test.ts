import { SignJWT } from 'jose';
import {
  AUTH_REASONS,
  Authenticator,
  authenticateHttp,
  createJwtVerifier,
  DEFAULT_TIER_LIMITS,
  extractHttpCredential,
  generateApiKey,
  type HttpRequestLike,
  type Principal,
} from '../src/index';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const KEY = generateApiKey();
const OTHER = generateApiKey();
const principal: Principal = {
  id: 'k1',
  owner: 'alice',
  tier: 'pro',
  limits: DEFAULT_TIER_LIMITS.pro,
  via: 'api_key',
  keyPrefix: KEY.slice(0, 12),
};
const fakeStore = { authenticate: async (key: string) => (key === KEY ? principal : null) };
const jwt = createJwtVerifier({ secret: SECRET });

function token(expiresIn = '5m'): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('bob')
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(SECRET));
}

describe('extractHttpCredential', () => {
  it.each<[string, HttpRequestLike, unknown]>([
    [
      'the x-api-key header',
      { headers: { 'x-api-key': KEY } },
      { kind: 'api_key', key: KEY, form: 'x-api-key header' },
    ],
    [
      '?apiKey= from a parsed query',
      { headers: {}, query: { apiKey: KEY } },
      { kind: 'api_key', key: KEY, form: 'apiKey query parameter' },
    ],
    [
      '?apiKey= from URLSearchParams',
      { headers: {}, query: new URLSearchParams({ apiKey: KEY }) },
      { kind: 'api_key', key: KEY, form: 'apiKey query parameter' },
    ],
    [
      'a key as Authorization: Bearer',
      { headers: { authorization: `Bearer ${KEY}` } },
      { kind: 'api_key', key: KEY, form: 'Authorization header' },
    ],
    [
      'a key as bearer, any case and spacing',
      { headers: { authorization: `  BEARER   ${KEY} ` } },
      { kind: 'api_key', key: KEY, form: 'Authorization header' },
    ],
    [
      'anything else as bearer: a JWT',
      { headers: { authorization: 'Bearer eyJ.a.b' } },
      { kind: 'jwt', token: 'eyJ.a.b', form: 'Authorization header' },
    ],
    ['a path key an app found', { headers: {}, pathKey: KEY }, { kind: 'api_key', key: KEY, form: 'URL path' }],
    [
      'the first of a repeated header (array)',
      { headers: { 'x-api-key': [KEY, OTHER] } },
      { kind: 'api_key', key: KEY, form: 'x-api-key header' },
    ],
    [
      'the first of a repeated header (joined by Node)',
      { headers: { 'x-api-key': `${KEY}, ${OTHER}` } },
      { kind: 'api_key', key: KEY, form: 'x-api-key header' },
    ],
    [
      'the first of a repeated query parameter',
      { headers: {}, query: { apiKey: [KEY, OTHER] } },
      { kind: 'api_key', key: KEY, form: 'apiKey query parameter' },
    ],
    [
      'the first of a repeated URLSearchParams parameter',
      {
        headers: {},
        query: new URLSearchParams([
          ['apiKey', KEY],
          ['apiKey', OTHER],
        ]),
      },
      { kind: 'api_key', key: KEY, form: 'apiKey query parameter' },
    ],
  ])('finds %s', (_what, req, credential) => {
    expect(extractHttpCredential(req)).toEqual({ ok: true, credential });
  });

  it.each<[string, HttpRequestLike]>([
    ['no headers, no query', { headers: {} }],
    ['empty values', { headers: { 'x-api-key': ' ', authorization: '' }, query: { apiKey: '' }, pathKey: '' }],
    [
      'a query without apiKey, or with a non-string one',
      { headers: {}, query: { apikey: KEY, other: 1, apiKey: { nested: KEY } } },
    ],
    ['a null query', { headers: {}, query: null }],
  ])('finds no credential in %s', (_what, req) => {
    expect(extractHttpCredential(req)).toEqual({ ok: true, credential: undefined });
  });

  it.each<[string, HttpRequestLike, string]>([
    [
      'header and query',
      { headers: { 'x-api-key': KEY }, query: { apiKey: KEY } },
      'x-api-key header and apiKey query parameter',
    ],
    [
      'query and bearer',
      { headers: { authorization: 'Bearer eyJ.a.b' }, query: { apiKey: KEY } },
      'apiKey query parameter and Authorization header',
    ],
    ['header and path', { headers: { 'x-api-key': OTHER }, pathKey: KEY }, 'x-api-key header and URL path'],
    [
      'three forms',
      { headers: { 'x-api-key': KEY, authorization: `Bearer ${KEY}` }, query: { apiKey: KEY } },
      'x-api-key header and apiKey query parameter and Authorization header',
    ],
    [
      'a key header and a malformed Authorization',
      { headers: { 'x-api-key': KEY, authorization: 'Basic abc' } },
      'x-api-key header and Authorization header',
    ],
  ])('refuses %s with BAD_REQUEST naming the forms, even with equal values', (_what, req, forms) => {
    expect(extractHttpCredential(req)).toEqual({
      ok: false,
      code: 'BAD_REQUEST',
      message: `${AUTH_REASONS.several} (got ${forms})`,
    });
  });

  it.each<[string, string, string]>([
    ['another scheme', 'Basic dXNlcjpwYXNz', AUTH_REASONS.authorizationScheme],
    ['a value without a scheme', KEY, AUTH_REASONS.authorizationMalformed],
    ['Bearer without a value', 'Bearer', AUTH_REASONS.authorizationMalformed],
    ['Bearer with two values', `Bearer ${KEY} ${OTHER}`, AUTH_REASONS.authorizationMalformed],
  ])('refuses an Authorization header with %s as UNAUTHORIZED', (_what, authorization, message) => {
    expect(extractHttpCredential({ headers: { authorization } })).toEqual({ ok: false, code: 'UNAUTHORIZED', message });
  });
});

describe('authenticateHttp', () => {
  const auth = new Authenticator({ apiKeys: fakeStore, jwt });

  it('gives the principal of a key and of a token, with the form it came in', async () => {
    expect(await authenticateHttp(auth, { headers: { 'x-api-key': KEY } })).toEqual({
      ok: true,
      principal,
      form: 'x-api-key header',
    });
    const byToken = await authenticateHttp(auth, { headers: { authorization: `Bearer ${await token()}` } });
    expect(byToken).toMatchObject({ ok: true, principal: { id: 'bob', via: 'jwt' }, form: 'Authorization header' });
  });

  it.each<
    [
      string,
      () => Promise<HttpRequestLike>,
      { failure: string; code: string; status: number; message: string; headers: Record<string, string> },
    ]
  >([
    [
      'no credentials: 401 with a bare challenge',
      async () => ({ headers: {} }),
      {
        failure: 'missing',
        code: 'UNAUTHORIZED',
        status: 401,
        message: AUTH_REASONS.noHttpCredentials,
        headers: { 'WWW-Authenticate': 'Bearer realm="defi-realtime"' },
      },
    ],
    [
      'an unknown key: 401 invalid_token',
      async () => ({ headers: {}, query: { apiKey: OTHER } }),
      {
        failure: 'refused',
        code: 'UNAUTHORIZED',
        status: 401,
        message: AUTH_REASONS.keyUnknown,
        headers: { 'WWW-Authenticate': 'Bearer realm="defi-realtime", error="invalid_token"' },
      },
    ],
    [
      'an expired token: 401 invalid_token',
      async () => ({ headers: { authorization: `Bearer ${await token('-1m')}` } }),
      {
        failure: 'refused',
        code: 'UNAUTHORIZED',
        status: 401,
        message: 'token expired',
        headers: { 'WWW-Authenticate': 'Bearer realm="defi-realtime", error="invalid_token"' },
      },
    ],
    [
      'another Authorization scheme: 401 invalid_token',
      async () => ({ headers: { authorization: 'Basic dXNlcjpwYXNz' } }),
      {
        failure: 'refused',
        code: 'UNAUTHORIZED',
        status: 401,
        message: AUTH_REASONS.authorizationScheme,
        headers: { 'WWW-Authenticate': 'Bearer realm="defi-realtime", error="invalid_token"' },
      },
    ],
    [
      'two credentials: 400 without a challenge',
      async () => ({ headers: { 'x-api-key': KEY, authorization: `Bearer ${KEY}` } }),
      {
        failure: 'ambiguous',
        code: 'BAD_REQUEST',
        status: 400,
        message: `${AUTH_REASONS.several} (got x-api-key header and Authorization header)`,
        headers: {},
      },
    ],
  ])('refuses %s', async (_what, req, expected) => {
    const result = await authenticateHttp(auth, await req());
    if (result.ok) throw new Error('expected a refusal');
    expect({
      failure: result.failure,
      code: result.error.code,
      status: result.error.httpStatus,
      message: result.error.message,
      headers: result.headers,
    }).toEqual(expected);
    expect(result.error.toHttpBody()).toEqual({ code: expected.code, message: expected.message });
  });

  it('answers 503 UNAVAILABLE with Retry-After when the key store fails, keeping the cause for the log', async () => {
    const outage = new Error('connection refused');
    const failing = new Authenticator({ apiKeys: { authenticate: () => Promise.reject(outage) } });
    const result = await authenticateHttp(failing, { headers: { 'x-api-key': KEY } });
    if (result.ok) throw new Error('expected a refusal');
    expect(result).toMatchObject({ failure: 'unavailable', headers: { 'Retry-After': '1' } });
    expect(result.error.toHttpBody()).toEqual({ code: 'UNAVAILABLE', message: AUTH_REASONS.unavailable });
    expect(result.error.httpStatus).toBe(503);
    expect((result.error.cause as Error).cause).toBe(outage);
  });

  it('lets a bug through instead of calling it an outage', async () => {
    const broken = { authenticate: () => Promise.reject(new TypeError('bug')) };
    await expect(authenticateHttp(broken, { headers: { 'x-api-key': KEY } })).rejects.toThrow('bug');
  });

  it('says when tokens are not accepted by an app without a verifier', async () => {
    const keysOnly = new Authenticator({ apiKeys: fakeStore });
    const result = await authenticateHttp(keysOnly, { headers: { authorization: `Bearer ${await token()}` } });
    expect(!result.ok && result.error.toHttpBody()).toEqual({
      code: 'UNAUTHORIZED',
      message: AUTH_REASONS.tokensNotAccepted,
    });
  });
});

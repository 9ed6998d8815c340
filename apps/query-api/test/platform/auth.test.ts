import { DEFAULT_TIER_LIMITS } from '@defi-realtime/auth';
import { createTestDatabase, type TestDatabase } from '@defi-realtime/db/testing';
import { platformApp, recordingLogger, type PlatformApp } from './helpers';

describe('query-api authentication', () => {
  let tdb: TestDatabase;
  let key: string;
  let revoked: string;
  let platform: PlatformApp;
  let log: ReturnType<typeof recordingLogger>;

  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
    log = recordingLogger();
    platform = await platformApp({ db: tdb.db, logger: log.logger });
    key = (await platform.keys.create({ name: 'auth test', tier: 'pro', owner: 'alice' })).key;
    revoked = (await platform.keys.create({ name: 'revoked', tier: 'pro', owner: 'alice' })).key;
    await platform.keys.revoke(revoked);
  });
  afterAll(async () => {
    await platform.close();
    await tdb.cleanup();
  });

  it.each([
    ['x-api-key header', () => ({ url: '/protocols', headers: { 'x-api-key': key } })],
    ['?apiKey= query', () => ({ url: `/protocols?apiKey=${key}` })],
    ['Authorization: Bearer', () => ({ url: '/protocols', headers: { authorization: `Bearer ${key}` } })],
    ['path form /<key>/protocols', () => ({ url: `/${key}/protocols` })],
    ['path form /<key>/api/protocols', () => ({ url: `/${key}/api/protocols` })],
  ])('accepts a key by %s at its tier', async (_form, request) => {
    const res = await platform.app.inject(request());
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual([{ id: 'uniswap-v3', n: expect.any(Number) }]);
    expect(res.headers['ratelimit-limit']).toBe(String(DEFAULT_TIER_LIMITS.pro.restRequestsPerMinute));
  });

  it('routes the path form with its parameters and query', async () => {
    const res = await platform.app.inject(`/${key}/api/protocol/known?x=1`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ slug: 'known' });
  });

  it.each([
    [
      'unknown key in the header',
      { url: '/protocols', headers: { 'x-api-key': `drt_${'x'.repeat(32)}` } },
      /unknown or revoked/,
    ],
    ['revoked key in the query', () => ({ url: `/protocols?apiKey=${revoked}` }), /unknown or revoked/],
    ['unknown key in the path', { url: `/drt_${'y'.repeat(32)}/protocols` }, /unknown or revoked/],
    ['malformed key in the path', { url: '/drt_short/api/protocols' }, /malformed/],
    ['malformed header key', { url: '/protocols', headers: { 'x-api-key': 'not-a-key' } }, /malformed/],
    ['no credentials (anonymous access off)', { url: '/protocols' }, /no credentials/],
  ])('refuses %s with 401 {code, message}', async (_case, request, message) => {
    const res = await platform.app.inject(typeof request === 'function' ? request() : request);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ code: 'UNAUTHORIZED', message: expect.stringMatching(message) });
  });

  it.each(['/healthz', '/readyz', '/metrics', '/openapi.json', '/docs/'])(
    'serves %s without credentials',
    async (url) => {
      const res = await platform.app.inject(url);
      expect(res.statusCode).toBe(200);
      expect(res.headers['ratelimit-limit']).toBeUndefined();
    },
  );

  it('answers unknown paths 404 without asking for credentials', async () => {
    const res = await platform.app.inject('/no-such-path');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('never writes a key into the logs, whichever way it came', async () => {
    const before = log.lines.length;
    // A handler error is logged with the request: the key must not be in it.
    await platform.app.inject(`/${key}/api/boom`);
    await platform.app.inject(`/boom?apiKey=${key}`);
    await platform.app.inject({ url: '/boom', headers: { 'x-api-key': key } });
    const written = log.lines.slice(before).join('\n');
    expect(written).toContain('request failed');
    expect(written).not.toContain(key.slice(4));
  });
});

describe('query-api anonymous access', () => {
  let tdb: TestDatabase;
  let platform: PlatformApp;

  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
    platform = await platformApp({ db: tdb.db, anonymous: true, tierLimits: { free: { restRequestsPerMinute: 3 } } });
  });
  afterAll(async () => {
    await platform.close();
    await tdb.cleanup();
  });

  it('serves requests without credentials at the free tier, counted per client address', async () => {
    const from = (remoteAddress: string) => platform.app.inject({ url: '/protocols', remoteAddress });
    const first = await from('10.0.0.1');
    expect(first.statusCode).toBe(200);
    expect(first.headers['ratelimit-limit']).toBe('3');
    expect(first.headers['ratelimit-remaining']).toBe('2');
    await from('10.0.0.1');
    await from('10.0.0.1');
    expect((await from('10.0.0.1')).statusCode).toBe(429);
    // Another address has its own budget.
    const other = await from('10.0.0.2');
    expect(other.statusCode).toBe(200);
    expect(other.headers['ratelimit-remaining']).toBe('2');
  });

  it('still refuses a bad key: anonymous access is for requests without credentials', async () => {
    const res = await platform.app.inject({ url: '/protocols', headers: { 'x-api-key': `drt_${'z'.repeat(32)}` } });
    expect(res.statusCode).toBe(401);
  });

  it('lists anonymous access in the OpenAPI security alternatives', async () => {
    const doc = (await platform.app.inject('/openapi.json')).json() as { security: unknown[] };
    expect(doc.security).toContainEqual({});
  });
});

describe('query-api when keys cannot be checked', () => {
  it('answers 503 UNAVAILABLE, not 401, while the database is down', async () => {
    const tdb = await createTestDatabase('postgres');
    const platform = await platformApp({ db: tdb.db });
    const { key } = await platform.keys.create({ name: 'outage', tier: 'free', owner: 'bob' });
    await tdb.cleanup(); // drops the schema and closes the database
    try {
      const res = await platform.app.inject({ url: '/protocols', headers: { 'x-api-key': key } });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ code: 'UNAVAILABLE', message: expect.stringMatching(/cannot be checked/) });
    } finally {
      await platform.app.close();
    }
  });
});

import { generateApiKey } from '@defi-realtime/auth';
import { SignJWT } from 'jose';
import { loadConfig } from '../src';
import {
  closeAfterAll,
  eventually,
  START_TEST_TIMEOUT_MS,
  startGateway,
  TestClient,
  type TestGateway,
} from './helpers';

// How a client gets in (or is refused) at the WebSocket handshake and right after it.

const JWT_SECRET = 'an-hs256-test-secret-of-32-bytes-or-more';
const AUTH_TIMEOUT_MS = 800;

let t: TestGateway;
const started = closeAfterAll();
beforeAll(async () => {
  t = await started.add(
    startGateway({
      JWT_SECRET,
      AUTH_TIMEOUT_MS: String(AUTH_TIMEOUT_MS),
      TIER_LIMITS: JSON.stringify({ free: { maxConnectionsPerKey: 2 } }),
      // Every test here connects from 127.0.0.1: keep the per-IP limit out of the way.
      IP_CONNECTIONS_PER_MINUTE: '1000',
    }),
    (g) => g.cleanup(),
  );
}, START_TEST_TIMEOUT_MS);

function token(claims: Record<string, unknown>, expiresIn = '5m'): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('user-42')
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(JWT_SECRET));
}

describe('handshake', () => {
  it('welcomes a key given as ?apiKey= with its connection id, resume token, heartbeat and limits', async () => {
    const { client, welcome } = await t.client(t.keys.pro);
    expect(welcome).toMatchObject({
      type: 'welcome',
      connectionId: expect.any(String),
      resumeToken: expect.any(String),
      heartbeatMs: 25_000,
      tier: 'pro',
      limits: {
        maxConnectionsPerKey: 100,
        maxChannelsPerConnection: 500,
        maxMessageBytes: 65_536,
        recoveryWindowMs: 120_000,
      },
      serverTime: expect.any(Number),
    });
    const second = await t.client(t.keys.pro);
    expect(second.welcome.connectionId).not.toBe(welcome.connectionId);
    expect(second.welcome.resumeToken).not.toBe(welcome.resumeToken);
    await Promise.all([client.close(), second.client.close()]);
  });

  it('refuses an unknown key with HTTP 401 and a JSON {code, message}', async () => {
    const refusal = await TestClient.refused(t.url, { apiKey: generateApiKey() });
    expect(refusal.status).toBe(401);
    expect(refusal.headers['content-type']).toBe('application/json');
    expect(refusal.body).toEqual({ code: 'UNAUTHORIZED', message: expect.stringMatching(/unknown or revoked/) });
    const malformed = await TestClient.refused(t.url, { apiKey: 'not-a-key' });
    expect(malformed).toMatchObject({
      status: 401,
      body: { code: 'UNAUTHORIZED', message: expect.stringMatching(/malformed/) },
    });
  });

  it('accepts a key in the x-api-key header', async () => {
    const client = await TestClient.connect(t.url, { headers: { 'x-api-key': t.keys.pro } });
    expect(await client.next('welcome')).toMatchObject({ tier: 'pro' });
    await client.close();
  });

  it('accepts an HS256 JWT as Authorization: Bearer, with the tier of its claim', async () => {
    const client = await TestClient.connect(t.url, {
      headers: { authorization: `Bearer ${await token({ tier: 'pro' })}` },
    });
    expect(await client.next('welcome')).toMatchObject({ tier: 'pro', limits: { maxChannelsPerConnection: 500 } });
    await client.close();
    const expired = await TestClient.refused(t.url, { headers: { authorization: `Bearer ${await token({}, '-1m')}` } });
    expect(expired).toMatchObject({ status: 401, body: { code: 'UNAUTHORIZED' } });
  });

  it('stops at start-up when JWT_SECRET is too short for HS256, naming the variable', () => {
    expect(() => loadConfig({ JWT_SECRET: 'sixteen-chars-ok' })).toThrow(/JWT_SECRET: expected at least 32 bytes/);
  });

  it('welcomes a connection that authenticates by its first message, echoing the message id', async () => {
    const client = await TestClient.connect(t.url);
    client.send({ type: 'authenticate', id: 'auth-1', apiKey: t.keys.pro });
    expect(await client.next('welcome')).toMatchObject({ id: 'auth-1', tier: 'pro', resumeToken: expect.any(String) });
    // Authenticated, it can use the connection.
    expect(await client.request({ type: 'ping', id: 9 })).toMatchObject({ type: 'pong', id: 9 });
    await client.close();
  });

  it('answers a bad key sent by message with an error, then closes with 4001', async () => {
    const client = await TestClient.connect(t.url);
    client.send({ type: 'authenticate', id: 3, apiKey: generateApiKey() });
    expect(await client.next('error')).toMatchObject({ code: 'UNAUTHORIZED', message: expect.any(String) });
    expect(await client.closedWithin()).toEqual({ code: 4001, reason: 'UNAUTHORIZED' });
  });

  it('closes a connection that never authenticates with 4002 AUTH_TIMEOUT after AUTH_TIMEOUT_MS', async () => {
    const started = Date.now();
    const client = await TestClient.connect(t.url);
    expect(await client.next('error', 5_000)).toMatchObject({ code: 'AUTH_TIMEOUT' });
    expect(await client.closedWithin()).toEqual({ code: 4002, reason: 'AUTH_TIMEOUT' });
    // Not before the timeout (timers may fire a little early on a busy machine), and not much after.
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(AUTH_TIMEOUT_MS - 50);
    expect(elapsed).toBeLessThan(AUTH_TIMEOUT_MS + 4_000);
  });

  it('refuses another path with 404', async () => {
    const refusal = await TestClient.refused(t.url.replace('/v2/realtime', '/v1/realtime'), { apiKey: t.keys.pro });
    expect(refusal).toMatchObject({
      status: 404,
      body: { code: 'NOT_FOUND', message: expect.stringContaining('/v2/realtime') },
    });
  });

  it('refuses a third connection of a free key with 403 LIMIT_EXCEEDED, and accepts one again once another closes', async () => {
    const first = await t.client(t.keys.free);
    const second = await t.client(t.keys.free);
    expect(first.welcome.limits.maxConnectionsPerKey).toBe(2);
    const refusal = await TestClient.refused(t.url, { apiKey: t.keys.free });
    expect(refusal).toMatchObject({
      status: 403,
      body: { code: 'LIMIT_EXCEEDED', message: expect.stringMatching(/at most 2 connections/) },
    });
    // Another key is not affected by this key's quota.
    const other = await t.client(t.keys.other);

    await first.client.close();
    // The slot is released once the server has handled the close: retry for a while, as a client would.
    let third: TestClient | undefined;
    await eventually(
      async () => {
        third = await TestClient.connect(t.url, { apiKey: t.keys.free });
      },
      5_000,
      100,
    );
    expect(await third!.next('welcome')).toMatchObject({ tier: 'free' });
    await Promise.all([second.client.close(), third!.close(), other.client.close()]);
  });
});

describe('handshake with ALLOWED_ORIGINS', () => {
  let o: TestGateway;
  const started = closeAfterAll();
  beforeAll(async () => {
    o = await started.add(startGateway({ ALLOWED_ORIGINS: 'https://app.example.com, https://dash.example.com' }), (g) =>
      g.cleanup(),
    );
  }, START_TEST_TIMEOUT_MS);

  it('refuses a browser from another origin with 403 and accepts an allowed one', async () => {
    const refusal = await TestClient.refused(o.url, { apiKey: o.keys.pro, ws: { origin: 'https://evil.example.net' } });
    expect(refusal).toMatchObject({
      status: 403,
      body: { code: 'FORBIDDEN', message: expect.stringContaining('evil.example.net') },
    });
    const { client } = await o.client(o.keys.pro, { ws: { origin: 'https://dash.example.com' } });
    expect(client.isOpen).toBe(true);
    await client.close();
  });
});

describe('handshake with a per-IP connection limit', () => {
  let l: TestGateway;
  const started = closeAfterAll();
  beforeAll(async () => {
    l = await started.add(startGateway({ IP_CONNECTIONS_PER_MINUTE: '3' }), (g) => g.cleanup());
  }, START_TEST_TIMEOUT_MS);

  it('refuses new connections past IP_CONNECTIONS_PER_MINUTE with 429 RATE_LIMITED and Retry-After', async () => {
    const opened = [];
    for (let i = 0; i < 3; i++) opened.push((await l.client(l.keys.pro)).client);
    const refusal = await TestClient.refused(l.url, { apiKey: l.keys.pro });
    expect(refusal).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } });
    const retryAfter = Number(refusal.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // A rate on new connections, not a cap on open ones: those already open keep working.
    expect(await opened[0]!.request({ type: 'ping', id: 1 })).toMatchObject({ type: 'pong' });
    await Promise.all(opened.map((c) => c.close()));
  });
});

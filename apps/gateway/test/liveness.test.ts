import { rawHttpRequest } from '@defi-realtime/runtime/testing';
import {
  closeAfterAll,
  closeAfterEach,
  eventually,
  metric,
  priceEvent,
  sessionSaved,
  sleep,
  START_TEST_TIMEOUT_MS,
  startGateway,
  TestClient,
  type TestGateway,
} from './helpers';

// Heartbeats, health and metrics endpoints, operator broadcasts, and a graceful restart.

const HEARTBEAT_MS = 200;
const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';

let t: TestGateway;
const started = closeAfterAll();
beforeAll(async () => {
  t = await started.add(startGateway({ HEARTBEAT_MS: String(HEARTBEAT_MS), ADMIN_TOKEN }), (g) => g.cleanup());
}, START_TEST_TIMEOUT_MS);
afterEach(() => t.closeClients());

function broadcast(body: unknown, token?: string): Promise<Response> {
  return fetch(`${t.httpUrl}/admin/broadcast`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
}

describe('liveness and operations', () => {
  it('terminates a client that does not answer pings within about two heartbeat intervals', async () => {
    const { client: healthy, welcome } = await t.client();
    expect(welcome.heartbeatMs).toBe(HEARTBEAT_MS);
    const started = Date.now();
    const { client: deaf } = await t.client(t.keys.pro, { ws: { autoPong: false } });
    const closed = await deaf.closedWithin(20 * HEARTBEAT_MS);
    const elapsed = Date.now() - started;
    // Terminated without a close handshake: the client sees an abnormal closure.
    expect(closed.code).toBe(1006);
    // Two intervals, plus slack for a busy machine; never before the first ping went unanswered.
    expect(elapsed).toBeGreaterThanOrEqual(HEARTBEAT_MS - 50);
    expect(elapsed).toBeLessThan(2 * HEARTBEAT_MS + 1_500);
    // A client that answers pings is left alone over the same time and longer.
    await sleep(3 * HEARTBEAT_MS);
    expect(healthy.isOpen).toBe(true);
    expect(await healthy.request({ type: 'ping', id: 'alive' })).toMatchObject({ type: 'pong' });
  });

  it('answers /healthz, and /readyz with its engine and database checks', async () => {
    const health = await fetch(`${t.httpUrl}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${t.httpUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ok',
      checks: { engine: { ok: true }, database: { ok: true } },
    });
  });

  it("answers a request Node's HTTP parser refuses (headers over 16 KiB) with 431 HEADERS_TOO_LARGE as {code, message}", async () => {
    const res = await rawHttpRequest(
      t.httpUrl,
      `GET /healthz HTTP/1.1\r\nHost: test\r\nx-filler: ${'x'.repeat(16 * 1024)}\r\n\r\n`,
    );
    expect(res.status).toBe(431);
    expect(JSON.parse(res.body)).toEqual({
      code: 'HEADERS_TOO_LARGE',
      message: expect.stringContaining('larger than 16 KiB'),
    });
  });

  it('exposes connections, messages out and delivery latency on /metrics', async () => {
    const { client: a } = await t.client();
    const { client: b } = await t.client();
    await Promise.all([a.subscribe(['prices']), b.subscribe(['prices'])]);
    // Earlier tests' connections are gone once the server has handled their close.
    await eventually(async () => expect(await metric(t.httpUrl, 'gateway_connections')).toBe(2));
    const outBefore = await metric(t.httpUrl, 'gateway_messages_out_total');
    const latencyBefore = await metric(t.httpUrl, 'gateway_delivery_latency_ms_count');
    for (let i = 0; i < 3; i++) await t.publish(priceEvent({ price: 3000 + i }));
    await Promise.all([a, b].map((c) => c.next((m) => m.type === 'price_update' && m.data.price === 3002)));
    // 3 events, each written to 2 sockets; latency observed once per event and channel.
    expect((await metric(t.httpUrl, 'gateway_messages_out_total')) - outBefore).toBe(6);
    expect(await metric(t.httpUrl, 'gateway_delivery_latency_ms_count')).toBeGreaterThanOrEqual(latencyBefore + 3);
    const text = await (await fetch(`${t.httpUrl}/metrics`)).text();
    expect(text).toMatch(/^# TYPE gateway_delivery_latency_ms histogram$/m);
    expect(text).toMatch(/^gateway_delivery_latency_ms_bucket\{[^}]*le="5"[^}]*\} \d+$/m);
  });

  it('delivers POST /admin/broadcast to connected clients as a system_announcement, and refuses it without the token', async () => {
    const { client: a } = await t.client();
    const { client: b } = await t.client(t.keys.free);
    const accepted = await broadcast({ message: 'Maintenance at 02:00 UTC', level: 'warning' }, ADMIN_TOKEN);
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toMatchObject({ status: 'accepted' });
    for (const client of [a, b]) {
      expect(await client.next('system_announcement')).toEqual({
        type: 'system_announcement',
        data: { message: 'Maintenance at 02:00 UTC', level: 'warning' },
      });
    }

    const anonymous = await broadcast({ message: 'nope' });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ code: 'UNAUTHORIZED' });
    expect((await broadcast({ message: 'nope' }, 'wrong-token-wrong-token-wrong')).status).toBe(401);
    expect((await broadcast({ level: 'info' }, ADMIN_TOKEN)).status).toBe(400);
    // Only the accepted announcement ever reached the clients: the refusals above came before
    // anything was sent, and a ping answered now comes after whatever was.
    expect(await a.request({ type: 'ping', id: 'after-broadcasts' })).toMatchObject({ type: 'pong' });
    expect(a.messages.filter((m) => m.type === 'system_announcement')).toHaveLength(1);
  });
});

describe('graceful restart', () => {
  const startedHere = closeAfterEach();

  it(
    'closes clients with 1001 on shutdown, and a new gateway on the same Redis and database resumes their subscriptions',
    async () => {
      const d = await startedHere.add(startGateway(), (g) => g.cleanup());
      try {
        const { client, welcome } = await d.client();
        await client.subscribe(['token:coingecko:ethereum'], { filters: { minValue: 1000 } });
        await d.publish(priceEvent({ price: 3000 }));
        const seen = await client.next('price_update');

        await d.gateway.close();
        expect(await client.next('error')).toMatchObject({ code: 'GOING_AWAY' });
        expect(await client.closedWithin()).toEqual({ code: 1001, reason: 'GOING_AWAY' });
        const refused = await fetch(`${d.httpUrl}/healthz`).then(
          () => 'answered',
          () => 'refused',
        );
        expect(refused).toBe('refused');

        // While no gateway runs, the event processor keeps publishing.
        await d.publish(priceEvent({ price: 3001 }));
        await d.publish(priceEvent({ price: 5 })); // below the restored minValue filter
        await d.publish(priceEvent({ price: 3002 }));

        const next = await d.startAnother();
        await sessionSaved(d, welcome.resumeToken);
        const { client: back } = await TestClient.welcomed(next.url, { apiKey: d.keys.pro });
        try {
          const result = await back.request({ type: 'resume', id: 'after-restart', resumeToken: welcome.resumeToken });
          expect(result.results).toEqual([
            { channel: 'token:coingecko:ethereum', status: 'subscribed', position: seen.position, recovered: true },
          ]);
          await back.next((m) => m.type === 'price_update' && m.data.price === 3002);
          expect(back.data().map((m) => m.data.price)).toEqual([3001, 3002]);
        } finally {
          await back.close();
        }
      } finally {
        await d.cleanup();
      }
    },
    START_TEST_TIMEOUT_MS,
  );
});

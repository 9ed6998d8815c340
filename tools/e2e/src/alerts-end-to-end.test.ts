/*
 * Alerts end to end, as users see them: alice defines "ETH above 3,050" with a
 * WebSocket and a webhook channel; a producer ingests ETH 3,000 then 3,100; alice's
 * connection and her webhook endpoint each get the alert once (the webhook signed as
 * Standard Webhooks says, verified here from the spec); bob, connected to his own
 * `alerts`, gets nothing. Event processor, alert engine and gateway run as their own
 * processes on real Redis and PostgreSQL.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiKeyStore } from '@defi-realtime/auth';
import { createDatabase, type Database } from '@defi-realtime/db';
import { databaseUrlForTests, requirePostgres } from '@defi-realtime/db/testing';
import { createRedis } from '@defi-realtime/redis';
import { cleanupPrefix, redisUrlForTests, requireRedis } from '@defi-realtime/redis/testing';
import {
  closeAfterAll,
  eventually,
  sleep,
  spawnApp,
  START_TEST_TIMEOUT_MS,
  type AppProcess,
} from '@defi-realtime/runtime/testing';
import WebSocket from 'ws';

const TOKEN = `e2e-${randomBytes(12).toString('hex')}`;

interface Frame {
  type: string;
  channel?: string;
  data?: Record<string, unknown>;
}

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  verified: boolean;
}

/** Standard Webhooks verification, written from the spec (not with the engine's signing code). */
function verifySignature(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const id = String(headers['webhook-id']);
  const timestamp = String(headers['webhook-timestamp']);
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  return String(headers['webhook-signature'])
    .split(' ')
    .some((entry) => {
      const [version, signature] = entry.split(',');
      const given = Buffer.from(signature ?? '', 'base64');
      return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
    });
}

describe('ingest -> event processor -> alert engine -> WebSocket and webhook', () => {
  const redisUrl = redisUrlForTests();
  const prefix = `e2e_alerts_${randomBytes(4).toString('hex')}`;
  let db: Database;
  let processor: AppProcess;
  let alerts: AppProcess;
  let gateway: AppProcess;
  let receiver: Server;
  let receiverUrl: string;
  const received: Received[] = [];
  let secret = '';
  const sockets: WebSocket[] = [];

  const connect = async (apiKey: string): Promise<Frame[]> => {
    const frames: Frame[] = [];
    const ws = new WebSocket(`${gateway.url.replace('http', 'ws')}/v2/realtime?apiKey=${apiKey}`);
    sockets.push(ws);
    ws.on('message', (data) => frames.push(JSON.parse(String(data)) as Frame));
    await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
    ws.send(JSON.stringify({ type: 'subscribe', channels: ['alerts'] }));
    await eventually(() => expect(frames.some((f) => f.type === 'subscription_result')).toBe(true));
    return frames;
  };
  const ingest = async (price: number, timestamp: number) => {
    const res = await fetch(`${processor.url}/v1/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ prices: [{ tokenId: 'coingecko:ethereum', symbol: 'ETH', price, timestamp }] }),
    });
    expect(res.status).toBe(200);
  };

  const started = closeAfterAll();
  beforeAll(async () => {
    await requireRedis(redisUrl);
    const databaseUrl = databaseUrlForTests();
    await requirePostgres(databaseUrl);
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body, verified: verifySignature(secret, req.headers, body) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/alerts`;

    db = await createDatabase({ url: databaseUrl, schema: prefix });
    const env = {
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      DATABASE_URL: `${databaseUrl}?options=${encodeURIComponent(`-c search_path=${prefix}`)}`,
      // spawnApp knows an app is up from its "listening" log line (info).
      LOG_LEVEL: 'info',
    };
    // The gateway migrates the empty schema first; the others then find it ready.
    gateway = await started.add(spawnApp('gateway', { ...env, GATEWAY_WORKERS: '1' }), (app) => app.stop());
    // The receiver listens on loopback, which the SSRF guard refuses unless allowed.
    alerts = await started.add(
      spawnApp('alert-engine', { ...env, WEBHOOK_ALLOW_PRIVATE: 'true', ALERT_EVAL_BLOCK_MS: '200' }),
      (app) => app.stop(),
    );
    processor = await started.add(spawnApp('event-processor', { ...env, INGEST_TOKEN: TOKEN }), (app) => app.stop());
  }, 3 * START_TEST_TIMEOUT_MS);

  afterAll(async () => {
    for (const ws of sockets) ws.close();
    await processor?.stop();
    await alerts?.stop();
    await gateway?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
    await db.exec(`DROP SCHEMA IF EXISTS ${prefix} CASCADE`);
    await db.close();
    const redis = createRedis(redisUrl);
    await cleanupPrefix(redis, prefix);
    await redis.quit();
  });

  it("fires once at the crossing, to the owner's connections and webhook only", async () => {
    const keys = new ApiKeyStore(db);
    const alice = await keys.create({ name: 'alice', tier: 'pro', owner: 'alice' });
    const bob = await keys.create({ name: 'bob', tier: 'pro', owner: 'bob' });

    const create = await fetch(`${alerts.url}/v2/alerts`, {
      method: 'POST',
      headers: { 'x-api-key': alice.key, 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'price_above',
        target: { tokenId: 'coingecko:ethereum' },
        threshold: 3050,
        channels: [{ type: 'websocket' }, { type: 'webhook', url: receiverUrl }],
      }),
    });
    const created = (await create.json()) as Record<string, unknown>;
    expect({ status: create.status, body: created }).toEqual({
      status: 201,
      body: expect.objectContaining({ id: expect.any(String) }),
    });
    const rule = created as unknown as { id: string; channels: Array<{ type: string; secret?: string }> };
    secret = rule.channels.find((c) => c.type === 'webhook')?.secret ?? '';
    expect(secret).toMatch(/^whsec_/);

    const aliceFrames = await connect(alice.key);
    const bobFrames = await connect(bob.key);
    // Let the rule index pick the new rule up (NOTIFY) before the crossing.
    await sleep(500);

    const t = Date.now();
    await ingest(3000, t);
    await ingest(3100, t + 1_000);
    await ingest(3120, t + 2_000); // still above: no second alert

    const aliceAlerts = () => aliceFrames.filter((f) => f.type === 'alert');
    await eventually(() => expect(aliceAlerts()).toHaveLength(1), 15_000);
    await eventually(() => expect(received).toHaveLength(1), 15_000);
    await sleep(1_000);

    expect(aliceAlerts()).toHaveLength(1);
    expect(aliceAlerts()[0]!.data).toMatchObject({
      ruleId: rule.id,
      ownerId: 'alice',
      type: 'price_above',
      value: 3100,
      threshold: 3050,
    });
    expect(received).toHaveLength(1);
    expect(received[0]!.verified).toBe(true);
    expect(JSON.parse(received[0]!.body)).toMatchObject({
      type: 'alert.fired',
      data: { ruleId: rule.id, value: 3100 },
    });
    expect(bobFrames.filter((f) => f.type === 'alert')).toHaveLength(0);

    const history = await fetch(`${alerts.url}/v2/alerts/${rule.id}/history`, { headers: { 'x-api-key': alice.key } });
    expect(((await history.json()) as { events: unknown[] }).events).toHaveLength(1);
    // Bob cannot even see that the rule exists.
    expect((await fetch(`${alerts.url}/v2/alerts/${rule.id}`, { headers: { 'x-api-key': bob.key } })).status).toBe(404);
  });
});

import { ApiKeyStore, Authenticator } from '@defi-realtime/auth';
import { createTestDatabase, type TestDatabase } from '@defi-realtime/db/testing';
import { Health, createApiApp, createLogger, type ApiApp } from '@defi-realtime/runtime';
import { eventually } from '@defi-realtime/runtime/testing';
import { registerAuth } from '../http/auth';
import { deliveryRoutes } from './routes';
import {
  deliveriesOf,
  insertRule,
  newOwner,
  newSecret,
  notification,
  startHarness,
  type DeliveryHarness,
} from './test-support/harness';
import { startReceiver, type Receiver } from './test-support/receiver';

let tdb: TestDatabase;
let app: ApiApp;
let h: DeliveryHarness;
let hook: Receiver;
/** The receiver fails until a test says otherwise. */
let receiverUp = false;
const secret = newSecret();
const owner = newOwner('dora');
const stranger = newOwner('mallory');
let ownerKey: string;
let strangerKey: string;
let ruleId: string;

beforeAll(async () => {
  tdb = await createTestDatabase('postgres');
  hook = await startReceiver(secret, () => (receiverUp ? 200 : 500));
  h = await startHarness(tdb.db, { retrySchedule: [0, 50, 50] });
  app = await createApiApp({
    logger: createLogger('deliveries-api', 'silent'),
    health: new Health(),
    openapi: { title: 'alerts', version: '1' },
  });
  const keys = new ApiKeyStore(tdb.db);
  registerAuth(app, { authenticator: new Authenticator({ apiKeys: keys }) });
  await app.register(deliveryRoutes, { db: tdb.db, delivery: h.delivery });
  await app.ready();
  ownerKey = (await keys.create({ tier: 'free', name: 'dora', owner })).key;
  strangerKey = (await keys.create({ tier: 'free', name: 'mallory', owner: stranger })).key;
  ruleId = await insertRule(tdb.db, owner, [{ type: 'webhook', url: hook.url, secret }, { type: 'websocket' }]);
});

afterAll(async () => {
  await app.close();
  await h.close();
  await hook.close();
  await tdb.cleanup();
});

const get = (url: string, key = ownerKey) => app.inject({ method: 'GET', url, headers: { 'x-api-key': key } });
const replay = (id: string, key = ownerKey) =>
  app.inject({ method: 'POST', url: `/v2/alerts/deliveries/${id}/replay`, headers: { 'x-api-key': key } });

describe('GET /v2/alerts/deliveries and POST /v2/alerts/deliveries/:id/replay', () => {
  let deadId: string;

  it('lists a webhook that always failed in the dead-letter list (status=failed), for its owner only', async () => {
    await h.append(notification(ruleId, owner));
    await eventually(
      async () =>
        expect((await deliveriesOf(tdb.db, ruleId)).map((d) => d.status).sort()).toEqual(['dead', 'succeeded']),
      5_000,
    );
    const res = await get('/v2/alerts/deliveries?status=failed');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.nextCursor).toBeNull();
    expect(body.deliveries).toEqual([
      expect.objectContaining({
        ruleId,
        channel: 'webhook',
        target: hook.url,
        status: 'dead',
        attempts: 3,
        lastStatusCode: 500,
        lastError: 'retries exhausted; last error: endpoint answered HTTP 500',
        nextAttemptAt: null,
      }),
    ]);
    deadId = body.deliveries[0].id;
    expect((await get('/v2/alerts/deliveries?status=dead')).json().deliveries.map((d: { id: string }) => d.id)).toEqual(
      [deadId],
    );
    expect((await get('/v2/alerts/deliveries?status=succeeded')).json().deliveries).toEqual([
      expect.objectContaining({
        channel: 'websocket',
        target: '',
        status: 'succeeded',
        deliveredAt: expect.any(String),
      }),
    ]);
    expect((await get('/v2/alerts/deliveries?status=failed', strangerKey)).json()).toEqual({
      deliveries: [],
      nextCursor: null,
    });
    expect((await get('/v2/alerts/deliveries', strangerKey)).json().deliveries).toEqual([]);
  });

  it('replay delivers it again with the same webhook-id; another owner gets 404', async () => {
    expect((await replay(deadId, strangerKey)).statusCode).toBe(404);
    expect((await replay(deadId, strangerKey)).json()).toMatchObject({ code: 'NOT_FOUND', field: 'params.id' });
    const failedBefore = hook.requests.length;
    receiverUp = true;
    const res = await replay(deadId);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({
      id: deadId,
      status: 'pending',
      attempts: 0,
      lastError: null,
      replayedAt: expect.any(String),
    });
    await eventually(async () =>
      expect((await deliveriesOf(tdb.db, ruleId)).find((d) => d.id === deadId)?.status).toBe('succeeded'),
    );
    expect(hook.requests).toHaveLength(failedBefore + 1);
    const ids = new Set(hook.requests.map((r) => r.headers['webhook-id']));
    expect([...ids]).toEqual([deadId]);
    expect(hook.requests.at(-1)?.verified).toBe(true);
    expect((await get('/v2/alerts/deliveries?status=failed')).json().deliveries).toEqual([]);
  });

  it('refuses to replay a delivery that is still in progress', async () => {
    receiverUp = false;
    const slow = await startHarness(tdb.db, { retrySchedule: [0, 60_000] });
    try {
      await slow.append(notification(ruleId, owner));
      let retrying: { id: string } | undefined;
      await eventually(async () => {
        retrying = (await deliveriesOf(tdb.db, ruleId)).find((d) => d.status === 'retrying');
        expect(retrying).toBeDefined();
      });
      const res = await replay(retrying?.id as string);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({
        code: 'BAD_REQUEST',
        field: 'params.id',
        message: `delivery ${retrying?.id} is retrying: only dead, gone, succeeded deliveries can be replayed`,
      });
    } finally {
      await slow.close();
    }
  });

  it('pages newest first with an opaque cursor, filters by channel', async () => {
    const all = (await get('/v2/alerts/deliveries')).json().deliveries as Array<{ id: string; channel: string }>;
    expect(all.length).toBe(4);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await get(`/v2/alerts/deliveries?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      const page = res.json() as { deliveries: Array<{ id: string }>; nextCursor: string | null };
      seen.push(...page.deliveries.map((d) => d.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((d) => d.id));
    const websocket = (await get('/v2/alerts/deliveries?channel=websocket')).json().deliveries;
    expect(websocket).toHaveLength(2);
    expect(websocket.every((d: { channel: string }) => d.channel === 'websocket')).toBe(true);
  });

  it.each([
    ['/v2/alerts/deliveries?status=lost', 'query.status'],
    ['/v2/alerts/deliveries?channel=sms', 'query.channel'],
    ['/v2/alerts/deliveries?limit=0', 'query.limit'],
    ['/v2/alerts/deliveries?limit=101', 'query.limit'],
    ['/v2/alerts/deliveries?cursor=bm9wZQ', 'query.cursor'],
  ])('GET %s is a 400 naming %s', async (url, field) => {
    const res = await get(url);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'BAD_REQUEST', field });
  });

  it('replay: a malformed id is a 400 naming params.id, an unknown one a 404', async () => {
    expect((await replay('not-a-uuid')).json()).toMatchObject({ code: 'BAD_REQUEST', field: 'params.id' });
    const unknown = await replay('3f1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('needs an API key', async () => {
    const res = await app.inject({ method: 'GET', url: '/v2/alerts/deliveries' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('appears in the OpenAPI document', async () => {
    const doc = (await app.inject('/openapi.json')).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v2/alerts/deliveries', '/v2/alerts/deliveries/{id}/replay']),
    );
  });
});

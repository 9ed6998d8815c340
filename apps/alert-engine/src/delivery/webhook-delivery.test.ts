import { createTestDatabase, type TestDatabase } from '@defi-realtime/db/testing';
import { eventually, sleep } from '@defi-realtime/runtime/testing';
import type { StoredChannel } from '../rules/stored-rule';
import {
  deliveriesOf,
  insertRule,
  metricValue,
  newOwner,
  newSecret,
  notification,
  startHarness,
  type DeliveryHarness,
} from './test-support/harness';
import { startReceiver, type Receiver } from './test-support/receiver';

let tdb: TestDatabase;
const open: Array<{ close(): Promise<void> }> = [];

beforeAll(async () => {
  tdb = await createTestDatabase('postgres');
});
afterEach(async () => {
  for (const resource of open.splice(0).reverse()) await resource.close();
});
afterAll(async () => {
  await tdb.cleanup();
});

async function harness(options = {}): Promise<DeliveryHarness> {
  const h = await startHarness(tdb.db, options);
  open.push(h);
  return h;
}

async function receiver(secret: string, respond?: (n: number) => number): Promise<Receiver> {
  const r = await startReceiver(secret, respond);
  open.push(r);
  return r;
}

async function channelsOf(ruleId: string): Promise<StoredChannel[]> {
  const { rows } = await tdb.db.query<{ channels: StoredChannel[] }>('SELECT channels FROM alert_rules WHERE id = $1', [
    ruleId,
  ]);
  return rows[0]?.channels ?? [];
}

describe('webhook delivery (Standard Webhooks, real HTTP receiver)', () => {
  it('delivers a signed alert once, even when the same notification is appended twice', async () => {
    const secret = newSecret();
    const hook = await receiver(secret);
    const owner = newOwner('alice');
    const ruleId = await insertRule(tdb.db, owner, [{ type: 'webhook', url: hook.url, secret }]);
    const h = await harness();
    const n = notification(ruleId, owner);
    await h.append(n, n);

    await eventually(async () => expect((await deliveriesOf(tdb.db, ruleId))[0]?.status).toBe('succeeded'));
    // The second copy handled, and the delivery final: a second request, if any, was sent by now.
    await eventually(async () =>
      expect(await metricValue(h.registry, 'alert_outbox_entries_total', { outcome: 'duplicate' })).toBe(1),
    );
    expect(hook.requests).toHaveLength(1);
    const [request] = hook.requests;
    expect(request?.verified).toBe(true);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['user-agent']).toBe('defi-realtime-webhooks/1');
    const rows = await deliveriesOf(tdb.db, ruleId);
    expect(rows).toHaveLength(1);
    expect(request?.headers['webhook-id']).toBe(rows[0]?.id);
    const body = JSON.parse(request?.body ?? '{}');
    expect(body).toEqual({
      type: 'alert.fired',
      timestamp: new Date(n.firedAt).toISOString(),
      data: expect.objectContaining({
        alertId: n.id,
        ruleId,
        ownerId: owner,
        value: 4012.5,
        threshold: 4000,
        priority: 'high',
        test: false,
      }),
    });
    expect(await metricValue(h.registry, 'alert_deliveries_total', { channel: 'webhook', outcome: 'succeeded' })).toBe(
      1,
    );
    expect(await metricValue(h.registry, 'alert_outbox_entries_total', { outcome: 'duplicate' })).toBe(1);
    expect(await metricValue(h.registry, 'alert_delivery_latency_seconds_count', { channel: 'webhook' })).toBe(1);
  });

  it('a test-fire is sent as alert.test', async () => {
    const secret = newSecret();
    const hook = await receiver(secret);
    const owner = newOwner('tess');
    const ruleId = await insertRule(tdb.db, owner, [{ type: 'webhook', url: hook.url, secret }]);
    const h = await harness();
    await h.append(
      notification(ruleId, owner, { id: 'test_7f0c6a52-1d2e-4f5a-9b8c-0d1e2f3a4b5c', test: true, eventId: 'test' }),
    );
    await eventually(() => expect(hook.requests).toHaveLength(1));
    expect(JSON.parse(hook.requests[0]?.body ?? '{}')).toMatchObject({ type: 'alert.test', data: { test: true } });
  });

  it('retries a failing receiver (500, 500, 500, then 200) with the same webhook-id and delivers once', async () => {
    const secret = newSecret();
    const hook = await receiver(secret, (n) => (n < 3 ? 500 : 200));
    const owner = newOwner('bob');
    const ruleId = await insertRule(tdb.db, owner, [{ type: 'webhook', url: hook.url, secret }]);
    const h = await harness({ retrySchedule: [0, 100, 100, 100, 100] });
    await h.append(notification(ruleId, owner));

    await eventually(async () => expect((await deliveriesOf(tdb.db, ruleId))[0]?.status).toBe('succeeded'));
    await sleep(300); // several retry-loop periods (50 ms): time is what a final delivery must outlast
    expect(hook.requests).toHaveLength(4);
    expect(hook.requests.every((r) => r.verified)).toBe(true);
    const ids = new Set(hook.requests.map((r) => r.headers['webhook-id']));
    expect(ids.size).toBe(1);
    expect(new Set(hook.requests.map((r) => r.body)).size).toBe(1); // the same content every time
    expect(await deliveriesOf(tdb.db, ruleId)).toEqual([
      expect.objectContaining({ status: 'succeeded', attempts: 4, last_status_code: 200, last_error: null }),
    ]);
    expect(await metricValue(h.registry, 'alert_deliveries_total', { channel: 'webhook', outcome: 'retrying' })).toBe(
      3,
    );
    expect(await metricValue(h.registry, 'alert_deliveries_total', { channel: 'webhook', outcome: 'succeeded' })).toBe(
      1,
    );
  });

  it('a receiver that always fails ends dead after the schedule, counted as a dead letter', async () => {
    const secret = newSecret();
    const hook = await receiver(secret, () => 503);
    const owner = newOwner('carol');
    const ruleId = await insertRule(tdb.db, owner, [{ type: 'webhook', url: hook.url, secret }]);
    const h = await harness({ retrySchedule: [0, 50, 50], deadLetterRefreshMs: 0 });
    await h.append(notification(ruleId, owner));

    await eventually(async () => expect((await deliveriesOf(tdb.db, ruleId))[0]?.status).toBe('dead'));
    await sleep(300); // several retry-loop periods (50 ms): time is what a final delivery must outlast
    expect(hook.requests).toHaveLength(3);
    const [row] = await deliveriesOf(tdb.db, ruleId);
    expect(row).toMatchObject({
      attempts: 3,
      last_status_code: 503,
      last_error: 'retries exhausted; last error: endpoint answered HTTP 503',
    });
    expect(await metricValue(h.registry, 'alert_dead_letters')).toBeGreaterThanOrEqual(1);
    expect(await metricValue(h.registry, 'alert_deliveries_total', { channel: 'webhook', outcome: 'dead' })).toBe(1);
  });

  it('410 Gone disables the webhook: no more attempts, and later notifications skip it', async () => {
    const secret = newSecret();
    const gone = await receiver(secret, () => 410);
    const alive = await receiver(secret);
    const owner = newOwner('dave');
    const ruleId = await insertRule(tdb.db, owner, [
      { type: 'webhook', url: gone.url, secret },
      { type: 'webhook', url: alive.url, secret },
    ]);
    const h = await harness();
    await h.append(notification(ruleId, owner));

    await eventually(async () =>
      expect((await deliveriesOf(tdb.db, ruleId)).map((d) => d.status).sort()).toEqual(['gone', 'succeeded']),
    );
    const channels = await channelsOf(ruleId);
    expect(channels[0]).toMatchObject({ type: 'webhook', url: gone.url, disabledAt: expect.any(String) });
    expect(channels[1]).not.toHaveProperty('disabledAt');
    expect(channels[0]).toMatchObject({ secret }); // the rest of the channel is kept

    await h.append(notification(ruleId, owner));
    await eventually(() => expect(alive.requests).toHaveLength(2));
    // The second notification made no delivery for the disabled URL (the rows below), so nothing can reach it.
    expect(gone.requests).toHaveLength(1);
    const rows = await deliveriesOf(tdb.db, ruleId);
    expect(rows.map((r) => r.target)).toEqual([gone.url, alive.url, alive.url]);
    expect(rows[0]).toMatchObject({ status: 'gone', last_status_code: 410, attempts: 1 });
  });

  it('refuses private addresses unless allowed: the receiver is never contacted, the delivery is dead with the reason', async () => {
    const secret = newSecret();
    const hook = await receiver(secret);
    const owner = newOwner('eve');
    const literal = `http://127.0.0.1:${hook.port}/hook`;
    const named = `http://localhost:${hook.port}/hook`; // resolved at connect time
    const mapped = `http://[::ffff:127.0.0.1]:${hook.port}/hook`;
    const ruleId = await insertRule(tdb.db, owner, [
      { type: 'webhook', url: literal, secret },
      { type: 'webhook', url: named, secret },
      { type: 'webhook', url: mapped, secret },
    ]);
    const h = await harness({ allowPrivate: false });
    await h.append(notification(ruleId, owner));

    await eventually(async () =>
      expect((await deliveriesOf(tdb.db, ruleId)).map((d) => d.status)).toEqual(['dead', 'dead', 'dead']),
    );
    expect(hook.requests).toHaveLength(0);
    const rows = await deliveriesOf(tdb.db, ruleId);
    expect(rows.map((r) => [r.target, r.attempts, r.last_error])).toEqual([
      [literal, 1, 'address 127.0.0.1 is loopback; set WEBHOOK_ALLOW_PRIVATE=true to allow'],
      [
        named,
        1,
        expect.stringMatching(/^address (127\.0\.0\.1|::1) is loopback; set WEBHOOK_ALLOW_PRIVATE=true to allow$/),
      ],
      [mapped, 1, 'address ::ffff:7f00:1 is loopback; set WEBHOOK_ALLOW_PRIVATE=true to allow'],
    ]);
  });

  it('a connection refused is retried like any other failure', async () => {
    const secret = newSecret();
    const hook = await receiver(secret);
    const url = hook.url;
    await hook.close(); // nothing listens on the port any more
    const owner = newOwner('frank');
    const ruleId = await insertRule(tdb.db, owner, [{ type: 'webhook', url, secret }]);
    const h = await harness({ retrySchedule: [0, 50] });
    await h.append(notification(ruleId, owner));
    await eventually(async () => expect((await deliveriesOf(tdb.db, ruleId))[0]?.status).toBe('dead'));
    expect((await deliveriesOf(tdb.db, ruleId))[0]).toMatchObject({
      attempts: 2,
      last_error: expect.stringContaining('ECONNREFUSED'),
    });
  });
});

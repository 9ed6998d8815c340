import { randomBytes, randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import type { Database } from '@defi-realtime/db';
import { createEngine, type Engine } from '@defi-realtime/engine';
import { createQueue, STREAMS, type Queue } from '@defi-realtime/queue';
import { closeRedis, createRedis, type RedisClient } from '@defi-realtime/redis';
import { cleanupPrefix, redisUrlForTests, requireRedis, uniquePrefix } from '@defi-realtime/redis/testing';
import { createLogger } from '@defi-realtime/runtime';
import { type Notification } from '../../notifications/notification';
import type { StoredChannel } from '../../rules/stored-rule';
import type { DeliveryOptions } from '../config';
import { startDelivery, type Delivery } from '../start-delivery';

/** A fresh Standard Webhooks secret, as the rules API makes them. */
export function newSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/** A unique owner name per test, so assertions never see another test's rows. */
export function newOwner(name: string): string {
  return `${name}-${randomBytes(3).toString('hex')}`;
}

/** Insert an alert rule directly (the rules API is another part); returns its id. */
export async function insertRule(db: Database, owner: string, channels: StoredChannel[]): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO alert_rules (owner, type, token_id, threshold, channels, priority)
     VALUES ($1, 'price_above', 'coingecko:ethereum', 4000, $2, 'high') RETURNING id`,
    [owner, JSON.stringify(channels)],
  );
  return (rows[0] as { id: string }).id;
}

/** A notification of the rule, as evaluation appends it. */
export function notification(ruleId: string, owner: string, overrides: Partial<Notification> = {}): Notification {
  return {
    id: `ntf_${randomBytes(16).toString('hex')}`,
    ruleId,
    owner,
    type: 'price_above',
    priority: 'high',
    message: 'ETH (coingecko:ethereum) above 4,000: 4,012.50 <b>&</b>',
    value: 4012.5,
    threshold: 4000,
    target: { tokenId: 'coingecko:ethereum' },
    firedAt: Date.now(),
    eventId: `evt_${randomUUID()}`,
    test: false,
    ...overrides,
  };
}

/** The rows of one rule's deliveries, oldest first. */
export async function deliveriesOf(db: Database, ruleId: string) {
  const { rows } = await db.query<{
    id: string;
    channel: string;
    target: string;
    status: string;
    attempts: number;
    last_status_code: number | null;
    last_error: string | null;
  }>(
    'SELECT id, channel, target, status, attempts, last_status_code, last_error FROM alert_deliveries WHERE rule_id = $1 ORDER BY seq',
    [ruleId],
  );
  return rows;
}

/** Delivery running against real Redis (queue) and a database, with what a test needs around it. */
export interface DeliveryHarness {
  queue: Queue;
  engine: Engine;
  registry: Registry;
  delivery: Delivery;
  /** Append notifications to the outbox, as evaluation does. */
  append(...notifications: unknown[]): Promise<void>;
  close(): Promise<void>;
}

/** Fast settings: a short retry schedule and a 50 ms retry loop, receivers on 127.0.0.1 allowed. */
export const FAST: DeliveryOptions = {
  allowPrivate: true,
  retrySchedule: [0, 100, 100, 100],
  pollIntervalMs: 50,
  timeoutMs: 2_000,
  leaseMs: 10_000,
};

/** Start delivery on a real Redis queue (unique prefix) and the given or a memory engine. */
export async function startHarness(
  db: Database,
  options: DeliveryOptions = {},
  engine?: Engine,
): Promise<DeliveryHarness> {
  await requireRedis();
  const prefix = uniquePrefix('delivery');
  const redis: RedisClient = createRedis(redisUrlForTests());
  const queue = await createQueue({ redisUrl: redisUrlForTests(), prefix });
  const ownEngine = engine ?? (await createEngine({}));
  const registry = new Registry();
  const logger = createLogger('delivery-test', process.env['TEST_LOG_LEVEL'] ?? 'silent');
  const delivery = await startDelivery(
    { db, engine: ownEngine, queue, logger, metrics: registry },
    { ...FAST, ...options },
  );
  return {
    queue,
    engine: ownEngine,
    registry,
    delivery,
    async append(...notifications) {
      await queue.add(
        STREAMS.outbox,
        notifications.map((n) => (typeof n === 'string' ? n : JSON.stringify(n))),
      );
    },
    async close() {
      await delivery.stop();
      await queue.close();
      if (!engine) await ownEngine.close();
      await cleanupPrefix(redis, prefix);
      await closeRedis(redis);
    },
  };
}

/** The value of one labelled series in the registry (0 when absent); histogram parts by their full name (`x_count`). */
export async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  type Sample = { value: number; labels: Record<string, string | number>; metricName?: string };
  const samples = (await registry.getMetricsAsJSON()).flatMap((metric) =>
    (metric.values as Sample[]).map((sample) => ({ ...sample, fullName: sample.metricName ?? metric.name })),
  );
  const match = samples.find(
    (s) => s.fullName === name && Object.entries(labels).every(([k, want]) => String(s.labels[k]) === want),
  );
  return match?.value ?? 0;
}

import { randomBytes } from 'node:crypto';
import { generateApiKey, keyPrefix } from '@defi-realtime/auth';
import type { Database } from '@defi-realtime/db';
import { createTestDatabase, type TestDatabase } from '@defi-realtime/db/testing';
import { RedisEngine } from '@defi-realtime/engine';
import { channelsForEvent, type EventEnvelope, type Position } from '@defi-realtime/protocol';
import { createRedis } from '@defi-realtime/redis';
import { cleanupPrefix, redisUrlForTests, requireRedis } from '@defi-realtime/redis/testing';
import { createLogger } from '@defi-realtime/runtime';
import { loadConfig, REALTIME_PATH, start, type RunningGateway } from '../src';
import { eventually, TestClient, type ConnectOptions, type Message } from './client';

export * from './client';
export { closeAfterAll, closeAfterEach, START_TEST_TIMEOUT_MS } from '@defi-realtime/runtime/testing';
export * from '@defi-realtime/fixtures';

/** Three seeded keys: two owners on the free tier, one on pro. */
export interface TestKeys {
  pro: string;
  free: string;
  /** A second free key with its own owner (alerts isolation, resume across keys). */
  other: string;
}

export interface TestGateway {
  gateway: RunningGateway;
  /** `ws://host:port/v2/realtime` */
  url: string;
  /** `http://host:port` */
  httpUrl: string;
  /** A second engine on the same Redis prefix: publishes as the event processor does. */
  publisher: RedisEngine;
  keys: TestKeys;
  prefix: string;
  db: Database;
  /** Publish an event to every channel it belongs to; returns each channel's new position. */
  publish(event: EventEnvelope): Promise<Record<string, Position>>;
  /** Open a client authenticated with `apiKey` (the pro key by default) and wait for `welcome`. */
  client(apiKey?: string, options?: ConnectOptions): Promise<{ client: TestClient; welcome: Message }>;
  /** Close every client opened with `client()` so far (afterEach: fewer bystanders per test). */
  closeClients(): Promise<void>;
  /** Another gateway on the same Redis prefix and database (a restarted or second node). */
  startAnother(env?: NodeJS.ProcessEnv): Promise<{ gateway: RunningGateway; url: string }>;
  /** Close clients, gateways and the publisher; delete the Redis keys and the schema. */
  cleanup(): Promise<void>;
}

/** The owner the gateway gives a seeded key (`seed:<prefix>`): where its alerts are published. */
export function seededOwner(key: string): string {
  return `seed:${keyPrefix(key)}`;
}

/**
 * A gateway on real Redis and PostgreSQL, isolated from every other test: its own Redis
 * key prefix and its own PostgreSQL schema. Call `cleanup()` in afterAll.
 */
export async function startGateway(env: NodeJS.ProcessEnv = {}): Promise<TestGateway> {
  const redisUrl = redisUrlForTests();
  await requireRedis(redisUrl);
  // REDIS_PREFIX allows only [a-z0-9_-], so not uniquePrefix()'s `t:<name>:<hex>`.
  const prefix = `t_gw_${randomBytes(5).toString('hex')}`;
  const database: TestDatabase = await createTestDatabase('postgres');
  const keys: TestKeys = { pro: generateApiKey(), free: generateApiKey(), other: generateApiKey() };
  const clients = new Set<TestClient>();
  const gateways: RunningGateway[] = [];
  const publisher = new RedisEngine({ redis: redisUrl, prefix });

  const launch = async (overrides: NodeJS.ProcessEnv) => {
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      SEED_API_KEYS: `${keys.pro}:pro,${keys.free}:free,${keys.other}:free`,
      ...overrides,
    });
    const gateway = await start(config, { logger: createLogger('gateway-test', 'silent'), db: database.db });
    // A start that completes after the teardown (its test timed out) is closed at once.
    if (tornDown) await gateway.close();
    gateways.push(gateway);
    return { gateway, url: wsUrl(gateway.url) };
  };

  // Once only: a hook and the test itself may both clean up.
  let tornDown: Promise<void> | undefined;
  const teardown = () => (tornDown ??= closeAll());
  const closeAll = async () => {
    await Promise.all([...clients].map((c) => c.close()));
    for (const gateway of gateways.reverse()) await gateway.close().catch(() => undefined);
    await publisher.close();
    const redis = createRedis(redisUrl);
    try {
      await cleanupPrefix(redis, prefix);
    } finally {
      await redis.quit();
    }
    await database.cleanup();
  };

  let first;
  try {
    await publisher.start();
    first = await launch(env);
  } catch (err) {
    await teardown().catch(() => undefined);
    throw err;
  }

  return {
    gateway: first.gateway,
    url: first.url,
    httpUrl: first.gateway.url,
    publisher,
    keys,
    prefix,
    db: database.db,
    async publish(event) {
      const positions: Record<string, Position> = {};
      // Channel by channel, in order, as the event processor does.
      for (const channel of channelsForEvent(event))
        positions[channel] = await publisher.publish(channel, JSON.stringify(event));
      return positions;
    },
    async client(apiKey = keys.pro, options = {}) {
      const opened = await TestClient.welcomed(first.url, { apiKey, ...options });
      clients.add(opened.client);
      return opened;
    },
    async closeClients() {
      await Promise.all([...clients].map((c) => c.close()));
      clients.clear();
    },
    startAnother: launch,
    cleanup: teardown,
  };
}

/**
 * Wait until the gateway has saved a closed connection's session for `resume`: it does so
 * when it handles the close, and a client reconnecting sooner would race it.
 * `resume:<token>` is the gateway's shared-state key for it.
 */
export async function sessionSaved(t: TestGateway, resumeToken: string): Promise<void> {
  await eventually(async () => {
    if ((await t.publisher.getState(`resume:${resumeToken}`)) === null)
      throw new Error(`session of ${resumeToken} not saved yet`);
  });
}

/** The WebSocket endpoint of a gateway from its HTTP base URL. */
export function wsUrl(httpUrl: string): string {
  return `${httpUrl.replace(/^http/, 'ws')}${REALTIME_PATH}`;
}

/**
 * A metric from the gateway's /metrics: the sum of its series whose labels include
 * `labels` (every series carries `app="gateway"`), 0 when there is none.
 */
export async function metric(httpUrl: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${httpUrl}/metrics`)).text();
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name || !wanted.every((w) => (match[2] ?? '').includes(w))) continue;
    sum += Number(match[3]);
  }
  return sum;
}

import { randomBytes } from 'node:crypto';
import { generateApiKey, keyPrefix } from '@defi-realtime/auth';
import { createTestDatabase, type TestDatabase } from '@defi-realtime/db/testing';
import { RedisEngine } from '@defi-realtime/engine';
import { channelsForEvent, type EventEnvelope, type Position } from '@defi-realtime/protocol';
import { createRedis } from '@defi-realtime/redis';
import { cleanupPrefix, redisUrlForTests, requireRedis } from '@defi-realtime/redis/testing';
import { spawnGateway, stopGateway, type GatewayProcess } from './gateway-process';

/** One isolated world per test file: a Redis prefix, a PostgreSQL schema, a pro key, a publisher and gateway processes. */
export interface TestEnvironment {
  key: string;
  prefix: string;
  database: TestDatabase;
  /** The gateway started last (restarts replace it). */
  gateway: GatewayProcess;
  /** Start a gateway on this environment (on `port` to come back where a killed one was). */
  startGateway(options?: { port?: number; env?: Record<string, string> }): Promise<GatewayProcess>;
  /** Stop the current gateway with a signal and start a new one on the same port. */
  restartGateway(signal: NodeJS.Signals, between?: () => Promise<void>): Promise<GatewayProcess>;
  /** Publish like the event processor: to every channel of the event, in order; the positions per channel. */
  publish(event: EventEnvelope): Promise<Record<string, Position>>;
  /** Revoke the key in the database (the gateway's key cache forgets it within 5 s, or at a restart). */
  revokeKey(key?: string): Promise<void>;
  /** Delete every saved resume record, as if the recovery window had passed; how many there were. */
  forgetResumeRecords(): Promise<number>;
  cleanup(): Promise<void>;
}

export interface EnvironmentOptions {
  /** Extra gateway variables (HEARTBEAT_MS, ...). */
  env?: Record<string, string>;
}

export async function createEnvironment(options: EnvironmentOptions = {}): Promise<TestEnvironment> {
  const redisUrl = redisUrlForTests();
  await requireRedis(redisUrl);
  const database = await createTestDatabase('postgres');
  const prefix = `t_client_${randomBytes(5).toString('hex')}`;
  const key = generateApiKey();
  const publisher = new RedisEngine({ redis: redisUrl, prefix });
  const gateways: GatewayProcess[] = [];
  let cleanedUp: Promise<void> | undefined;
  const baseEnv = {
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    DATABASE_URL: `${database.url}?options=${encodeURIComponent(`-c search_path=${database.schema}`)}`,
    SEED_API_KEYS: `${key}:pro`,
    DRAIN_TIMEOUT_MS: '3000',
    ...options.env,
  };

  const environment: TestEnvironment = {
    key,
    prefix,
    database,
    gateway: undefined as unknown as GatewayProcess,
    async startGateway(start = {}) {
      const gateway = await spawnGateway({
        ...baseEnv,
        ...start.env,
        ...(start.port ? { PORT: String(start.port) } : {}),
      });
      // A start that completes after the cleanup (its test timed out) is stopped at once.
      if (cleanedUp) await stopGateway(gateway, 'SIGKILL');
      gateways.push(gateway);
      environment.gateway = gateway;
      return gateway;
    },
    async restartGateway(signal, between) {
      const port = environment.gateway.port;
      await stopGateway(environment.gateway, signal);
      await between?.();
      return environment.startGateway({ port });
    },
    async publish(event) {
      const positions: Record<string, Position> = {};
      for (const channel of channelsForEvent(event))
        positions[channel] = await publisher.publish(channel, JSON.stringify(event));
      return positions;
    },
    async revokeKey(which = key) {
      await database.db.query('UPDATE api_keys SET revoked_at = now() WHERE key_prefix = $1', [keyPrefix(which)]);
    },
    async forgetResumeRecords() {
      const redis = createRedis(redisUrl);
      try {
        const keys = await redis.keys(`${prefix}:state:resume:*`);
        if (keys.length > 0) await redis.unlink(...keys);
        return keys.length;
      } finally {
        await redis.quit();
      }
    },
    // Once only: a hook and the test itself may both clean up.
    cleanup: () => (cleanedUp ??= closeAll()),
  };
  const closeAll = async () => {
    await Promise.all(gateways.map((g) => stopGateway(g, 'SIGKILL')));
    await publisher.close().catch(() => undefined);
    const redis = createRedis(redisUrl);
    try {
      await cleanupPrefix(redis, prefix);
    } finally {
      await redis.quit();
    }
    await database.cleanup();
  };
  try {
    await publisher.start();
    await environment.startGateway();
  } catch (err) {
    await environment.cleanup().catch(() => undefined);
    throw err;
  }
  return environment;
}

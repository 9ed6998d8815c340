import {
  closeRedis,
  createRedis,
  redactRedisUrl,
  silentLogger,
  type Logger,
  type RedisClient,
  type RedisOptions,
} from '@defi-realtime/redis';
import { MemoryQueue } from './memory/memory-queue';
import type { Queue } from './queue';
import { RedisQueue } from './redis/redis-queue';

export interface CreateQueueOptions {
  /**
   * Redis to connect to (the queue owns and closes the connection). Unset, with no
   * `redis` either: a MemoryQueue (one process only).
   * @default undefined
   */
  redisUrl?: string;
  /** A connected client to use instead (it stays the caller's: `close()` leaves it open). @default undefined */
  redis?: RedisClient;
  /** Connection options for `redisUrl` (see RedisOptions in libs/redis). @default {} */
  redisOptions?: RedisOptions;
  /** Prefix of every Redis key. @default 'rt' */
  prefix?: string;
  /**
   * Trim each stream to about this many entries: large enough to hold what accumulates
   * while consumers are down, bounded so an abandoned stream cannot fill Redis.
   * @default 1_000_000
   */
  maxLen?: number;
  /** Where boundary problems are reported (a pino logger fits). @default silent */
  logger?: Logger;
}

/**
 * The queue the configuration asks for: on Redis when a URL or client is given (connected
 * before this resolves, so a wrong URL fails here), otherwise in memory.
 */
export async function createQueue(options: CreateQueueOptions = {}): Promise<Queue> {
  const { redisUrl, redis, redisOptions, ...common } = options;
  if (redis && redisUrl) throw new TypeError('createQueue: pass either redisUrl or redis, not both');
  if (redis) return new RedisQueue({ ...common, redis, ownsClient: false });
  if (redisUrl === undefined || redisUrl === '') return new MemoryQueue({ maxLen: common.maxLen });
  const logger = common.logger ?? silentLogger;
  const client = createRedis(redisUrl, {
    connectionName: 'defi-realtime:queue',
    logger,
    ...redisOptions,
    lazyConnect: true,
  });
  try {
    await client.connect();
  } catch (error) {
    await closeRedis(client);
    throw new Error(`createQueue: cannot connect to Redis at ${redactRedisUrl(redisUrl)}`, { cause: error });
  }
  return new RedisQueue({ ...common, redis: client, ownsClient: true });
}

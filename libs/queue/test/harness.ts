import { closeRedis, createRedis, type Logger, type RedisClient } from '@defi-realtime/redis';
import { cleanupPrefix, redisUrlForTests, requireRedis, uniquePrefix } from '@defi-realtime/redis/testing';
import { createQueue } from '../src/create-queue';
import { MemoryQueue } from '../src/memory/memory-queue';
import type { Queue } from '../src/queue';

export interface LogEntry {
  level: 'debug' | 'warn' | 'error';
  obj: object;
  msg: string | undefined;
}

/**
 * Queues on one backend, the way socket.io-redis-adapter's test/util.ts starts several
 * servers: `queue()` is what another process would open (a second RedisQueue on the same
 * prefix; for memory, the one in-process queue, which is what one process shares).
 */
export interface QueueHarness {
  /** A queue on the backend (closed by cleanup). */
  queue(options?: { maxLen?: number }): Promise<Queue>;
  /** Everything the queues and consumers logged. */
  logs: LogEntry[];
  logger: Logger;
  /** Close every queue, delete every key. */
  cleanup(): Promise<void>;
}

export type HarnessFactory = () => Promise<QueueHarness>;

function recording(): { logs: LogEntry[]; logger: Logger } {
  const logs: LogEntry[] = [];
  const record = (level: LogEntry['level']) => (obj: object, msg?: string) => void logs.push({ level, obj, msg });
  return { logs, logger: { debug: record('debug'), warn: record('warn'), error: record('error') } };
}

export const memoryHarness: HarnessFactory = async () => {
  const { logs, logger } = recording();
  const queues = new Map<number | undefined, Queue>();
  return {
    logs,
    logger,
    async queue(options = {}) {
      let queue = queues.get(options.maxLen);
      if (!queue) queues.set(options.maxLen, (queue = new MemoryQueue(options)));
      return queue;
    },
    async cleanup() {
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
};

/** RedisQueues on one unique prefix of the test Redis. */
export const redisHarness: HarnessFactory = async () => {
  const url = redisUrlForTests();
  await requireRedis(url);
  const { logs, logger } = recording();
  const prefix = uniquePrefix('queue');
  const queues: Queue[] = [];
  return {
    logs,
    logger,
    async queue(options = {}) {
      const queue = await createQueue({ redisUrl: url, prefix, logger, ...options });
      queues.push(queue);
      return queue;
    },
    async cleanup() {
      await Promise.all(queues.map((q) => q.close()));
      const admin: RedisClient = createRedis(url);
      await cleanupPrefix(admin, prefix);
      await closeRedis(admin);
    },
  };
};

/** A promise with its resolve function: lets a test hold a handler until it says so. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Consecutive payloads '<from>' .. '<from + n - 1>'. */
export function payloads(n: number, from = 0): string[] {
  return Array.from({ length: n }, (_, i) => String(from + i));
}

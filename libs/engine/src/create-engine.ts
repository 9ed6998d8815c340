import { parseRedisUrl, type Logger } from '@defi-realtime/redis';
import type { Engine, EngineOptions } from './engine';
import { MemoryEngine } from './memory/memory-engine';
import type { MemoryHub } from './memory/memory-hub';
import { RedisEngine } from './redis/redis-engine';

export interface CreateEngineOptions extends EngineOptions {
  /** Unset: MemoryEngine (everything in this process). Set: RedisEngine on that Redis. @default undefined */
  redisUrl?: string;
  /** Prefix of every Redis key. @default 'rt' */
  prefix?: string;
  /** Sharded pub/sub. @default true for redis+cluster:// URLs (which need it), false otherwise */
  shardedPubSub?: boolean;
  /** For MemoryEngine: a hub shared with other in-process nodes. @default a hub of its own */
  hub?: MemoryHub;
  /** Where boundary problems are reported (a pino logger fits). @default silent */
  logger?: Logger;
}

/** The engine the configuration asks for (Redis when a URL is given, else in memory), started. */
export async function createEngine(options: CreateEngineOptions = {}): Promise<Engine> {
  const { redisUrl, prefix, shardedPubSub, hub, ...engineOptions } = options;
  const engine =
    redisUrl === undefined || redisUrl === ''
      ? new MemoryEngine({ ...engineOptions, hub })
      : new RedisEngine({
          ...engineOptions,
          redis: redisUrl,
          prefix,
          shardedPubSub: shardedPubSub ?? parseRedisUrl(redisUrl).mode === 'cluster',
        });
  await engine.start();
  return engine;
}

import { once } from 'node:events';
import { closeRedis, createKeys, createRedis, isCluster, type Logger } from '@defi-realtime/redis';
import { cleanupPrefix, redisUrlForTests, requireRedis, uniquePrefix } from '@defi-realtime/redis/testing';
import type { Engine, EngineOptions } from '../src/engine';
import { MemoryEngine } from '../src/memory/memory-engine';
import { MemoryHub } from '../src/memory/memory-hub';
import { RedisEngine } from '../src/redis/redis-engine';

/** An engine the tests can crash (both implementations have the internal hook). */
export interface TestEngine extends Engine {
  simulateCrash(): Promise<void>;
}

export interface LogEntry {
  level: 'debug' | 'warn' | 'error';
  obj: object;
  msg: string | undefined;
}

/**
 * Several engine nodes on one backend (a MemoryHub, or one Redis key prefix), the way
 * socket.io-redis-adapter's test/util.ts starts several servers and returns cleanup.
 */
export interface EngineHarness {
  /** A node, not started (closed by cleanup). */
  create(options?: EngineOptions): TestEngine;
  /** A started node. */
  node(options?: EngineOptions): Promise<TestEngine>;
  /** How many nodes the backend counts as subscribed to `channel` (PUBSUB NUMSUB / SHARDNUMSUB). */
  subscriberCount(channel: string): Promise<number>;
  /** Everything the nodes logged. */
  logs: LogEntry[];
  /** Close every node, delete every key, close every connection. */
  cleanup(): Promise<void>;
}

export type HarnessFactory = () => Promise<EngineHarness>;

function recordingLogger(logs: LogEntry[]): Logger {
  const record = (level: LogEntry['level']) => (obj: object, msg?: string) => void logs.push({ level, obj, msg });
  return { debug: record('debug'), warn: record('warn'), error: record('error') };
}

export const memoryHarness: HarnessFactory = async () => {
  const hub = new MemoryHub();
  const logs: LogEntry[] = [];
  const engines: MemoryEngine[] = [];
  const create = (options: EngineOptions = {}): TestEngine => {
    const engine = new MemoryEngine({ ...options, hub, logger: recordingLogger(logs) });
    engines.push(engine);
    return engine;
  };
  return {
    create,
    async node(options) {
      const engine = create(options);
      await engine.start();
      return engine;
    },
    subscriberCount: async (channel) => hub.listenerCount(channel),
    logs,
    async cleanup() {
      await Promise.all(engines.map((e) => e.close()));
    },
  };
};

/** RedisEngine nodes on one prefix of the test Redis (or of `url`, e.g. a cluster). */
export function redisHarness(sharded: boolean, url: string = redisUrlForTests()): HarnessFactory {
  return async () => {
    await requireRedis(url);
    const prefix = uniquePrefix(sharded ? 'engine-sharded' : 'engine');
    const keys = createKeys(prefix);
    const admin = createRedis(url);
    if (admin.status !== 'ready') await once(admin, 'ready');
    const logs: LogEntry[] = [];
    const engines: RedisEngine[] = [];
    const create = (options: EngineOptions = {}): TestEngine => {
      const engine = new RedisEngine({
        ...options,
        redis: url,
        prefix,
        shardedPubSub: sharded,
        logger: recordingLogger(logs),
      });
      engines.push(engine);
      return engine;
    };
    return {
      create,
      async node(options) {
        const engine = create(options);
        await engine.start();
        return engine;
      },
      async subscriberCount(channel) {
        // On a cluster each node counts only its own subscribers (sharded: only the slot's owner).
        let total = 0;
        for (const node of isCluster(admin) ? admin.nodes('master') : [admin]) {
          const reply = (await node.call(
            'PUBSUB',
            sharded ? 'SHARDNUMSUB' : 'NUMSUB',
            keys.live(channel),
          )) as unknown[];
          total += Number(reply[1]);
        }
        return total;
      },
      logs,
      async cleanup() {
        await Promise.all(engines.map((e) => e.close()));
        await cleanupPrefix(admin, prefix);
        await closeRedis(admin);
      },
    };
  };
}

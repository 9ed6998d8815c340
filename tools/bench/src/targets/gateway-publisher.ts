import { RedisEngine } from '@defi-realtime/engine';
import type { Publisher } from './types';

/**
 * Publish through the RedisEngine, as the event processor does. A module of its own so
 * that only the harness loads the engine: the workers import gateway.ts, never this file.
 */
export async function createEnginePublisher(redisUrl: string, prefix: string, channel: string): Promise<Publisher> {
  const engine = new RedisEngine({ redis: redisUrl, prefix });
  await engine.start();
  return {
    publish: (event) => engine.publish(channel, JSON.stringify(event)),
    close: () => engine.close(),
  };
}

import { randomBytes } from 'node:crypto';
import { redisUrlForTests, requireRedis } from '@defi-realtime/redis/testing';
import { createEngine } from '../src/create-engine';
import { MemoryEngine } from '../src/memory/memory-engine';
import { RedisEngine } from '../src/redis/redis-engine';

describe('createEngine', () => {
  it('starts a MemoryEngine without a Redis URL', async () => {
    const engine = await createEngine({ nodeId: 'solo' });
    try {
      expect(engine).toBeInstanceOf(MemoryEngine);
      expect(await engine.nodes()).toEqual(['solo']);
    } finally {
      await engine.close();
    }
  });

  it('starts a RedisEngine with a Redis URL', async () => {
    await requireRedis();
    const engine = await createEngine({
      redisUrl: redisUrlForTests(),
      prefix: `t-create-engine-${randomBytes(4).toString('hex')}`,
      nodeId: 'r1',
    });
    try {
      expect(engine).toBeInstanceOf(RedisEngine);
      expect(await engine.nodes()).toContain('r1');
    } finally {
      await engine.close();
    }
  });
});

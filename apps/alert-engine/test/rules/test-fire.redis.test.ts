import { createQueue, STREAMS, type Queue } from '@defi-realtime/queue';
import { createRedis, type RedisClient } from '@defi-realtime/redis';
import { cleanupPrefix, redisUrlForTests, requireRedis, uniquePrefix } from '@defi-realtime/redis/testing';
import { NotificationSchema } from '../../src/notifications/notification';
import { MINIMAL_RULES, startRulesApi, type RulesApi } from './harness';

// Test-fire through a Redis queue: the notification lands in the outbox stream in Redis,
// where delivery workers of any process read it.
describe('test-fire on a Redis outbox', () => {
  const prefix = uniquePrefix('rules-test-fire');
  let redis: RedisClient;
  let queue: Queue;
  let api: RulesApi;

  beforeAll(async () => {
    const url = redisUrlForTests();
    await requireRedis(url);
    redis = createRedis(url);
    queue = await createQueue({ redisUrl: url, prefix });
    api = await startRulesApi('postgres', queue);
  });
  afterAll(async () => {
    await api?.cleanup();
    await queue?.close();
    if (redis) {
      await cleanupPrefix(redis, prefix);
      redis.disconnect();
    }
  });

  it('appends exactly one Notification, readable by another consumer of the stream', async () => {
    const { key } = await api.key('free');
    const created = await api.call(key, {
      method: 'POST',
      url: '/v2/alerts',
      payload: { ...MINIMAL_RULES.tvl_below, channels: [{ type: 'websocket' }] },
    });
    const rule = created.json();
    const before = await queue.length(STREAMS.outbox);
    const res = await api.call(key, { method: 'POST', url: `/v2/alerts/${rule.id}/test` });
    expect(res.statusCode).toBe(202);
    expect(await queue.length(STREAMS.outbox)).toBe(before + 1);

    const entries = await api.readOutbox();
    expect(entries).toHaveLength(1);
    const notification = NotificationSchema.parse(JSON.parse(entries[0] as string));
    expect(notification).toMatchObject({
      id: res.json().notificationId,
      ruleId: rule.id,
      type: 'tvl_below',
      value: 1_000_000_000,
      threshold: 1_000_000_000,
      target: { protocolId: 'uniswap-v3', chain: 'arbitrum' },
      eventId: 'test',
      test: true,
    });
    expect(notification.message).toContain('uniswap-v3 on arbitrum TVL below 1000000000');
    // The stream lives under the queue's prefix in Redis.
    expect(await redis.keys(`${prefix}:*`)).toEqual(expect.arrayContaining([expect.stringContaining('alerts:outbox')]));
  });
});

import { Cluster, Redis } from 'ioredis';
import { createRedis, createSubscriberConnection, isCluster } from '../src/client';
import { reconnectDelay } from '../src/options';
import { redisUrlForTests, requireRedis } from '../src/testing';

describe('createRedis', () => {
  beforeAll(() => requireRedis());

  it('connects to the db named in the URL', async () => {
    const client = createRedis(`${redisUrlForTests().replace(/\/\d+$/, '')}/3`);
    try {
      expect(await client.ping()).toBe('PONG');
      expect(client).toBeInstanceOf(Redis);
      expect((client as Redis).options.db).toBe(3);
    } finally {
      await client.quit();
    }
  });

  it('makes an ioredis Cluster from a cluster URL without connecting (lazyConnect)', () => {
    const client = createRedis('redis+cluster://127.0.0.1:7000,127.0.0.1:7001', { lazyConnect: true });
    expect(client).toBeInstanceOf(Cluster);
    expect(isCluster(client)).toBe(true);
    const subscriber = createSubscriberConnection(client, { sharded: true });
    expect(isCluster(subscriber)).toBe(true);
    expect((subscriber as Cluster).options.shardedSubscribers).toBe(true);
    client.disconnect();
    subscriber.disconnect();
  });

  it('makes a sentinel client from a sentinel URL', () => {
    const client = createRedis('redis+sentinel://:pw@127.0.0.1:26379,127.0.0.1:26380/mymaster/1', {
      lazyConnect: true,
      sentinelPassword: 'spw',
    }) as Redis;
    expect(client.options).toMatchObject({
      name: 'mymaster',
      db: 1,
      password: 'pw',
      sentinelPassword: 'spw',
      sentinels: [
        { host: '127.0.0.1', port: 26379 },
        { host: '127.0.0.1', port: 26380 },
      ],
    });
    client.disconnect();
  });

  it('applies the documented defaults and lets explicit undefined mean default', () => {
    const client = createRedis('redis://127.0.0.1:6379', { lazyConnect: true, connectTimeout: undefined }) as Redis;
    expect(client.options).toMatchObject({ connectTimeout: 5_000, maxRetriesPerRequest: 3, enableOfflineQueue: true });
    expect(client.options.keyPrefix ?? '').toBe('');
    client.disconnect();
  });

  it('duplicates a subscriber connection with its own resubscribe logic and a derived name', () => {
    const client = createRedis('redis://127.0.0.1:6379', { lazyConnect: true, connectionName: 'gw' }) as Redis;
    const subscriber = createSubscriberConnection(client) as Redis;
    expect(subscriber).not.toBe(client);
    expect(subscriber.options).toMatchObject({ autoResubscribe: false, connectionName: 'gw:sub' });
    client.disconnect();
    subscriber.disconnect();
  });

  it.each([
    [{ connectTimeout: 0 }, /connectTimeout/],
    [{ maxRetriesPerRequest: -1 }, /maxRetriesPerRequest/],
    [{ commandTimeout: Number.NaN }, /commandTimeout/],
  ])('throws a TypeError naming the bad option %j', (options, message) => {
    expect(() => createRedis('redis://127.0.0.1', options)).toThrow(TypeError);
    expect(() => createRedis('redis://127.0.0.1', options)).toThrow(message);
  });

  it('backs off with capped full jitter', () => {
    for (let attempt = 1; attempt < 30; attempt++) {
      const delay = reconnectDelay(attempt, 2_000);
      expect(delay).toBeGreaterThanOrEqual(50);
      expect(delay).toBeLessThanOrEqual(2_000);
    }
  });
});

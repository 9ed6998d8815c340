import { createKeys, createRedis, type RedisClient } from '@defi-realtime/redis';
import { cleanupPrefix, redisUrlForTests, requireRedis, uniquePrefix } from '@defi-realtime/redis/testing';
import { RedisEngine } from '../src/redis/redis-engine';
import { engineContract } from './engine.contract';
import { redisHarness, type LogEntry } from './harness';
import { collect, eventually, range, sleep } from './util';

engineContract('RedisEngine', redisHarness(false));

describe('RedisEngine on Redis', () => {
  const url = redisUrlForTests();
  let admin: RedisClient;
  let prefix: string;
  let logs: LogEntry[];
  const engines: RedisEngine[] = [];
  const keys = () => createKeys(prefix);

  async function node(
    nodeId: string,
    options: Partial<ConstructorParameters<typeof RedisEngine>[0]> = {},
  ): Promise<RedisEngine> {
    const logger = {
      debug: (obj: object, msg?: string) => void logs.push({ level: 'debug', obj, msg }),
      warn: (obj: object, msg?: string) => void logs.push({ level: 'warn', obj, msg }),
      error: (obj: object, msg?: string) => void logs.push({ level: 'error', obj, msg }),
    };
    const engine = new RedisEngine({ redis: url, prefix, nodeId, logger, ...options });
    engines.push(engine);
    await engine.start();
    return engine;
  }

  beforeEach(async () => {
    await requireRedis(url);
    admin = createRedis(url);
    prefix = uniquePrefix('engine-redis');
    logs = [];
  });
  afterEach(async () => {
    await Promise.all(engines.splice(0).map((e) => e.close()));
    await cleanupPrefix(admin, prefix);
    await admin.quit();
  });

  it('stores a channel as the documented stream and meta hash, with the meta outliving the stream', async () => {
    const engine = await node('n1', { historySize: 10, historyTtlMs: 60_000 });
    await Promise.all(range(250).map((i) => engine.publish('prices', JSON.stringify({ i }))));
    const k = keys();
    expect(await admin.type(k.history('prices'))).toBe('stream');
    expect(await admin.hgetall(k.meta('prices'))).toEqual({ offset: '250', epoch: expect.any(String) });
    const [last] = await admin.xrevrange(k.history('prices'), '+', '-', 'COUNT', 1);
    expect(last).toEqual(['250-0', ['p', '{"i":249}']]);
    // MAXLEN ~ trims whole stream nodes (100 entries): at least historySize stay, far fewer than 250.
    const length = await admin.xlen(k.history('prices'));
    expect(length).toBeGreaterThanOrEqual(10);
    expect(length).toBeLessThan(250);
    const [histTtl, metaTtl] = await Promise.all([admin.pttl(k.history('prices')), admin.pttl(k.meta('prices'))]);
    expect(histTtl).toBeGreaterThan(50_000);
    expect(metaTtl).toBeGreaterThan(histTtl + 50_000);
  });

  it('starts a new epoch, never serving the old stream, when the meta hash was lost', async () => {
    const engine = await node('n1');
    const old = await engine.publish('prices', '"old"');
    await admin.del(keys().meta('prices'));
    const fresh = await engine.publish('prices', '"fresh"');
    expect(fresh.offset).toBe(1);
    expect(fresh.epoch).not.toBe(old.epoch);
    const history = await engine.history('prices', { limit: 10 });
    expect(history.events.map((e) => e.payload)).toEqual(['"fresh"']);
  });

  it('drops, counts and logs malformed live messages, and keeps delivering valid ones', async () => {
    const engine = await node('n1');
    const live = await collect(engine, 'prices');
    const channel = keys().live('prices');
    for (const bad of ['garbage', '0:e:{}', 'x:e:{}', '1::{}', '1:bad epoch:{}']) await admin.publish(channel, bad);
    await engine.publish('prices', '{"ok":true}');
    const [event] = await live.waitFor(1);
    expect(event?.payload).toBe('{"ok":true}');
    await eventually(() => expect(engine.stats.malformedMessages).toBe(5));
    expect(live.events).toHaveLength(1);
    expect(logs.filter((l) => l.msg === 'malformed live message dropped')).toHaveLength(5);
  });

  it('fills from history the live events lost while its subscriber connection was down', async () => {
    const subscriber = await node('sub');
    const publisher = await node('pub');
    const live = await collect(subscriber, 'prices');
    await publisher.publish('prices', '0');
    await live.waitFor(1);
    await killConnection(admin, 'defi-realtime:sub:sub');
    // Published while the subscriber reconnects: pub/sub alone would lose these.
    for (const i of range(20)) await publisher.publish('prices', String(i + 1));
    // Keep publishing until the reconnected subscriber sees one and fills the gap.
    let n = 21;
    await eventually(async () => {
      await publisher.publish('prices', String(n++));
      await sleep(30);
      expect(live.events.length).toBeGreaterThan(21);
    }, 10_000);
    // A last event, published behind all the others: once it is in, every one before it is.
    await publisher.publish('prices', String(n));
    await eventually(() => expect(live.events.at(-1)?.payload).toBe(String(n)));
    expect(subscriber.stats.gapsFilled).toBeGreaterThanOrEqual(1);
    expect(live.events.map((e) => e.position.offset)).toEqual(range(live.events.length).map((i) => i + 1));
    expect(live.events.map((e) => e.payload)).toEqual(range(live.events.length).map(String));
  });

  it('keeps working after SCRIPT FLUSH', async () => {
    const engine = await node('n1');
    await engine.publish('prices', '1');
    await admin.script('FLUSH');
    expect((await engine.publish('prices', '2')).offset).toBe(2);
  });

  it('uses a client it was given and leaves it open on close', async () => {
    const client = createRedis(url);
    try {
      const engine = new RedisEngine({ redis: client, prefix, nodeId: 'given' });
      await engine.start();
      await engine.publish('prices', '1');
      await engine.close();
      expect(await client.ping()).toBe('PONG');
    } finally {
      await client.quit();
    }
  });

  it('rejects start() when Redis is unreachable, and closes cleanly after', async () => {
    const engine = new RedisEngine({ redis: 'redis://127.0.0.1:1', redisOptions: { reconnect: false }, prefix });
    await expect(engine.start()).rejects.toThrow();
    await expect(engine.publish('prices', '1')).rejects.toThrow(/before start/);
    await engine.close();
  });

  it('removes its liveness records on close', async () => {
    const engine = await node('leaving');
    const k = keys();
    expect(await admin.exists(k.nodeAlive('leaving'))).toBe(1);
    await engine.close();
    expect(await admin.exists(k.nodeAlive('leaving'), k.nodeSets('leaving'))).toBe(0);
    expect(await admin.zscore(k.nodeRegistry(), 'leaving')).toBeNull();
  });
});

async function killConnection(client: RedisClient, name: string): Promise<void> {
  const list = (await client.client('LIST')) as string;
  const line = list.split('\n').find((l) => l.includes(` name=${name} `));
  const id = /(?:^|\s)id=(\d+)/.exec(line ?? '')?.[1];
  if (!id) throw new Error(`no client named ${name}`);
  await client.client('KILL', 'ID', id);
}

/*
 * Several gateway processes on one Redis behave as one service: real
 * OS processes, killed with real signals.
 */
import { randomBytes } from 'node:crypto';
import { generateApiKey, keyPrefix } from '@defi-realtime/auth';
import { createTestDatabase, type TestDatabase } from '@defi-realtime/db/testing';
import { RedisEngine } from '@defi-realtime/engine';
import { channelsForEvent } from '@defi-realtime/protocol';
import { createKeys, createRedis, type RedisClient } from '@defi-realtime/redis';
import { cleanupPrefix, redisUrlForTests, requireRedis } from '@defi-realtime/redis/testing';
import { TestClient, closeAfterAll, eventually, priceEvent, START_TEST_TIMEOUT_MS, wsUrl } from './helpers';
import { spawnGateway, type GatewayProcess } from './gateway-process';

const ENGINE_HEARTBEAT_MS = 300;
const ADMIN_TOKEN = 'admin-token-for-cluster-test';

describe('a cluster of gateway processes on one Redis', () => {
  const redisUrl = redisUrlForTests();
  const prefix = `t_cluster_${randomBytes(4).toString('hex')}`;
  const key = generateApiKey();
  let database: TestDatabase;
  let redis: RedisClient;
  let publisher: RedisEngine;
  const nodes: GatewayProcess[] = [];
  const clients: TestClient[] = [];
  const started = closeAfterAll();

  const start = async () => {
    const node = await started.add(
      spawnGateway({
        REDIS_URL: redisUrl,
        REDIS_PREFIX: prefix,
        DATABASE_URL: `${database.url}?options=${encodeURIComponent(`-c search_path=${database.schema}`)}`,
        SEED_API_KEYS: `${key}:pro`,
        ENGINE_HEARTBEAT_MS: String(ENGINE_HEARTBEAT_MS),
        ADMIN_TOKEN,
        DRAIN_TIMEOUT_MS: '3000',
      }),
      (n) => n.stop('SIGKILL'),
    );
    nodes.push(node);
    return node;
  };
  const connect = async (node: GatewayProcess) => {
    const { client } = await TestClient.welcomed(wsUrl(node.url), { apiKey: key });
    clients.push(client);
    return client;
  };
  const publish = async (price: number, tokenId = 'coingecko:ethereum') => {
    const event = priceEvent({ price, tokenId });
    for (const channel of channelsForEvent(event)) await publisher.publish(channel, JSON.stringify(event));
  };
  const liveSubscribers = async (channel: string) => {
    const [, count] = (await redis.call('PUBSUB', 'NUMSUB', createKeys(prefix).live(channel))) as [string, number];
    return Number(count);
  };
  const keyConnections = async () => {
    const { rows } = await database.db.query<{ id: string }>('SELECT id FROM api_keys WHERE key_prefix = $1', [
      keyPrefix(key),
    ]);
    return publisher.countMembers(`quota:connections:api_key:${rows[0]!.id}`);
  };

  beforeAll(async () => {
    await requireRedis(redisUrl);
    database = await createTestDatabase('postgres');
    redis = createRedis(redisUrl);
    publisher = new RedisEngine({ redis: redisUrl, prefix });
    await publisher.start();
    await start();
    await start();
  }, 2 * START_TEST_TIMEOUT_MS);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    for (const node of nodes) node.child.kill('SIGKILL');
    await Promise.all(nodes.map((n) => n.exited));
    await publisher.close();
    await cleanupPrefix(redis, prefix);
    await redis.quit();
    await database.cleanup();
  });

  it('delivers one publish to subscribers on every node, once each', async () => {
    const [a, b] = [await connect(nodes[0]!), await connect(nodes[1]!)];
    await a.subscribe(['prices']);
    await b.subscribe(['prices']);
    await publish(3100);
    const [onA, onB] = await Promise.all([a.next('price_update'), b.next('price_update')]);
    expect(onA.data.price).toBe(3100);
    expect(onB.data.price).toBe(3100);
    expect(onA.position).toEqual(onB.position);
    // A later publish: once it is in on both, a second copy of the first would be too (channels are ordered).
    await publish(3101);
    await Promise.all([a, b].map((c) => c.next((m) => m.type === 'price_update' && m.data.price === 3101)));
    expect(a.data('prices').map((m) => m.data.price)).toEqual([3100, 3101]);
    expect(b.data('prices').map((m) => m.data.price)).toEqual([3100, 3101]);
  });

  it('subscribes a node in Redis only to channels its own clients use', async () => {
    const channel = 'token:coingecko:bitcoin';
    expect(await liveSubscribers(channel)).toBe(0);
    const client = await connect(nodes[0]!);
    await client.subscribe([channel]);
    expect(await liveSubscribers(channel)).toBe(1); // node 0 only, not node 1
    await client.request({ type: 'unsubscribe', id: 'u', channels: [channel] });
    await eventually(async () => expect(await liveSubscribers(channel)).toBe(0));
  });

  it('relays an operator broadcast from one node to clients on every node', async () => {
    const [a, b] = [await connect(nodes[0]!), await connect(nodes[1]!)];
    const res = await fetch(`${nodes[1]!.url}/admin/broadcast`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'maintenance at 02:00 UTC', level: 'warning' }),
    });
    expect(res.status).toBe(202);
    const [onA, onB] = await Promise.all([a.next('system_announcement'), b.next('system_announcement')]);
    expect(onA.data).toEqual({ message: 'maintenance at 02:00 UTC', level: 'warning' });
    expect(onB.data).toEqual(onA.data);
  });

  it(
    'releases the connections and quota of a SIGKILLed node within two heartbeat intervals',
    async () => {
      const victim = await start();
      const before = await keyConnections();
      await connect(victim);
      await connect(victim);
      expect(await keyConnections()).toBe(before + 2);
      victim.child.kill('SIGKILL');
      await victim.exited;
      const killedAt = Date.now();
      // Detection takes the node timeout (2 heartbeats) plus one survivor check period.
      await eventually(async () => expect(await keyConnections()).toBe(before), 4 * ENGINE_HEARTBEAT_MS + 2_000);
      const took = Date.now() - killedAt;
      expect(took).toBeLessThan(4 * ENGINE_HEARTBEAT_MS + 2_000);
      const survivor = nodes[0]!;
      await eventually(() =>
        expect(
          survivor.logs.some((l) => l.event === 'node_down' && l.nodeId === victim.nodeId) ||
            nodes[1]!.logs.some((l) => l.event === 'node_down' && l.nodeId === victim.nodeId),
        ).toBe(true),
      );
    },
    START_TEST_TIMEOUT_MS,
  );

  it(
    'drains on SIGTERM: clients told to go with 1001 and resume elsewhere, then it exits',
    async () => {
      const leaving = await start();
      const client = await connect(leaving);
      await client.subscribe(['prices']);
      leaving.child.kill('SIGTERM');
      const closed = await client.closedWithin(5_000);
      expect(closed.code).toBe(1001);
      expect(client.messages.some((m) => m.type === 'error' && m.code === 'GOING_AWAY')).toBe(true);
      const exit = await leaving.exited;
      expect(exit.code).toBe(0);
      // Its client resumes on another node and gets what it missed.
      const welcome = client.messages.find((m) => m.type === 'welcome')!;
      await publish(3333);
      const { client: again } = await TestClient.welcomed(wsUrl(nodes[0]!.url), { apiKey: key });
      clients.push(again);
      const result = await again.request({ type: 'resume', id: 'r', resumeToken: welcome.resumeToken });
      expect(result.results).toEqual([
        expect.objectContaining({ channel: 'prices', status: 'subscribed', recovered: true }),
      ]);
      expect((await again.next('price_update')).data.price).toBe(3333);
    },
    START_TEST_TIMEOUT_MS,
  );
});
